// The lead's review queue: every complete case with how much its readers disagree (lowest pairwise
// Dice, largest volume difference in mL and %, form items differing), worst first, sortable by
// each column and filterable by study, reader and state. Cases without figures are computed in
// the background one at a time (src/stores/reviewStore.ts); a case that cannot be computed says
// why in its row. A row opens the case's review.
import { useEffect, useMemo } from 'react';
import { reviewPath, statsPath } from '../app/routes.ts';
import type { ReviewQueueItem } from '../model/api.ts';
import { REVIEW_STATES, type ReviewState } from '../model/review.ts';
import { QUEUE_DEFINITIONS, pairFigureDefinitions } from '../review/definitions.ts';
import { formatFigure } from '../review/plots.ts';
import { filterQueue, queueReaders, queueStudies, sortQueue, versionsKey, type QueueSortKey } from '../review/queueView.ts';
import { DefinitionsHelp } from '../review/ui/DefinitionsHelp.tsx';
import { useReviewStore } from '../stores/reviewStore.ts';
import { useRouteStore } from '../stores/routeStore.ts';
import { startReview } from './reviewApi.ts';

const REVIEW_STATE_LABEL: Record<ReviewState, string> = { to_review: 'To review', in_review: 'In review', adjudicated: 'Adjudicated' };

/** `ascending`: the column's worst-first order is ascending (lowest Dice first, labels A→Z). */
const COLUMNS: Array<{ key: QueueSortKey; label: string; numeric: boolean; ascending: boolean }> = [
  { key: 'label', label: 'Case', numeric: false, ascending: true },
  { key: 'lowestDice', label: 'Lowest Dice', numeric: true, ascending: true },
  { key: 'largestVolumeDiffMl', label: 'Volume difference (mL)', numeric: true, ascending: false },
  { key: 'largestVolumeDiffPct', label: 'Volume difference (%)', numeric: true, ascending: false },
  { key: 'formItemsDiffering', label: 'Form items differing', numeric: true, ascending: false },
  { key: 'state', label: 'State', numeric: false, ascending: true },
];

const cases = (n: number) => `${n} case${n === 1 ? '' : 's'}`;

function finishedText(done: number, failed: number): string {
  if (failed === 0) return `Agreement computed for ${cases(done)}`;
  if (failed === done) return `Agreement could not be computed for ${cases(failed)} (see the rows)`;
  return `Agreement computed for ${cases(done - failed)}; ${cases(failed)} could not be (see the rows)`;
}

function Figure({ testId, value, digits }: { testId: string; value: number | null | undefined; digits: number }) {
  return (
    <td className="num" data-testid={testId} data-value={value === null || value === undefined ? undefined : String(value)}>
      {formatFigure(value, digits)}
    </td>
  );
}

export function ReviewQueue() {
  const { items, error, sort, studyId, readerId, state, problems, progress } = useReviewStore();
  const navigate = useRouteStore((s) => s.navigate);

  useEffect(() => {
    const store = useReviewStore.getState();
    void store.load().then(() => useReviewStore.getState().computeMissing());
    return () => useReviewStore.getState().stop();
  }, []);

  const readers = useMemo(() => queueReaders(items ?? []), [items]);
  const studies = useMemo(() => queueStudies(items ?? []), [items]);
  const shown = useMemo(() => sortQueue(filterQueue(items ?? [], { studyId, readerId, state }), sort), [items, studyId, readerId, state, sort]);
  const waiting = new Set((items ?? []).filter((i) => i.summary === null && problems[i.caseId]?.versions !== versionsKey(i.versions)).map((i) => i.caseId));

  const open = (item: ReviewQueueItem) => {
    // The case is in review from the moment a lead opens it; the screen opens whatever the answer.
    if (item.state === 'to_review') void startReview(item.caseId).catch(() => undefined);
    navigate(reviewPath(item.studyInstanceUid, item.seriesInstanceUid, item.caseId));
  };

  return (
    <section className="review-queue-section">
      <div className="review-queue-bar">
        <h2>Review queue</h2>
        <DefinitionsHelp title="The queue's figures" definitions={{ ...QUEUE_DEFINITIONS, ...pairFigureDefinitions() }} testId="review-queue-help" />
        <label>
          Study{' '}
          <select value={studyId ?? ''} onChange={(e) => useReviewStore.getState().setFilter({ studyId: e.target.value ? Number(e.target.value) : null })} aria-label="Filter by study">
            <option value="">All</option>
            {studies.map((s) => <option key={s.studyId} value={s.studyId}>{s.name}</option>)}
          </select>
        </label>
        <label>
          Reader{' '}
          <select value={readerId ?? ''} onChange={(e) => useReviewStore.getState().setFilter({ readerId: e.target.value ? Number(e.target.value) : null })} aria-label="Filter by reader">
            <option value="">All</option>
            {readers.map((r) => <option key={r.userId} value={r.userId}>{r.name}</option>)}
          </select>
        </label>
        <label>
          State{' '}
          <select value={state ?? ''} onChange={(e) => useReviewStore.getState().setFilter({ state: (e.target.value || null) as ReviewState | null })} aria-label="Filter by state">
            <option value="">All</option>
            {REVIEW_STATES.map((s) => <option key={s} value={s}>{REVIEW_STATE_LABEL[s]}</option>)}
          </select>
        </label>
        {studyId !== null && <button onClick={() => navigate(statsPath(studyId))}>Statistics of this study</button>}
        <span className="spacer" />
        {progress && (
          <span className="compute-progress" role="status" data-testid="compute-progress" data-done={progress.done} data-failed={progress.failed} data-total={progress.total}>
            {progress.current !== null ? `Computing agreement: ${progress.done + 1} of ${progress.total}` : finishedText(progress.done, progress.failed)}
          </span>
        )}
      </div>
      {error && <p className="error-text" role="alert">{error}</p>}
      {items === null && !error && <p className="muted" role="status">Loading the review queue…</p>}
      {items && items.length === 0 && <p className="muted">No case is complete yet: a case comes here once every assigned reader has submitted.</p>}
      {items && items.length > 0 && (
        <table className="studies review-queue" data-testid="review-queue" data-sort={sort.key} data-reversed={sort.reversed}>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.key} className={c.numeric ? 'num' : undefined} aria-sort={sort.key !== c.key ? 'none' : c.ascending !== sort.reversed ? 'ascending' : 'descending'}>
                  <button className="link sort-button" onClick={() => useReviewStore.getState().sortBy(c.key)} data-testid={`sort-${c.key}`}>
                    {c.label}
                    {sort.key === c.key ? (sort.reversed ? ' ▲' : ' ▼') : ''}
                  </button>
                </th>
              ))}
              <th>Study</th>
              <th>Readers</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {shown.map((item) => {
              const s = item.summary;
              const problem = problems[item.caseId]?.versions === versionsKey(item.versions) ? problems[item.caseId] : null;
              const computing = progress?.current === item.caseId;
              return (
                <tr
                  key={item.caseId}
                  data-case-id={item.caseId}
                  data-state={item.state}
                  data-computed={s !== null}
                  data-problem={problem ? 'true' : undefined}
                  className={`review-row${problem ? ' has-problem' : ''}`}
                  onClick={() => open(item)}
                >
                  <td>
                    {item.label}
                    {problem && (
                      <div className="row-problem" role="note" data-testid="case-problem" onClick={(e) => e.stopPropagation()}>
                        {problem.messages.map((m, i) => <p key={i}>{m}</p>)}
                        <button onClick={() => useReviewStore.getState().retry(item.caseId)}>Compute again</button>
                      </div>
                    )}
                  </td>
                  {s ? (
                    <>
                      <Figure testId="lowest-dice" value={s.lowestDice} digits={3} />
                      <Figure testId="volume-diff-ml" value={s.largestVolumeDiffMl} digits={1} />
                      <Figure testId="volume-diff-pct" value={s.largestVolumeDiffPct} digits={0} />
                      <Figure testId="form-items-differing" value={s.formItemsDiffering} digits={0} />
                    </>
                  ) : (
                    <td colSpan={4} className="muted" data-testid="lowest-dice">
                      {computing ? 'Computing…' : problem ? 'Not computed' : waiting.has(item.caseId) ? 'Waiting to be computed' : ''}
                    </td>
                  )}
                  <td data-testid="review-state">{REVIEW_STATE_LABEL[item.state]}</td>
                  <td>{item.studyName}</td>
                  <td>{item.reads.map((r) => r.displayName || r.username).join(', ')}</td>
                  <td>
                    <button onClick={(e) => { e.stopPropagation(); open(item); }} data-testid="open-review">Review</button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {items && items.length > 0 && shown.length === 0 && <p className="muted">No case matches the filters.</p>}
    </section>
  );
}
