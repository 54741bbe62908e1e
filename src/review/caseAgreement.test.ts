import { describe, expect, it } from 'vitest';
import { AgreementInputError, caseAgreement, commonNumbering, type AgreementInput, type AgreementRead } from './caseAgreement.ts';
import { summarize } from '../model/review.ts';

// A 4×4×1 grid, voxel i = x + 4y, 1 × 1 × 2 mm: 0.002 mL a voxel.
const dims = [4, 4, 1] as const;
const spacingMm = [1, 1, 2] as const;

function labelmap(values: Record<number, number>): Uint8Array {
  const out = new Uint8Array(16);
  for (const [i, v] of Object.entries(values)) out[Number(i)] = v;
  return out;
}

// Reader 1 numbers GGO 1, consolidation 2; reader 2 numbers them the other way round and adds "Other".
const readerA: AgreementRead = {
  userId: 1,
  labels: labelmap({ 0: 1, 1: 1, 2: 1, 3: 1, 8: 2, 9: 2 }),
  segments: [{ value: 1, label: 'GGO' }, { value: 2, label: 'Consolidation' }],
  answers: { pattern: 'Typical', extent: 'Mild' },
  readingTimeS: 300,
};
const readerB: AgreementRead = {
  userId: 2,
  labels: labelmap({ 0: 2, 1: 2, 4: 2, 8: 1, 9: 1, 15: 3 }),
  segments: [{ value: 1, label: 'Consolidation' }, { value: 2, label: 'GGO' }, { value: 3, label: 'Other' }],
  answers: { pattern: 'Typical' },
  readingTimeS: null,
};
const formOnly: AgreementRead = { userId: 3, labels: null, segments: [], answers: { pattern: 'Atypical', extent: 'Mild' }, readingTimeS: 120 };

const formItems = [
  { id: 'pattern', label: 'COVID-19 CT pattern', kind: 'choice' as const },
  { id: 'extent', label: 'Extent', kind: 'choice' as const },
  { id: 'note', label: 'Note', kind: 'text' as const },
];

function input(reads: AgreementRead[]): AgreementInput {
  return {
    caseId: 7,
    versions: reads.map((r) => ({ userId: r.userId, segSopInstanceUid: r.labels ? `1.2.${r.userId}` : null, srSopInstanceUid: `1.3.${r.userId}` })),
    dims,
    spacingMm,
    reads,
    formItems,
    computedAt: '2026-12-03T10:00:00.000Z',
  };
}

describe('caseAgreement', () => {
  const result = caseAgreement(input([readerB, readerA]));
  const pair = (segment: string | null) => result.pairs.find((p) => p.segment === segment)!.figures;

  it('pairs the readers in user id order, merged first, then each label in the common numbering', () => {
    expect(result.pairs.map((p) => [p.userA, p.userB, p.segment])).toEqual([
      [1, 2, null],
      [1, 2, 'GGO'],
      [1, 2, 'Consolidation'],
      [1, 2, 'Other'],
    ]);
    expect(result.caseId).toBe(7);
    expect(result.computedAt).toBe('2026-12-03T10:00:00.000Z');
  });

  it('compares all nonzero voxels for the merged figure', () => {
    const f = pair(null);
    // A {0,1,2,3,8,9}, B {0,1,4,8,9,15}: 4 shared.
    expect(f.voxelsA).toBe(6);
    expect(f.voxelsB).toBe(6);
    expect(f.dice).toBe(8 / 12);
    expect(f.jaccard).toBe(4 / 8);
    expect(f.volumeAMl).toBeCloseTo(0.012, 12);
    expect(f.volumeDiffMl).toBeCloseTo(0, 12);
    expect(f.volumeDiffPct).toBeCloseTo(0, 9);
    // A: {0-3} and {8,9} are two lesions; B: {0,1,4,8,9} (26-connected) and {15}.
    expect([f.lesionsA, f.lesionsB, f.matchedA, f.matchedB, f.missed, f.extra]).toEqual([2, 2, 2, 1, 0, 1]);
    expect(f.lesionF1).toBe(3 / 4);
  });

  it('matches segments by label, whatever value each reader gave them', () => {
    const ggo = pair('GGO');
    expect([ggo.voxelsA, ggo.voxelsB]).toEqual([4, 3]);
    expect(ggo.dice).toBe(4 / 7);
    expect(ggo.jaccard).toBe(2 / 5);
    expect(ggo.volumeDiffMl).toBeCloseTo(0.002, 12);
    expect(ggo.volumeDiffPct).toBeCloseTo((100 * 0.002) / 0.007, 9);
    const cons = pair('Consolidation');
    expect(cons.dice).toBe(1);
    expect(cons.hdMm).toBe(0);
  });

  it('gives a segment only one reader has the empty mask on the other side, and the size of the % difference', () => {
    const other = pair('Other');
    expect([other.voxelsA, other.voxelsB, other.dice]).toEqual([0, 1, 0]);
    expect(other.volumeDiffMl).toBeCloseTo(-0.002, 12);
    expect(other.volumeDiffPct).toBeCloseTo(200, 9);
    expect(other.hdMm).toBeNull();
    expect(other.extra).toBe(1);
  });

  it('compares the form item by item: agree only when all answered the same', () => {
    expect(result.form).toEqual([
      { itemId: 'pattern', label: 'COVID-19 CT pattern', answers: [{ userId: 1, answer: 'Typical' }, { userId: 2, answer: 'Typical' }], agree: true },
      { itemId: 'extent', label: 'Extent', answers: [{ userId: 1, answer: 'Mild' }, { userId: 2, answer: null }], agree: false },
      { itemId: 'note', label: 'Note', answers: [{ userId: 1, answer: null }, { userId: 2, answer: null }], agree: false },
    ]);
  });

  it('gives each read its lesion volume, answers by item and reading time', () => {
    expect(result.reads.map((r) => r.userId)).toEqual([1, 2]);
    expect(result.reads[0].lesionVolumeMl).toBeCloseTo(0.012, 12);
    expect(result.reads[0].answers).toEqual({ pattern: 'Typical', extent: 'Mild', note: null });
    expect(result.reads[0].readingTimeS).toBe(300);
    expect(result.reads[1].readingTimeS).toBeNull();
    expect(result.reads[1].severityScore).toBeNull();
  });

  it('summarizes to the queue figures', () => {
    expect(summarize(result)).toEqual({ lowestDice: 8 / 12, largestVolumeDiffMl: Math.abs(pair(null).volumeDiffMl), largestVolumeDiffPct: pair(null).volumeDiffPct, formItemsDiffering: 2 });
  });

  it('leaves a read without a segmentation out of the pairs but keeps its answers', () => {
    const r = caseAgreement(input([readerA, readerB, formOnly]));
    expect(new Set(r.pairs.flatMap((p) => [p.userA, p.userB]))).toEqual(new Set([1, 2]));
    expect(r.reads.find((x) => x.userId === 3)).toEqual({ userId: 3, lesionVolumeMl: 0, severityScore: null, answers: { pattern: 'Atypical', extent: 'Mild', note: null }, readingTimeS: 120 });
    expect(r.form[0].agree).toBe(false);
  });

  it('does not change the labelmaps it was given', () => {
    const before = Array.from(readerB.labels!);
    caseAgreement(input([readerA, readerB]));
    expect(Array.from(readerB.labels!)).toEqual(before);
  });

  it('refuses a labelmap that is not on the grid', () => {
    const wrong: AgreementRead = { ...readerB, labels: new Uint8Array(15) };
    expect(() => caseAgreement(input([readerA, wrong]))).toThrow(AgreementInputError);
    expect(() => caseAgreement(input([readerA, wrong]))).toThrow(/not on one grid/);
  });

  it('numbers labels by first appearance', () => {
    expect([...commonNumbering([readerA, readerB])]).toEqual([['GGO', 1], ['Consolidation', 2], ['Other', 3]]);
  });
});
