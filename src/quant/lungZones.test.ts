import { describe, expect, it } from 'vitest';
import { thirdOf, thirdsFromSliceCounts, zoneOfSlice, ZONE_NAMES, zoneIndex } from './lungZones.ts';
import { LUNG } from './ctVolume.ts';

const HEAD_UP = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const HEAD_DOWN = [1, 0, 0, 0, -1, 0, 0, 0, -1];

describe('thirdOf', () => {
  it('puts each slice in the third its centre falls in', () => {
    const thirds = (n: number) => Array.from({ length: n }, (_, p) => thirdOf(p, n));
    expect(thirds(1)).toEqual([1]);
    expect(thirds(2)).toEqual([0, 2]);
    expect(thirds(3)).toEqual([0, 1, 2]);
    expect(thirds(4)).toEqual([0, 1, 1, 2]);
    expect(thirds(5)).toEqual([0, 0, 1, 2, 2]);
    expect(thirds(6)).toEqual([0, 0, 1, 1, 2, 2]);
    // Extent 7: edges at 2⅓ and 4⅔; centres 0.5, 1.5 | 2.5, 3.5, 4.5 | 5.5, 6.5.
    expect(thirds(7)).toEqual([0, 0, 1, 1, 1, 2, 2]);
    expect(thirds(8)).toEqual([0, 0, 0, 1, 1, 2, 2, 2]);
  });

  it('gives every third a third of the slices, give or take one, on long extents', () => {
    for (let n = 3; n < 400; n++) {
      const count = [0, 0, 0];
      for (let p = 0; p < n; p++) count[thirdOf(p, n)]++;
      for (const c of count) expect(Math.abs(c - n / 3)).toBeLessThanOrEqual(2 / 3 + 1e-12);
    }
  });
});

describe('zoneOfSlice', () => {
  // 2×1×9 grid: right lung (i = 0) on slices 1-7, left lung (i = 1) on slices 3-5 and 7.
  const dims = [2, 1, 9] as const;
  const lungs = new Uint8Array(18);
  for (let k = 1; k <= 7; k++) lungs[2 * k] = LUNG.right;
  for (const k of [3, 4, 5, 7]) lungs[2 * k + 1] = LUNG.left;
  // Slice 6 of the left lung is empty but lies inside its extent (3-7).

  it('splits each lung by its own extent, upper third at the cranial end', () => {
    const zones = zoneOfSlice(lungs, dims, HEAD_UP);
    // k + 1 is cranial: the right lung's top slice is 7.
    expect(Array.from(zones.right)).toEqual([-1, 2, 2, 1, 1, 1, 0, 0, -1]);
    expect(Array.from(zones.left)).toEqual([-1, -1, -1, 2, 2, 1, 0, 0, -1]);
  });

  it('follows the slice direction', () => {
    const zones = zoneOfSlice(lungs, dims, HEAD_DOWN);
    expect(Array.from(zones.right)).toEqual([-1, 0, 0, 1, 1, 1, 2, 2, -1]);
    expect(Array.from(zones.left)).toEqual([-1, -1, -1, 0, 0, 1, 2, 2, -1]);
  });

  it('refuses a grid that is not axial', () => {
    expect(() => zoneOfSlice(lungs, dims, [1, 0, 0, 0, 0, 1, 0, -1, 0])).toThrow(/axial/);
  });

  it('has no zone without lung', () => {
    expect(Array.from(thirdsFromSliceCounts([0, 0, 0], 1))).toEqual([-1, -1, -1]);
  });

  it('numbers zones as ZONE_NAMES', () => {
    expect(ZONE_NAMES[zoneIndex(LUNG.right, 0)]).toBe('right_upper');
    expect(ZONE_NAMES[zoneIndex(LUNG.left, 2)]).toBe('left_lower');
  });
});
