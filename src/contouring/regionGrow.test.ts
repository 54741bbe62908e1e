import { describe, expect, it } from 'vitest';
import { regionGrow, type GrowOptions } from './regionGrow.ts';
import { voxelIndex, type Dims } from './labelmapGrid.ts';

const sorted = (a: Uint32Array): number[] => Array.from(a).sort((x, y) => x - y);

function volume(dims: Dims, fill = 0): Int16Array {
  return new Int16Array(dims[0] * dims[1] * dims[2]).fill(fill);
}

const grow3d = (over: Partial<GrowOptions> = {}): GrowOptions => ({ lo: 100, hi: 200, maxVoxels: 1e9, mode: '3d', axis: 2, ...over });

describe('regionGrow', () => {
  // A 5x5x5 volume: a 3x3 in-range square on slice k=2, plus a column going up from its centre
  // to k=4, plus an in-range voxel touching the square only diagonally (never 6- or 4-connected).
  const dims: Dims = [5, 5, 5];
  const hu = volume(dims);
  for (let j = 1; j <= 3; j++) for (let i = 1; i <= 3; i++) hu[voxelIndex(dims, i, j, 2)] = 150;
  hu[voxelIndex(dims, 2, 2, 3)] = 150;
  hu[voxelIndex(dims, 2, 2, 4)] = 150;
  hu[voxelIndex(dims, 4, 4, 2)] = 150;

  it('grows 6-connected through the volume in 3D', () => {
    const { indices, truncated } = regionGrow(hu, dims, [1, 1, 2], grow3d());
    expect(truncated).toBe(false);
    expect(indices.length).toBe(11);
    expect(sorted(indices)).toContain(voxelIndex(dims, 2, 2, 4));
    expect(sorted(indices)).not.toContain(voxelIndex(dims, 4, 4, 2));
    expect(indices[0]).toBe(voxelIndex(dims, 1, 1, 2));
  });

  it('stays on the seed slice across the chosen axis in 2D', () => {
    const axial = regionGrow(hu, dims, [1, 1, 2], grow3d({ mode: '2d', axis: 2 }));
    expect(sorted(axial.indices)).toEqual(sorted(Uint32Array.from([1, 2, 3].flatMap((j) => [1, 2, 3].map((i) => voxelIndex(dims, i, j, 2))))));
    // Coronal slice j=2 through the column: the middle row of the square plus the column.
    const coronal = regionGrow(hu, dims, [2, 2, 4], grow3d({ mode: '2d', axis: 1 }));
    expect(sorted(coronal.indices)).toEqual(
      [voxelIndex(dims, 1, 2, 2), voxelIndex(dims, 2, 2, 2), voxelIndex(dims, 3, 2, 2), voxelIndex(dims, 2, 2, 3), voxelIndex(dims, 2, 2, 4)].sort((a, b) => a - b),
    );
    // Sagittal slice i=1: only the square's first column.
    const sagittal = regionGrow(hu, dims, [1, 2, 2], grow3d({ mode: '2d', axis: 0 }));
    expect(sorted(sagittal.indices)).toEqual([1, 2, 3].map((j) => voxelIndex(dims, 1, j, 2)));
  });

  it('treats lo and hi as inclusive and nothing outside them', () => {
    const d: Dims = [6, 1, 1];
    const line = Int16Array.from([99, 100, 150, 200, 201, 150]);
    expect(sorted(regionGrow(line, d, [2, 0, 0], grow3d()).indices)).toEqual([1, 2, 3]);
    expect(sorted(regionGrow(line, d, [2, 0, 0], grow3d({ lo: 99, hi: 201 })).indices)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(regionGrow(line, d, [2, 0, 0], grow3d({ lo: 151 })).indices.length).toBe(0);
  });

  it('returns exactly maxVoxels in breadth-first order when truncated', () => {
    const d: Dims = [9, 9, 1];
    const plane = volume(d, 150);
    const seed = voxelIndex(d, 4, 4, 0);
    const r = regionGrow(plane, d, [4, 4, 0], grow3d({ maxVoxels: 5 }));
    expect(r.truncated).toBe(true);
    expect(r.indices.length).toBe(5);
    expect(sorted(r.indices)).toEqual([seed - 9, seed - 1, seed, seed + 1, seed + 9]);
    // Next ring: every voxel within city-block distance 2 of the seed comes before any farther one.
    const r13 = regionGrow(plane, d, [4, 4, 0], grow3d({ maxVoxels: 13 }));
    const dist = (index: number): number => Math.abs((index % 9) - 4) + Math.abs(Math.floor(index / 9) - 4);
    expect(Array.from(r13.indices).every((index) => dist(index) <= 2)).toBe(true);
    expect(new Set(r13.indices).size).toBe(13);
    const byDistance = Array.from(regionGrow(plane, d, [4, 4, 0], grow3d()).indices).map(dist);
    expect(byDistance).toEqual([...byDistance].sort((a, b) => a - b));
  });

  it('is not truncated when the region holds exactly maxVoxels', () => {
    const d: Dims = [4, 1, 1];
    const line = volume(d, 150);
    expect(regionGrow(line, d, [0, 0, 0], grow3d({ maxVoxels: 4 }))).toEqual({ indices: Uint32Array.from([0, 1, 2, 3]), truncated: false });
    expect(regionGrow(line, d, [0, 0, 0], grow3d({ maxVoxels: 3 }))).toEqual({ indices: Uint32Array.from([0, 1, 2]), truncated: true });
  });

  it('returns nothing for a seed out of range, off the grid or refused', () => {
    expect(regionGrow(hu, dims, [0, 0, 0], grow3d()).indices.length).toBe(0);
    expect(regionGrow(hu, dims, [5, 0, 0], grow3d()).indices.length).toBe(0);
    expect(regionGrow(hu, dims, [-1, 1, 2], grow3d()).indices.length).toBe(0);
    expect(regionGrow(hu, dims, [1, 1, 2], grow3d({ canEnter: () => false }))).toEqual({ indices: new Uint32Array(0), truncated: false });
  });

  it('does not enter voxels refused by canEnter', () => {
    const blocked = voxelIndex(dims, 2, 2, 3);
    const r = regionGrow(hu, dims, [1, 1, 2], grow3d({ canEnter: (index) => index !== blocked }));
    expect(r.indices.length).toBe(9);
  });

  it('leaves no state behind between calls, even when canEnter throws', () => {
    const first = sorted(regionGrow(hu, dims, [1, 1, 2], grow3d()).indices);
    let calls = 0;
    expect(() =>
      regionGrow(hu, dims, [1, 1, 2], grow3d({ canEnter: () => { if (++calls > 4) throw new Error('stop'); return true; } })),
    ).toThrow('stop');
    expect(sorted(regionGrow(hu, dims, [1, 1, 2], grow3d()).indices)).toEqual(first);
    // A differently sized grid between calls.
    expect(regionGrow(volume([3, 3, 3], 150), [3, 3, 3], [1, 1, 1], grow3d()).indices.length).toBe(27);
    expect(sorted(regionGrow(hu, dims, [1, 1, 2], grow3d()).indices)).toEqual(first);
  });

  it('stops at exactly 200000 voxels in a 512x512x300 volume', () => {
    const big: Dims = [512, 512, 300];
    const data = volume(big, -1000);
    for (let k = 20; k < 280; k++) {
      for (let j = 50; j < 450; j++) data.fill(40, voxelIndex(big, 50, j, k), voxelIndex(big, 450, j, k));
    }
    const r = regionGrow(data, big, [256, 256, 150], { lo: 0, hi: 100, maxVoxels: 200000, mode: '3d', axis: 2 });
    expect(r.truncated).toBe(true);
    expect(r.indices.length).toBe(200000);
    expect(r.indices.every((index) => data[index] === 40)).toBe(true);
  });
});
