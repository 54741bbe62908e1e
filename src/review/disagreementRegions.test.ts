import { describe, expect, it } from 'vitest';
import { disagreementRegions } from './disagreementRegions.ts';

describe('disagreement regions', () => {
  it('are the components of A∖B and B∖A together, largest first, with their centres', () => {
    const dims = [6, 4, 3] as const;
    const at = (i: number, j: number, k: number) => i + 6 * (j + 4 * k);
    const overlay = new Uint8Array(6 * 4 * 3);
    // Agreement is no region.
    overlay[at(0, 0, 0)] = 3;
    // A 3-voxel region: two only-A and one only-B touching diagonally (26-connected).
    overlay[at(2, 1, 1)] = 1;
    overlay[at(3, 1, 1)] = 1;
    overlay[at(4, 2, 2)] = 2;
    // A single only-B voxel elsewhere.
    overlay[at(0, 3, 0)] = 2;
    const regions = disagreementRegions(overlay, dims);
    expect(regions).toEqual([
      { voxels: 3, centre: [3, 4 / 3, 4 / 3], onlyA: 2 },
      { voxels: 1, centre: [0, 3, 0], onlyA: 0 },
    ]);
    expect(disagreementRegions(new Uint8Array(72).fill(3), dims)).toEqual([]);
  });
});
