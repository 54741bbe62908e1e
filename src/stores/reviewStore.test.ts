import { describe, expect, it } from 'vitest';
import type { ReviewQueueItem } from '../model/api.ts';
import type { CaseAgreement } from '../model/review.ts';
import type { CaseComputation } from '../review/computeCaseAgreement.ts';
import { setCaseComputation, useReviewStore } from './reviewStore.ts';

function item(caseId: number, computed: boolean): ReviewQueueItem {
  return {
    caseId, studyId: 1, studyName: 'S', label: `Case ${caseId}`, studyInstanceUid: '1', seriesInstanceUid: '2', state: 'to_review', reads: [],
    versions: [{ userId: 1, segSopInstanceUid: `1.${caseId}`, srSopInstanceUid: null }],
    summary: computed ? { lowestDice: 1, largestVolumeDiffMl: 0, largestVolumeDiffPct: null, formItemsDiffering: 0 } : null,
    consensus: null,
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 1));
};

describe('the review store', () => {
  it('computes the cases without figures one at a time, keeping problems for their versions', async () => {
    const seen: number[] = [];
    let inFlight = 0;
    let most = 0;
    setCaseComputation(async (i): Promise<CaseComputation> => {
      seen.push(i.caseId);
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, 2));
      inFlight--;
      if (i.caseId === 3) return { caseId: 3, status: 'problem', problems: ['Reader 2 submitted no segmentation (form only).'] };
      const agreement = { caseId: i.caseId, versions: i.versions, pairs: [], form: [], reads: [], computedAt: '' } as CaseAgreement;
      return { caseId: i.caseId, status: 'stored', agreement, summary: { lowestDice: 0.5, largestVolumeDiffMl: 2, largestVolumeDiffPct: 10, formItemsDiffering: 1 } };
    });
    useReviewStore.setState({ items: [item(1, true), item(2, false), item(3, false)], problems: {}, progress: null });
    useReviewStore.getState().computeMissing();
    useReviewStore.getState().computeMissing(); // a second call joins the run
    expect(useReviewStore.getState().progress).toEqual({ done: 0, failed: 0, total: 2, current: 2 });
    await until(() => useReviewStore.getState().progress?.current === null);
    const s = useReviewStore.getState();
    expect(seen).toEqual([2, 3]);
    expect(most).toBe(1);
    expect(s.progress).toEqual({ done: 2, failed: 1, total: 2, current: null });
    expect(s.items?.find((i) => i.caseId === 2)?.summary?.lowestDice).toBe(0.5);
    expect(s.problems[3].messages).toEqual(['Reader 2 submitted no segmentation (form only).']);

    // Not retried for the same versions; retried on demand.
    useReviewStore.getState().computeMissing();
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([2, 3]);
    useReviewStore.getState().retry(3);
    await until(() => seen.length === 3 && useReviewStore.getState().progress?.current === null);
    expect(seen).toEqual([2, 3, 3]);
  });

  it('sorts by a column, reversing it when clicked again', () => {
    useReviewStore.setState({ sort: { key: 'lowestDice', reversed: false } });
    useReviewStore.getState().sortBy('lowestDice');
    expect(useReviewStore.getState().sort).toEqual({ key: 'lowestDice', reversed: true });
    useReviewStore.getState().sortBy('label');
    expect(useReviewStore.getState().sort).toEqual({ key: 'label', reversed: false });
  });
});

