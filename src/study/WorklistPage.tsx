// A reader's worklist: their assigned cases with their state (new, in progress, submitted, and
// "waiting to sync" while this device still holds the result), filterable, and the next case.
// It names no other reader and shows nothing of their progress: the server sends none.
import { useEffect, useState } from 'react';
import { UserMenu } from '../app/LoginPage.tsx';
import { caseKey, localDb } from '../storage/localDb.ts';
import { useProfileStore } from '../stores/profileStore.ts';
import type { WorklistItem } from '../model/api.ts';
import type { ReadState } from '../model/read.ts';
import { fetchWorklist } from './studyApi.ts';
import { nextCase, openCase } from '../read/caseNavigation.ts';

const STATE_LABEL: Record<ReadState | 'waiting', string> = { new: 'New', in_progress: 'In progress', submitted: 'Submitted', waiting: 'Submitted, waiting to sync' };

export function WorklistPage() {
  const [items, setItems] = useState<WorklistItem[] | null>(null);
  const [waiting, setWaiting] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState<'' | ReadState>('');
  const [q, setQ] = useState('');
  // The label filter asks the server once typing pauses, not on every key.
  const [query, setQuery] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQuery(q.trim()), 300);
    return () => clearTimeout(timer);
  }, [q]);
  const user = useProfileStore((s) => s.reader);

  useEffect(() => {
    let live = true;
    fetchWorklist({ state: filter ? [filter] : undefined, q: query || undefined })
      .then((r) => live && (setItems(r.items), setError(null)))
      .catch((err: unknown) => live && setError(err instanceof Error ? err.message : String(err)));
    // Results this device has not sent yet.
    void localDb().outbox.where('state').anyOf('waiting', 'sending').toArray().then((rows) => live && setWaiting(new Set(rows.filter((r) => r.user === user).map((r) => r.caseKey))));
    return () => {
      live = false;
    };
  }, [filter, query, user]);

  const stateOf = (i: WorklistItem) => (waiting.has(caseKey(i.studyInstanceUid, i.seriesInstanceUid)) ? 'waiting' : i.state);
  const next = items && nextCase(items, (i) => stateOf(i) === 'waiting');
  return (
    <main className="study-browser">
      <header className="page-header">
        <h1>My cases</h1>
        {next && <button className="primary" data-testid="next-case" onClick={() => void openCase(next)}>Open next case ({next.label})</button>}
        <span className="spacer" />
        <UserMenu />
      </header>
      <div className="worklist-filters">
        <label>
          State{' '}
          <select value={filter} onChange={(e) => setFilter(e.target.value as '' | ReadState)} aria-label="Filter by state">
            <option value="">All</option>
            <option value="new">New</option>
            <option value="in_progress">In progress</option>
            <option value="submitted">Submitted</option>
          </select>
        </label>
        <label>
          Case <input value={q} onChange={(e) => setQ(e.target.value)} placeholder="label contains…" aria-label="Filter by case label" />
        </label>
      </div>
      {error && <p className="error-text" role="alert">{error}</p>}
      {items === null && !error && <p className="muted" role="status">Loading your cases…</p>}
      {items && items.length === 0 && <p className="muted">No cases {filter || q ? 'match' : 'are assigned to you'}.</p>}
      {items && items.length > 0 && (
        <table className="studies" data-testid="worklist">
          <thead>
            <tr><th>Case</th><th>Study</th><th>State</th><th>Submitted</th><th /></tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.caseId} data-case-id={i.caseId} data-state={stateOf(i)}>
                <td>{i.label}</td>
                <td>{i.studyName}</td>
                <td>{STATE_LABEL[stateOf(i)]}</td>
                <td>{i.submittedAt ? new Date(i.submittedAt).toLocaleString() : ''}</td>
                <td><button onClick={() => void openCase(i)}>Open</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
