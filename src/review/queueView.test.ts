import { describe, expect, it } from 'vitest';
import type { ReviewQueueItem } from '../model/api.ts';
import type { DisagreementSummary, ReviewState } from '../model/review.ts';
import { filterQueue, nextSort, queueReaders, sortQueue, versionsKey } from './queueView.ts';

function item(caseId: number, label: string, summary: DisagreementSummary | null, state: ReviewState = 'to_review', readers = [1, 2], studyId = 1): ReviewQueueItem {
  return {
    caseId, studyId, studyName: `Study ${studyId}`, label, studyInstanceUid: '1', seriesInstanceUid: '2', state,
    reads: readers.map((userId) => ({ userId, username: `u${userId}`, displayName: `Reader ${userId}`, submittedAt: null, results: [] })),
    versions: [], summary, consensus: null,
  };
}
const s = (lowestDice: number, ml: number, pct: number | null, items: number): DisagreementSummary => ({ lowestDice, largestVolumeDiffMl: ml, largestVolumeDiffPct: pct, formItemsDiffering: items });

const items = [
  item(1, 'Case 10', s(0.8, 5, 10, 0)),
  item(2, 'Case 2', s(0.3, 1, null, 3), 'in_review', [2, 3]),
  item(3, 'Case 1', null, 'adjudicated', [1, 3], 2),
  item(4, 'Case 3', s(0.3, 9, 50, 1)),
];
const ids = (xs: ReviewQueueItem[]) => xs.map((x) => x.caseId);

describe('sortQueue', () => {
  it('puts the worst first: lowest Dice, ties by label, cases without figures last', () => {
    expect(ids(sortQueue(items, { key: 'lowestDice', reversed: false }))).toEqual([2, 4, 1, 3]);
    expect(ids(sortQueue(items, { key: 'lowestDice', reversed: true }))).toEqual([1, 2, 4, 3]);
  });

  it('puts the largest differences first, a missing % last', () => {
    expect(ids(sortQueue(items, { key: 'largestVolumeDiffMl', reversed: false }))).toEqual([4, 1, 2, 3]);
    expect(ids(sortQueue(items, { key: 'largestVolumeDiffPct', reversed: false }))).toEqual([4, 1, 3, 2]); // no % and no figures: by label
    expect(ids(sortQueue(items, { key: 'formItemsDiffering', reversed: false }))).toEqual([2, 4, 1, 3]);
  });

  it('sorts labels in natural order and states in their order', () => {
    expect(ids(sortQueue(items, { key: 'label', reversed: false }))).toEqual([3, 2, 4, 1]);
    expect(ids(sortQueue(items, { key: 'state', reversed: false }))).toEqual([4, 1, 2, 3]);
  });
});

describe('filterQueue', () => {
  it('filters by study, reader and state', () => {
    expect(ids(filterQueue(items, { studyId: null, readerId: 3, state: null }))).toEqual([2, 3]);
    expect(ids(filterQueue(items, { studyId: null, readerId: null, state: 'to_review' }))).toEqual([1, 4]);
    expect(ids(filterQueue(items, { studyId: 2, readerId: null, state: null }))).toEqual([3]);
    expect(ids(filterQueue(items, { studyId: 1, readerId: 1, state: 'in_review' }))).toEqual([]);
  });
});

describe('queue helpers', () => {
  it('lists the readers by name', () => {
    expect(queueReaders(items)).toEqual([1, 2, 3].map((userId) => ({ userId, name: `Reader ${userId}` })));
  });

  it('keys versions whatever their order', () => {
    const a = { userId: 2, segSopInstanceUid: '1.2', srSopInstanceUid: null };
    const b = { userId: 1, segSopInstanceUid: null, srSopInstanceUid: '1.3' };
    expect(versionsKey([a, b])).toBe(versionsKey([b, a]));
    expect(versionsKey([a, b])).toBe('1:-:1.3|2:1.2:-');
  });

  it('reverses a column clicked twice', () => {
    expect(nextSort({ key: 'lowestDice', reversed: false }, 'lowestDice')).toEqual({ key: 'lowestDice', reversed: true });
    expect(nextSort({ key: 'lowestDice', reversed: true }, 'label')).toEqual({ key: 'label', reversed: false });
  });
});

describe('the URLs the queue and the statistics open', () => {
  it('opens a case\'s review on its CT and a study\'s statistics', async () => {
    const { parseRoute, reviewPath, statsPath } = await import('../app/routes.ts');
    expect(reviewPath('1.2.3', '4.5.6', 17)).toBe('/viewer/1.2.3/4.5.6?compare=17');
    expect(statsPath(3)).toBe('/stats/3');
    expect(parseRoute('/stats/3')).toEqual({ name: 'stats', studyId: 3 });
    expect(parseRoute('/stats/3/')).toEqual({ name: 'stats', studyId: 3 });
    expect(parseRoute('/stats/0')).toMatchObject({ name: 'not-found' });
    expect(parseRoute('/stats/9999999999')).toMatchObject({ name: 'not-found' });
    expect(parseRoute('/stats/1x')).toMatchObject({ name: 'not-found' });
  });
});
