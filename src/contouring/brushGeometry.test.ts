import { describe, expect, it } from 'vitest';
import { axisOfNormal, forEachInBallStroke, forEachInDiscStroke, ijkToWorld, worldToIJK, type GridFrame } from './brushGeometry.ts';
import { voxelIJK } from './labelmapGrid.ts';

const frame: GridFrame = { dims: [40, 30, 20], spacing: [0.5, 0.5, 2], origin: [-10, 5, 100], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };

function collect(f: (visit: (n: number) => void) => void): number[] {
  const out: number[] = [];
  f((n) => out.push(n));
  return out;
}

describe('brush geometry', () => {
  it('maps world to voxel coordinates and back', () => {
    const w = ijkToWorld(frame, [3.5, 7, 2]);
    expect(w).toEqual([-8.25, 8.5, 104]);
    expect(worldToIJK(frame, w)).toEqual([3.5, 7, 2]);
  });

  it('finds the axis a view looks along', () => {
    expect(axisOfNormal(frame, [0, 0, -1])).toBe(2);
    expect(axisOfNormal(frame, [0, 1, 0])).toBe(1);
    expect(axisOfNormal(frame, [0.9, 0.1, 0.1])).toBe(0);
  });

  it('a disc covers the voxel centres within the radius in mm, on one slice only', () => {
    const got = collect((v) => forEachInDiscStroke(frame.dims, frame.spacing, 2, 5, [20, 15], [20, 15], 2, v));
    // 2 mm at 0.5 mm pixels: centres with (du² + dv²)·0.25 <= 4, i.e. du² + dv² <= 16.
    let expected = 0;
    for (let du = -4; du <= 4; du++) for (let dv = -4; dv <= 4; dv++) if (du * du + dv * dv <= 16) expected++;
    expect(got.length).toBe(expected);
    expect(new Set(got.map((n) => voxelIJK(frame.dims, n)[2]))).toEqual(new Set([5]));
  });

  it('a swept disc is the capsule between the two points', () => {
    const got = collect((v) => forEachInDiscStroke(frame.dims, frame.spacing, 2, 0, [10, 10], [20, 10], 1, v));
    // Rows v = 8..12 (|dv|·0.5 <= 1) spanning u 10..20 plus round caps.
    const rows = new Map<number, number[]>();
    for (const n of got) {
      const [i, j] = voxelIJK(frame.dims, n);
      rows.set(j, [...(rows.get(j) ?? []), i]);
    }
    expect([...rows.keys()].sort((a, b) => a - b)).toEqual([8, 9, 10, 11, 12]);
    expect(Math.min(...rows.get(10)!)).toBe(8);
    expect(Math.max(...rows.get(10)!)).toBe(22);
    expect(rows.get(8)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  });

  it('a coronal disc is round in mm across thick slices', () => {
    const got = collect((v) => forEachInDiscStroke(frame.dims, frame.spacing, 1, 10, [20, 10], [20, 10], 4, v));
    const ks = new Set(got.map((n) => voxelIJK(frame.dims, n)[2]));
    expect([...ks].sort((a, b) => a - b)).toEqual([8, 9, 10, 11, 12]);
    expect(got.every((n) => voxelIJK(frame.dims, n)[1] === 10)).toBe(true);
  });

  it('a ball covers voxels in 3D and is clipped at the volume edge', () => {
    const got = collect((v) => forEachInBallStroke(frame.dims, frame.spacing, [0, 0, 0], [0, 0, 0], 2, v));
    for (const n of got) {
      const [i, j, k] = voxelIJK(frame.dims, n);
      expect((i * 0.5) ** 2 + (j * 0.5) ** 2 + (k * 2) ** 2).toBeLessThanOrEqual(4);
    }
    // Slice 0 holds the quarter disc; slice 1 (2 mm away) only its centre voxel.
    expect(got.length).toBe(collect((v) => forEachInDiscStroke(frame.dims, frame.spacing, 2, 0, [0, 0], [0, 0], 2, v)).length + 1);
  });
});
