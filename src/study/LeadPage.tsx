// A lead's view of the reading studies: each case with how many of its readers have submitted;
// a case opens to who has read it, and (only once every assigned reader has submitted, which the
// server enforces) each read, to view on the CT.
import { useEffect, useState } from 'react';
import { useRouteStore } from '../stores/routeStore.ts';
import { viewerPath } from '../app/routes.ts';
import { UserMenu } from '../app/LoginPage.tsx';
import type { CaseProgress, ReadSummary, StudySummary } from '../model/api.ts';
import { fetchCaseReads, fetchStudies, fetchStudyCases } from './studyApi.ts';

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
  useEffect(() => {
    fetchStudyCases(study.id).then((r) => setCases(r.cases), () => setCases([]));
  }, [study.id]);
  return (
    <section className="lead-study">
      <h2>{study.name}</h2>
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
  const navigate = useRouteStore((s) => s.navigate);
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
      {error && <p className="error-text" role="alert">{error}</p>}
      {studies?.length === 0 && <p className="muted">No reading studies yet.</p>}
      {studies?.map((s) => <StudyCases key={s.id} study={s} />)}
    </main>
  );
}
