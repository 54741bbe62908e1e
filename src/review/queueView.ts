// What the review queue shows of the server's list: filtered by study, reader and state, sorted
// by one column, worst first unless reversed; a case without figures yet sorts last either way
// (as the server sorts, server/study/reviewQueue.ts). Pure.
import type { ReviewQueueItem } from '../model/api.ts';
import type { ReadVersion, ReviewState } from '../model/review.ts';

export const QUEUE_SORT_KEYS = ['lowestDice', 'largestVolumeDiffMl', 'largestVolumeDiffPct', 'formItemsDiffering', 'label', 'state'] as const;
export type QueueSortKey = (typeof QUEUE_SORT_KEYS)[number];

export interface QueueSort {
  key: QueueSortKey;
  /** false: worst first (lowest Dice, largest difference, most items differing; labels A→Z) */
  reversed: boolean;
}

export interface QueueFilter {
  studyId: number | null;
  readerId: number | null;
  state: ReviewState | null;
}

const STATE_ORDER: Record<ReviewState, number> = { to_review: 0, in_review: 1, adjudicated: 2 };

/** The figure a column sorts by, oriented so that smaller is worse; null: none (sorts last). */
function sortValue(item: ReviewQueueItem, key: QueueSortKey): number | string | null {
  const s = item.summary;
  switch (key) {
    case 'lowestDice':
      return s ? s.lowestDice : null;
    case 'largestVolumeDiffMl':
      return s ? -s.largestVolumeDiffMl : null;
    case 'largestVolumeDiffPct':
      return s && s.largestVolumeDiffPct !== null ? -s.largestVolumeDiffPct : null;
    case 'formItemsDiffering':
      return s ? -s.formItemsDiffering : null;
    case 'label':
      return item.label;
    case 'state':
      return STATE_ORDER[item.state];
  }
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function sortQueue(items: readonly ReviewQueueItem[], sort: QueueSort): ReviewQueueItem[] {
  const dir = sort.reversed ? -1 : 1;
  return [...items].sort((a, b) => {
    const x = sortValue(a, sort.key);
    const y = sortValue(b, sort.key);
    if (x === null || y === null) {
      if (x !== y) return x === null ? 1 : -1;
    } else {
      const c = typeof x === 'string' ? collator.compare(x, y as string) : (x as number) - (y as number);
      if (c !== 0) return dir * c;
    }
    // Ties (and cases with no figures) in label order, so the list does not jump between loads.
    return collator.compare(a.label, b.label) || a.caseId - b.caseId;
  });
}

export function filterQueue(items: readonly ReviewQueueItem[], filter: QueueFilter): ReviewQueueItem[] {
  return items.filter(
    (i) =>
      (filter.studyId === null || i.studyId === filter.studyId) &&
      (filter.state === null || i.state === filter.state) &&
      (filter.readerId === null || i.reads.some((r) => r.userId === filter.readerId)),
  );
}

/** The readers of the listed cases, by name. */
export function queueReaders(items: readonly ReviewQueueItem[]): Array<{ userId: number; name: string }> {
  const byId = new Map<number, string>();
  for (const i of items) for (const r of i.reads) byId.set(r.userId, r.displayName || r.username);
  return [...byId].map(([userId, name]) => ({ userId, name })).sort((a, b) => collator.compare(a.name, b.name) || a.userId - b.userId);
}

export function queueStudies(items: readonly ReviewQueueItem[]): Array<{ studyId: number; name: string }> {
  const byId = new Map<number, string>();
  for (const i of items) byId.set(i.studyId, i.studyName);
  return [...byId].map(([studyId, name]) => ({ studyId, name })).sort((a, b) => collator.compare(a.name, b.name));
}

/** One key for a set of read versions, whatever their order: a problem is kept for the versions it was found on. */
export function versionsKey(versions: readonly ReadVersion[]): string {
  return [...versions]
    .sort((a, b) => a.userId - b.userId)
    .map((v) => `${v.userId}:${v.segSopInstanceUid ?? '-'}:${v.srSopInstanceUid ?? '-'}`)
    .join('|');
}

/** A column's new sort: the same column again reverses it, another starts worst first. */
export function nextSort(current: QueueSort, key: QueueSortKey): QueueSort {
  return current.key === key ? { key, reversed: !current.reversed } : { key, reversed: false };
}
