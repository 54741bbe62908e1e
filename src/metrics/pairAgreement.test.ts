import { describe, expect, it } from 'vitest';
import { AGREEMENT_SUMMARY_FIELDS, agreementSummary, METRIC_DEFINITIONS, pairAgreement } from './pairAgreement.ts';
import { binary, box, bruteAgreement, randomBlobs, seededRandom, type Dims3 } from './agreementReference.testSupport.ts';

const spacing: Dims3 = [0.7, 0.9, 2.5];

function expectClose(got: Record<string, number | null>, want: Record<string, number | null>): void {
  for (const [name, w] of Object.entries(want)) {
    const g = got[name];
    if (w === null) expect(g, name).toBeNull();
    else expect(Math.abs((g as number) - w), `${name}: ${g} vs ${w}`).toBeLessThan(1e-9);
  }
}

describe('pairAgreement', () => {
  // nx = 12 is read four voxels at a time, nx = 13 voxel by voxel.
  for (const dims of [[12, 10, 8], [13, 10, 8]] as Dims3[]) {
    for (const seed of [1, 2, 3, 4, 5]) {
      it(`equals the brute-force definitions on ${dims.join('x')}, merged and per segment (seed ${seed})`, () => {
        const random = seededRandom(seed);
        const a = randomBlobs(dims, random, 5, 3, 3);
        const b = randomBlobs(dims, random, 5, 3, 3);
        expectClose({ ...pairAgreement(a, b, dims, spacing) }, { ...bruteAgreement(binary(a), binary(b), dims, spacing) });
        for (const segment of [1, 2, 3]) {
          expectClose({ ...pairAgreement(a, b, dims, spacing, { segment }) }, { ...bruteAgreement(binary(a, segment), binary(b, segment), dims, spacing) });
        }
      });
    }
  }

  it('reads a labelmap that is a view into a larger buffer', () => {
    const dims: Dims3 = [12, 10, 8];
    const random = seededRandom(9);
    const backing = new Uint8Array(960 * 2 + 3);
    const a = backing.subarray(3, 963);
    a.set(randomBlobs(dims, random, 4, 3));
    const b = randomBlobs(dims, random, 4, 3);
    expectClose({ ...pairAgreement(a, b, dims, spacing) }, { ...bruteAgreement(binary(a), binary(b), dims, spacing) });
  });

  it('empty masks give numbers that say so, never NaN', () => {
    const dims: Dims3 = [8, 8, 8];
    const empty = new Uint8Array(512);
    const both = pairAgreement(empty, empty.slice(), dims, spacing);
    expect(both).toMatchObject({ dice: 1, jaccard: 1, voxels_a: 0, voxels_b: 0, volume_diff_ml: 0, volume_diff_pct: null, hd_mm: null, hd95_mm: null, msd_mm: null, lesions_a: 0, lesions_b: 0, lesion_f1: 1 });
    const a = box(dims, [1, 1, 1], [3, 3, 3]);
    const one = pairAgreement(a, empty, dims, spacing);
    expect(one).toMatchObject({ dice: 0, jaccard: 0, voxels_a: 27, volume_diff_pct: 200, hd_mm: null, hd95_mm: null, msd_mm: null, lesions_a: 1, missed: 1, lesion_f1: 0 });
    for (const figures of [both, one, pairAgreement(empty, a, dims, spacing)]) {
      for (const v of Object.values(figures)) expect(Number.isNaN(v)).toBe(false);
    }
  });

  it('refuses labelmaps that do not fit the grid, a bad spacing or segment', () => {
    expect(() => pairAgreement(new Uint8Array(10), new Uint8Array(12), [2, 2, 3], spacing)).toThrow(/10 voxels/);
    expect(() => pairAgreement(new Uint8Array(12), new Uint8Array(12), [2, 2, 3], [1, 0, 1])).toThrow(/spacing/);
    expect(() => pairAgreement(new Uint8Array(12), new Uint8Array(12), [2, 2, 3], spacing, { segment: 0 })).toThrow(/segment/);
  });

  it('defines every figure, and the summary is the command’s fields in order', () => {
    const dims: Dims3 = [8, 8, 8];
    const figures = pairAgreement(box(dims, [1, 1, 1], [4, 4, 4]), box(dims, [2, 2, 2], [5, 5, 5]), dims, spacing);
    expect(Object.keys(METRIC_DEFINITIONS).sort()).toEqual(Object.keys(figures).sort());
    for (const text of Object.values(METRIC_DEFINITIONS)) expect(text.length).toBeGreaterThan(10);
    expect(Object.keys(agreementSummary(figures))).toEqual([...AGREEMENT_SUMMARY_FIELDS]);
  });
});
