// Study browser: studies and their series from QIDO-RS. DICOM text is rendered as React text
// nodes only (never as HTML), so a hostile PatientName shows as the characters it holds.
import { ReaderName } from './ReaderName.tsx';
import { UserMenu } from './LoginPage.tsx';
import { useAuthStore } from '../stores/authStore.ts';
import { useEffect } from 'react';
import { useStudyBrowserStore } from '../stores/studyBrowserStore.ts';
import { useRouteStore } from '../stores/routeStore.ts';
import { viewerPath } from './routes.ts';
import type { SeriesSummary } from '../dicomweb/qido.ts';
import { useOfflineStore } from '../stores/offlineStore.ts';

function SeriesRows({ studyUid }: { studyUid: string }) {
  const entry = useStudyBrowserStore((s) => s.series[studyUid]);
  const navigate = useRouteStore((s) => s.navigate);
  if (entry === undefined || entry === 'loading') return <tr><td colSpan={7} className="muted">Loading series…</td></tr>;
  if (!Array.isArray(entry)) return <tr><td colSpan={7} className="error-text">{entry.error}</td></tr>;
  if (entry.length === 0) return <tr><td colSpan={7} className="muted">No series.</td></tr>;
  return (
    <>
      {entry.map((s: SeriesSummary) => (
        <tr key={s.seriesInstanceUid} className="series-row" data-series-uid={s.seriesInstanceUid}>
          <td />
          <td colSpan={3}>
            <a
              href={viewerPath(s.studyInstanceUid, s.seriesInstanceUid)}
              onClick={(e) => {
                e.preventDefault();
                navigate(viewerPath(s.studyInstanceUid, s.seriesInstanceUid));
              }}
            >
              {s.seriesNumber !== undefined ? `#${s.seriesNumber} ` : ''}
              {s.description || '(no description)'}
            </a>
          </td>
          <td>{s.modality}</td>
          <td className="num">{s.instanceCount ?? '?'} images</td>
          <td>{s.modality === 'CT' && <KeepOffline studyUid={s.studyInstanceUid} seriesUid={s.seriesInstanceUid} />}</td>
        </tr>
      ))}
    </>
  );
}

const MB = 1024 * 1024;

/** "Keep offline" for one series, its download progress, or that it is kept. */
function KeepOffline({ studyUid, seriesUid }: { studyUid: string; seriesUid: string }) {
  const entry = useOfflineStore((s) => s.series[seriesUid]);
  const keep = useOfflineStore((s) => s.keep);
  if (entry?.state === 'kept') {
    return <span className="offline-kept" data-testid="offline-state" data-state="kept">Available offline ({entry.total} images, {Math.round(entry.bytes / MB)} MB)</span>;
  }
  if (entry?.state === 'saving') {
    return (
      <span data-testid="offline-state" data-state="saving" role="status">
        Keeping offline… {entry.done}/{entry.total || '?'} images, {Math.round(entry.bytes / MB)} MB
        <progress max={entry.total || 1} value={entry.done} />
      </span>
    );
  }
  return (
    <span>
      <button onClick={() => void keep(studyUid, seriesUid)} title="Download this series so it opens without a network">Keep offline</button>
      {entry?.state === 'failed' && <span className="error-text" data-testid="offline-state" data-state="failed" role="alert"> {entry.error}</span>}
    </span>
  );
}

export function StudyBrowser() {
  const { status, error, studies, expanded, loadStudies, toggleStudy } = useStudyBrowserStore();
  const authState = useAuthStore((s) => s.state);
  useEffect(() => {
    if (status === 'idle') void loadStudies();
  }, [status, loadStudies]);
  useEffect(() => {
    void useOfflineStore.getState().loadKept();
  }, []);

  return (
    <main className="study-browser">
      <header className="page-header">
        <h1>Studies</h1>
        <button onClick={() => void loadStudies()} disabled={status === 'loading'}>Refresh</button>
        <span className="spacer" />
        {authState === 'open' ? <ReaderName /> : <UserMenu />}
      </header>
      {status === 'loading' && <p className="muted" role="status">Loading studies…</p>}
      {status === 'failed' && (
        <div className="error-panel" role="alert">
          <p>{error}</p>
          <button onClick={() => void loadStudies()}>Retry</button>
        </div>
      )}
      {status === 'ready' && studies.length === 0 && <p className="muted">The archive holds no studies yet.</p>}
      {studies.length > 0 && (
        <table className="studies">
          <thead>
            <tr>
              <th />
              <th>Patient name</th>
              <th>Patient ID</th>
              <th>Study date</th>
              <th>Modalities</th>
              <th>Images</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {studies.map((st) => (
              <StudyRow key={st.studyInstanceUid} expanded={expanded === st.studyInstanceUid} onToggle={() => void toggleStudy(st.studyInstanceUid)} study={st} />
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

function StudyRow({ study, expanded, onToggle }: { study: import('../dicomweb/qido.ts').StudySummary; expanded: boolean; onToggle: () => void }) {
  return (
    <>
      <tr className="study-row" data-study-uid={study.studyInstanceUid} onClick={onToggle} aria-expanded={expanded}>
        <td><button className="link" aria-label={expanded ? 'Hide series' : 'Show series'}>{expanded ? '▾' : '▸'}</button></td>
        <td className="patient-name">{study.patientName || '(no name)'}</td>
        <td>{study.patientId}</td>
        <td>{study.studyDate}</td>
        <td>{study.modalities}</td>
        <td className="num">{study.instanceCount ?? '?'}</td>
        <td>{study.description}</td>
      </tr>
      {expanded && <SeriesRows studyUid={study.studyInstanceUid} />}
    </>
  );
}
