// The lead's review queue: the server's list of complete cases, the columns' sort and filters,
// and the background computation of the cases that have no agreement yet, one at a time (each
// loads every reader's SEG of a CT: doing them together would hold several CTs' labelmaps at
// once). A case that cannot be computed keeps its problem for the versions of the reads it was
// found on, so it is not retried on every visit, only once a reader stores a new result.
import { create } from 'zustand';
import type { ReviewQueueItem } from '../model/api.ts';
import type { ReviewState } from '../model/review.ts';
import { computeCaseAgreement, type CaseComputation } from '../review/computeCaseAgreement.ts';
import { type QueueSort, type QueueSortKey, nextSort, versionsKey } from '../review/queueView.ts';
import { fetchReviewQueue } from '../study/reviewApi.ts';

export interface CaseProblem {
  versions: string;
  messages: string[];
}

export interface ComputeProgress {
  /** cases finished (stored or with a problem) in this run */
  done: number;
  /** of those, the ones with a problem */
  failed: number;
  total: number;
  /** the case being computed now; null once the run is over */
  current: number | null;
}

interface ReviewStore {
  items: ReviewQueueItem[] | null;
  error: string | null;
  sort: QueueSort;
  studyId: number | null;
  readerId: number | null;
  state: ReviewState | null;
  problems: Record<number, CaseProblem>;
  progress: ComputeProgress | null;
  load: () => Promise<void>;
  sortBy: (key: QueueSortKey) => void;
  setFilter: (filter: Partial<Pick<ReviewStore, 'studyId' | 'readerId' | 'state'>>) => void;
  /** computes, in the background, every listed case without figures or a known problem */
  computeMissing: () => void;
  /** forgets a case's problem and computes it again */
  retry: (caseId: number) => void;
  /** stops after the case being computed (the page is left) */
  stop: () => void;
}

/** Tests give their own; the app computes in the workers and stores on the server. */
let compute: (item: ReviewQueueItem) => Promise<CaseComputation> = (item) => computeCaseAgreement(item);
export function setCaseComputation(fn: (item: ReviewQueueItem) => Promise<CaseComputation>): void {
  compute = fn;
}

// A run is one pass over the cases waiting, reading the list afresh before each case (so a case
// added meanwhile is picked up). stop() starts a new generation: the run of an older one ends
// after its current case; computeMissing() then starts a new run once that one has ended.
let generation = 0;
let runningGeneration: number | null = null;
let startAfterRun = false;

export const useReviewStore = create<ReviewStore>((set, get) => {
  const waiting = (): ReviewQueueItem[] => {
    const { items, problems } = get();
    return (items ?? []).filter((i) => i.summary === null && problems[i.caseId]?.versions !== versionsKey(i.versions));
  };

  const run = async (mine: number): Promise<void> => {
    runningGeneration = mine;
    try {
      let done = 0;
      let failed = 0;
      for (;;) {
        if (mine !== generation) return;
        const queue = waiting();
        const next = queue[0];
        if (!next) {
          set({ progress: done > 0 ? { done, failed, total: done, current: null } : null });
          return;
        }
        set({ progress: { done, failed, total: done + queue.length, current: next.caseId } });
        let result: CaseComputation;
        try {
          result = await compute(next);
        } catch (err) {
          // computeCaseAgreement reports problems rather than throwing; this is a bug, kept visible.
          result = { caseId: next.caseId, status: 'problem', problems: [`The agreement could not be computed: ${err instanceof Error ? err.message : String(err)}`] };
        }
        done++;
        if (result.status === 'stored') {
          const { summary, agreement } = result;
          set((s) => ({ items: s.items?.map((i) => (i.caseId === next.caseId ? { ...i, summary, versions: agreement.versions } : i)) ?? null }));
        } else {
          failed++;
          const messages = result.problems;
          set((s) => ({ problems: { ...s.problems, [next.caseId]: { versions: versionsKey(next.versions), messages } } }));
        }
      }
    } finally {
      runningGeneration = null;
      if (startAfterRun) {
        startAfterRun = false;
        void run(++generation);
      }
    }
  };

  return {
    items: null,
    error: null,
    sort: { key: 'lowestDice', reversed: false },
    studyId: null,
    readerId: null,
    state: null,
    problems: {},
    progress: null,

    load: async () => {
      try {
        const queue = await fetchReviewQueue();
        set({ items: queue.items, error: null });
      } catch (err) {
        set({ error: err instanceof Error ? err.message : String(err) });
      }
    },

    sortBy: (key) => set((s) => ({ sort: nextSort(s.sort, key) })),

    setFilter: (filter) => set(filter),

    computeMissing: () => {
      if (runningGeneration === generation) return; // the run in progress picks new cases up itself
      if (runningGeneration !== null) startAfterRun = true; // a stopped run is finishing its case
      else void run(++generation);
    },

    retry: (caseId) => {
      set((s) => {
        const problems = { ...s.problems };
        delete problems[caseId];
        return { problems };
      });
      get().computeMissing();
    },

    stop: () => {
      generation++;
      startAfterRun = false;
      set((s) => ({ progress: s.progress && { ...s.progress, current: null } }));
    },
  };
});
