import { describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../dicomweb/dicomJson.ts';
import type { ReviewQueueItem } from '../model/api.ts';
import type { CaseAgreement, ReadVersion } from '../model/review.ts';
import type { Segment } from '../model/segment.ts';
import { StaleAgreementError } from '../study/reviewApi.ts';
import { caseAgreement } from './caseAgreement.ts';
import { CaseNotReadyError, type LoadedCase, type LoadedRead } from './caseReads.ts';
import { answersById, computeCaseAgreement, decodeTargetOf, readingTimeOf, type ComputeDeps } from './computeCaseAgreement.ts';

// A 4×4×2 CT, 0.5 mm pixels, 2 mm slices.
function ct(z: number, n: number): DicomJsonDataset {
  return {
    '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] },
    '00080018': { vr: 'UI', Value: [`1.2.3.${n}`] },
    '00080060': { vr: 'CS', Value: ['CT'] },
    '00200013': { vr: 'IS', Value: [n] },
    '00200032': { vr: 'DS', Value: [0, 0, z] },
    '00200037': { vr: 'DS', Value: [1, 0, 0, 0, 1, 0] },
    '00200052': { vr: 'UI', Value: ['1.2.3.99'] },
    '00280010': { vr: 'US', Value: [4] },
    '00280011': { vr: 'US', Value: [4] },
    '00280030': { vr: 'DS', Value: [0.5, 0.5] },
  } as DicomJsonDataset;
}
const metadata = [ct(0, 1), ct(2, 2)];

const segment = (value: number, label: string): Segment => ({ value, label, color: [255, 0, 0], category: { value: 'c', scheme: 'S', meaning: 'c' }, type: { value: 't', scheme: 'S', meaning: 't' } });

function read(userId: number, painted: number[], version = 1): LoadedRead {
  const labels = new Uint8Array(32);
  for (const i of painted) labels[i] = 1;
  return {
    userId,
    username: `r${userId}`,
    displayName: `Reader ${userId}`,
    labels,
    segments: [segment(1, 'GGO')],
    segSopInstanceUid: `1.9.${userId}.${version}`,
    srSopInstanceUid: null,
    answers: [{ itemId: 'pattern', concept: { value: 'p', scheme: 'S', meaning: 'Pattern' }, kind: 'code', value: { value: 'T', scheme: 'S', meaning: 'Typical' } }],
    // Reader 1's SR carries a quantification, reader 2's does not.
    severityScore6Zone: userId === 1 ? 7 : null,
    problem: null,
  };
}

function loaded(reads: LoadedRead[]): LoadedCase {
  return { caseId: 5, reads, versions: reads.map((r) => ({ userId: r.userId, segSopInstanceUid: r.segSopInstanceUid, srSopInstanceUid: r.srSopInstanceUid })) };
}

const item: ReviewQueueItem = {
  caseId: 5,
  studyId: 1,
  studyName: 'S',
  label: 'Case 0005',
  studyInstanceUid: '1.2.3',
  seriesInstanceUid: '1.2.3.4',
  state: 'to_review',
  reads: [
    { userId: 1, username: 'r1', displayName: 'Reader 1', submittedAt: '2026-12-01T10:05:00.000Z', results: [], openedAt: '2026-12-01T10:00:00.000Z' } as ReviewQueueItem['reads'][number],
    { userId: 2, username: 'r2', displayName: 'Reader 2', submittedAt: '2026-12-01T11:00:00.000Z', results: [] },
  ],
  versions: [],
  summary: null,
  consensus: null,
};

type TestDeps = ComputeDeps & { stored: CaseAgreement[]; loads: number; pinned: Array<readonly ReadVersion[]> };

function deps(overrides: Partial<ComputeDeps> & { cases?: LoadedCase[] }): TestDeps {
  const cases = overrides.cases ?? [loaded([read(1, [0, 1, 2, 3]), read(2, [0, 1])])];
  const state: TestDeps = {
    stored: [],
    loads: 0,
    pinned: [],
    fetchSeriesMetadata: async () => metadata,
    loadCaseReads: async (_c, _s, _t, _d, pinned): Promise<LoadedCase> => {
      state.pinned.push(pinned);
      return cases[Math.min(state.loads++, cases.length - 1)];
    },
    currentVersions: async () => [{ userId: 1, segSopInstanceUid: '1.9.1.1', srSopInstanceUid: null }, { userId: 2, segSopInstanceUid: '1.9.2.2', srSopInstanceUid: null }],
    decode: async () => {
      throw new Error('not used');
    },
    formItems: async () => [{ id: 'pattern', label: 'Pattern', kind: 'choice' as const }],
    compute: async (input) => caseAgreement(input),
    store: async (a) => {
      state.stored.push(a);
    },
    now: () => new Date('2026-12-03T09:00:00.000Z'),
    ...overrides,
  };
  return state;
}

describe('decodeTargetOf', () => {
  it('builds the grid the viewer builds', () => {
    const t = decodeTargetOf('1.2.3', '1.2.3.4', metadata);
    if ('problem' in t) throw new Error(t.problem);
    expect(t.dims).toEqual([4, 4, 2]);
    expect(t.spacingMm).toEqual([0.5, 0.5, 2]);
    expect(t.target.slices.map((s) => s?.sopInstanceUid)).toEqual(['1.2.3.1', '1.2.3.2']);
    expect(t.target.frameOfReferenceUid).toBe('1.2.3.99');
  });

  it('gives the series check\'s message for what is not a CT volume', () => {
    expect(decodeTargetOf('1', '2', [])).toEqual({ problem: 'This series has no images.' });
  });
});

describe('computeCaseAgreement', () => {
  it('computes and stores the agreement of the reads it loaded', async () => {
    const d = deps({});
    const r = await computeCaseAgreement(item, d);
    expect(r.status).toBe('stored');
    if (r.status !== 'stored') return;
    expect(d.stored).toHaveLength(1);
    expect(r.agreement.versions.map((v) => v.segSopInstanceUid)).toEqual(['1.9.1.1', '1.9.2.1']);
    // 4 voxels against 2, 2 shared; 0.5 × 0.5 × 2 mm = 0.0005 mL a voxel.
    expect(r.summary.lowestDice).toBe(4 / 6);
    expect(r.summary.largestVolumeDiffMl).toBeCloseTo(0.001, 12);
    expect(r.summary.formItemsDiffering).toBe(0);
    expect(r.agreement.reads.map((x) => x.readingTimeS)).toEqual([300, null]);
    expect(r.agreement.reads.map((x) => x.severityScore)).toEqual([7, null]);
    expect(r.agreement.computedAt).toBe('2026-12-03T09:00:00.000Z');
  });

  it('recomputes once from fresh reads when the server says they changed', async () => {
    let calls = 0;
    const d = deps({
      cases: [loaded([read(1, [0]), read(2, [0])]), loaded([read(1, [0]), read(2, [0, 1], 2)])],
      store: async () => {
        if (calls++ === 0) throw new StaleAgreementError('stale');
      },
    });
    const r = await computeCaseAgreement(item, d);
    expect(r.status).toBe('stored');
    expect(d.loads).toBe(2);
    if (r.status === 'stored') expect(r.agreement.versions[1].segSopInstanceUid).toBe('1.9.2.2');
    // First the queue's versions, then the ones the server has now: the very results it counts as latest.
    expect(d.pinned).toEqual([item.versions, await d.currentVersions(5)]);
  });

  it('gives up after a second 409, saying so', async () => {
    const d = deps({ store: async () => Promise.reject(new StaleAgreementError('stale')) });
    const r = await computeCaseAgreement(item, d);
    expect(r).toEqual({ caseId: 5, status: 'problem', problems: [expect.stringContaining('changed again')] });
    expect(d.loads).toBe(2);
  });

  it('reports each read\'s problem and stores nothing', async () => {
    const noSeg = { ...read(2, []), labels: null, segments: [], segSopInstanceUid: null, problem: 'Reader 2 submitted no segmentation (form only)' };
    const broken = { ...read(3, []), labels: null, problem: 'the segmentation of Reader 3 could not be read on this CT: wrong frame of reference' };
    const d = deps({ cases: [loaded([read(1, [0]), noSeg, broken])] });
    const r = await computeCaseAgreement(item, d);
    expect(r).toEqual({
      caseId: 5,
      status: 'problem',
      problems: ['Reader 2 submitted no segmentation (form only).', 'The segmentation of Reader 3 could not be read on this CT: wrong frame of reference.'],
    });
    expect(d.stored).toEqual([]);
  });

  it('reports reads on different grids', async () => {
    const other = { ...read(2, []), labels: new Uint8Array(31) };
    const d = deps({ cases: [loaded([read(1, [0]), other])] });
    const r = await computeCaseAgreement(item, d);
    expect(r.status === 'problem' && r.problems[0]).toMatch(/not on one grid/);
    expect(d.stored).toEqual([]);
  });

  it('reports a case that is not complete', async () => {
    const d = deps({ loadCaseReads: async () => Promise.reject(new CaseNotReadyError('This case is not ready for review: not every assigned reader has submitted.')) });
    expect(await computeCaseAgreement(item, d)).toEqual({ caseId: 5, status: 'problem', problems: ['This case is not ready for review: not every assigned reader has submitted.'] });
  });

  it('reports a series that is not a CT volume, and a form that does not load', async () => {
    expect(await computeCaseAgreement(item, deps({ fetchSeriesMetadata: async () => [] }))).toEqual({ caseId: 5, status: 'problem', problems: ['This series has no images.'] });
    const r = await computeCaseAgreement(item, deps({ formItems: async () => Promise.reject(new Error('HTTP 404')) }));
    expect(r).toEqual({ caseId: 5, status: 'problem', problems: ['The read form could not be loaded: HTTP 404'] });
  });

  it('reports a server that refuses the agreement', async () => {
    const r = await computeCaseAgreement(item, deps({ store: async () => Promise.reject(new Error('pairs[0].figures.volumeDiffPct is not within 0 to Infinity (HTTP 400)')) }));
    expect(r.status === 'problem' && r.problems[0]).toMatch(/could not be kept by the server: pairs\[0\]/);
  });
});

describe('readingTimeOf and answersById', () => {
  it('takes the server\'s reading time, else opening to submit, else null', () => {
    const base = item.reads[1];
    expect(readingTimeOf({ ...base, readingTimeS: 42 } as never)).toBe(42);
    expect(readingTimeOf({ ...base, openedAt: '2026-12-01T10:58:00.000Z' } as never)).toBe(120);
    expect(readingTimeOf(base)).toBeNull();
    expect(readingTimeOf(undefined)).toBeNull();
  });

  it('keys answers by item id as the screen shows them', () => {
    expect(answersById(null)).toBeNull();
    expect(
      answersById([
        { itemId: 'a', concept: { value: 'a', scheme: 'S', meaning: 'A' }, kind: 'num', value: 31, unit: { code: 'mm', meaning: 'millimeter' } },
        { itemId: 'b', concept: { value: 'b', scheme: 'S', meaning: 'B' }, kind: 'text', value: 'free, "text"' },
      ]),
    ).toEqual({ a: '31 mm', b: 'free, "text"' });
  });
});
