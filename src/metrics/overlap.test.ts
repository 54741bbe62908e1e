import { describe, expect, it } from 'vitest';
import { maskRuns } from './maskRuns.ts';
import { overlapCounts, overlapFromCounts } from './overlap.ts';
import { box, ijkOf, type Dims3 } from './agreementReference.testSupport.ts';

const spacing: Dims3 = [0.7, 0.9, 2.5];
const voxelMl = (0.7 * 0.9 * 2.5) / 1000;

function overlapOf(a: Uint8Array, b: Uint8Array, dims: Dims3, segment?: number) {
  return overlapFromCounts(overlapCounts(maskRuns(a, dims, { segment }), maskRuns(b, dims, { segment })), spacing);
}

describe('overlap', () => {
  it('two offset boxes: closed form', () => {
    const dims: Dims3 = [30, 25, 20];
    // A 10x8x6, B 10x8x6 shifted by (3, 2, 1): overlap 7x6x5.
    const a = box(dims, [2, 3, 4], [11, 10, 9]);
    const b = box(dims, [5, 5, 5], [14, 12, 10]);
    const o = overlapOf(a, b, dims);
    expect(o.voxels_a).toBe(480);
    expect(o.voxels_b).toBe(480);
    expect(o.voxels_overlap).toBe(7 * 6 * 5);
    expect(o.dice).toBe((2 * 210) / 960);
    expect(o.jaccard).toBe(210 / (960 - 210));
    expect(o.volume_a_ml).toBeCloseTo(480 * voxelMl, 12);
    expect(o.volume_diff_ml).toBe(0);
    expect(o.volume_diff_pct).toBe(0);
  });

  it('boxes of different sizes: volume difference in mL and in % of the mean', () => {
    const dims: Dims3 = [20, 20, 20];
    const a = box(dims, [0, 0, 0], [9, 9, 9]); // 1000 voxels, at the grid's corner
    const b = box(dims, [0, 0, 0], [9, 9, 4]); // 500, inside A
    const o = overlapOf(a, b, dims);
    expect(o.dice).toBe(1000 / 1500);
    expect(o.jaccard).toBe(0.5);
    expect(o.volume_diff_ml).toBeCloseTo(500 * voxelMl, 12);
    expect(o.volume_diff_pct).toBeCloseTo((100 * 500) / 750, 12);
  });

  it('two offset voxel-counted spheres: counts from the definition', () => {
    const dims: Dims3 = [40, 36, 30];
    const inSphere = (n: number, c: Dims3, r: number) => {
      const [i, j, k] = ijkOf(dims, n);
      return (i - c[0]) ** 2 + (j - c[1]) ** 2 + (k - c[2]) ** 2 <= r * r;
    };
    const a = new Uint8Array(40 * 36 * 30);
    const b = new Uint8Array(40 * 36 * 30);
    let na = 0;
    let nb = 0;
    let both = 0;
    for (let n = 0; n < a.length; n++) {
      const ia = inSphere(n, [18, 17, 14], 10);
      const ib = inSphere(n, [22.5, 15, 13], 9);
      a[n] = ia ? 1 : 0;
      b[n] = ib ? 2 : 0; // another label value: "all segments merged" counts it
      na += +ia;
      nb += +ib;
      both += +(ia && ib);
    }
    const o = overlapOf(a, b, dims);
    expect([o.voxels_a, o.voxels_b, o.voxels_overlap]).toEqual([na, nb, both]);
    expect(o.dice).toBeCloseTo((2 * both) / (na + nb), 15);
    expect(o.jaccard).toBeCloseTo(both / (na + nb - both), 15);
    expect(o.volume_b_ml).toBeCloseTo(nb * voxelMl, 12);
    // Segment 1 only: B has none of it.
    const s1 = overlapOf(a, b, dims, 1);
    expect([s1.voxels_a, s1.voxels_b, s1.dice, s1.jaccard, s1.volume_diff_pct]).toEqual([na, 0, 0, 0, 200]);
  });

  it('empty masks: Dice and Jaccard 1, volume difference in % null', () => {
    const dims: Dims3 = [8, 8, 8];
    const o = overlapOf(new Uint8Array(512), new Uint8Array(512), dims);
    expect(o).toEqual({ voxels_a: 0, voxels_b: 0, voxels_overlap: 0, dice: 1, jaccard: 1, volume_a_ml: 0, volume_b_ml: 0, volume_diff_ml: 0, volume_diff_pct: null });
  });
});
