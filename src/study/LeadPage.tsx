// A lead's home: the review queue (complete cases, worst agreement first: ReviewQueue.tsx) and,
// on a second tab, the reading studies: each case with how many of its readers have submitted;
// a case opens to who has read it, and (only once every assigned reader has submitted, which the
// server enforces) each read, to view on the CT. Each study links to its statistics.
import { useEffect, useState } from 'react';
import { useRouteStore } from '../stores/routeStore.ts';
import { statsPath, viewerPath } from '../app/routes.ts';
import { UserMenu } from '../app/LoginPage.tsx';
import type { CaseProgress, ReadSummary, StudySummary } from '../model/api.ts';
import { fetchCaseReads, fetchStudies, fetchStudyCases } from './studyApi.ts';
import { ReviewQueue } from './ReviewQueue.tsx';
import { DatasetExportLink } from './DatasetExportLink.tsx';

type LeadTab = 'queue' | 'studies';
const TAB_KEY = 'ctaw.leadTab';

// The tab survives a reload (sessionStorage: this tab of the browser only).
function savedTab(): LeadTab {
  try {
    return sessionStorage.getItem(TAB_KEY) === 'studies' ? 'studies' : 'queue';
  } catch {
    return 'queue';
  }
}

function CaseReads({ item }: { item: CaseProgress }) {
  const [reads, setReads] = useState<{ complete: boolean; reads: ReadSummary[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const navigate = useRouteStore((s) => s.navigate);
  useEffect(() => {
    fetchCaseReads(item.id).then(setReads, (err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [item.id]);
  if (error) return <p className="error-text" role="alert">{error}</p>;
  if (!reads) return <p className="muted">Loading reads…</p>;
  return (
    <div className="case-reads" data-testid="case-reads" data-complete={reads.complete}>
      {!reads.complete && <p className="muted">The reads are shown once every assigned reader has submitted.</p>}
      <ul>
        {reads.reads.map((r) => {
          const seg = r.results?.find((x) => x.kind === 'seg');
          return (
            <li key={r.userId} data-reader={r.username} data-submitted={r.submitted}>
              {r.displayName || r.username}: {r.submitted ? `submitted ${r.submittedAt ? new Date(r.submittedAt).toLocaleString() : ''}` : 'not submitted'}
              {seg && (
                <>
                  {' '}
                  <button onClick={() => navigate(`${viewerPath(item.studyInstanceUid, item.seriesInstanceUid)}?review=${encodeURIComponent(seg.seriesInstanceUid)}&reader=${encodeURIComponent(r.displayName || r.username)}`)}>
                    View read
                  </button>
                </>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function StudyCases({ study }: { study: StudySummary }) {
  const [cases, setCases] = useState<CaseProgress[] | null>(null);
  const [open, setOpen] = useState<number | null>(null);
  const navigate = useRouteStore((s) => s.navigate);
  useEffect(() => {
    fetchStudyCases(study.id).then((r) => setCases(r.cases), () => setCases([]));
  }, [study.id]);
  return (
    <section className="lead-study">
      <h2>
        {study.name} <button onClick={() => navigate(statsPath(study.id))} data-testid="study-statistics">Statistics</button>{' '}
        <DatasetExportLink studyId={study.id} />
      </h2>
      {cases === null && <p className="muted">Loading cases…</p>}
      {cases && (
        <table className="studies">
          <thead>
            <tr><th>Case</th><th>Submitted</th><th /></tr>
          </thead>
          <tbody>
            {cases.map((c) => (
              <tr key={c.id} data-case-id={c.id}>
                <td>{c.label}</td>
                <td>{c.submitted} / {c.assigned}</td>
                <td>
                  <button onClick={() => setOpen(open === c.id ? null : c.id)} aria-expanded={open === c.id}>Reads</button>
                  {open === c.id && <CaseReads item={c} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function LeadPage() {
  const [studies, setStudies] = useState<StudySummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tab, setTab] = useState<LeadTab>(savedTab);
  const navigate = useRouteStore((s) => s.navigate);
  const choose = (next: LeadTab) => {
    setTab(next);
    try {
      sessionStorage.setItem(TAB_KEY, next);
    } catch {
      // Private mode: the tab is not remembered.
    }
  };
  useEffect(() => {
    fetchStudies().then((r) => setStudies(r.studies), (err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, []);
  return (
    <main className="study-browser">
      <header className="page-header">
        <h1>Reading studies</h1>
        <button onClick={() => navigate('/studies')}>All series</button>
        <span className="spacer" />
        <UserMenu />
      </header>
      <div className="lead-tabs" role="tablist" aria-label="Lead views">
        <button role="tab" aria-selected={tab === 'queue'} onClick={() => choose('queue')} data-testid="tab-queue">Review queue</button>
        <button role="tab" aria-selected={tab === 'studies'} onClick={() => choose('studies')} data-testid="tab-studies">Cases by study</button>
        {studies && studies.length > 0 && (
          <span className="stats-links">
            Statistics:{' '}
            {studies.map((s) => (
              <button key={s.id} className="link" onClick={() => navigate(statsPath(s.id))}>{s.name}</button>
            ))}
          </span>
        )}
      </div>
      {error && <p className="error-text" role="alert">{error}</p>}
      {tab === 'queue' && <ReviewQueue />}
      {tab === 'studies' && studies?.length === 0 && <p className="muted">No reading studies yet.</p>}
      {tab === 'studies' && studies?.map((s) => <StudyCases key={s.id} study={s} />)}
    </main>
  );
}
