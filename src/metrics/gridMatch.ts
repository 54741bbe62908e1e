// Whether two segmentations lie on one voxel grid, and how to say so when they do not.
//   same grid (two labelmaps): equal dims and voxel spacing within GRID_SPACING_TOLERANCE_MM on
//     each axis; origin and directions are reported, not required (a NIfTI writer's float32
//     affine differs from the DICOM geometry it came from in the 7th digit);
//   a SEG on a grid: its frames have the grid's columns and rows, pixel spacing and slice spacing
//     within the same tolerance, row and column directions within GRID_DIRECTION_TOLERANCE, and
//     each frame's position falls within 0.1 voxel of a voxel centre of the grid, on a slice of it.
import type { SegGrid } from '../seg/segModel.ts';

export const GRID_SPACING_TOLERANCE_MM = 1e-4;
export const GRID_DIRECTION_TOLERANCE = 1e-3;

/** Two inputs that are not on one grid; the message names both geometries. */
export class GridMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GridMismatchError';
  }
}

function num(x: number): string {
  return String(+x.toFixed(6));
}

/** "512x512x16 voxels of 0.703125 x 0.703125 x 2.5 mm, origin (-166, -171.7, -132.5) mm". */
export function describeGrid(grid: SegGrid): string {
  const [nx, ny, nz] = grid.dims;
  return `${nx}x${ny}x${nz} voxels of ${grid.spacing.map(num).join(' x ')} mm, origin (${grid.origin.map((v) => num(+v.toFixed(3))).join(', ')}) mm`;
}

/** Why two labelmaps' grids differ in dims or spacing, or null when they agree. */
export function dimsOrSpacingDiffer(a: SegGrid, b: SegGrid): string | null {
  if (a.dims.some((n, axis) => n !== b.dims[axis])) return 'dims differ';
  const axis = [0, 1, 2].find((n) => !(Math.abs(a.spacing[n] - b.spacing[n]) <= GRID_SPACING_TOLERANCE_MM));
  if (axis !== undefined) return `spacing along ${'ijk'[axis]} differs by ${num(Math.abs(a.spacing[axis] - b.spacing[axis]))} mm`;
  return null;
}

/** Throws GridMismatchError naming both geometries when two labelmaps' dims or spacing differ. */
export function checkSameGrid(a: SegGrid, b: SegGrid, names: { a: string; b: string } = { a: 'A', b: 'B' }): void {
  const reason = dimsOrSpacingDiffer(a, b);
  if (reason) throw new GridMismatchError(`different grids: ${names.a} is ${describeGrid(a)}; ${names.b} is ${describeGrid(b)}: ${reason}`);
}

/** Why two grids of the same dims and spacing are placed differently in the patient, or null. */
export function placementDiffers(a: SegGrid, b: SegGrid): string | null {
  const shift = Math.hypot(a.origin[0] - b.origin[0], a.origin[1] - b.origin[1], a.origin[2] - b.origin[2]);
  if (shift > 1e-3) return `origins ${num(shift)} mm apart`;
  if (a.direction.some((d, n) => !(Math.abs(d - b.direction[n]) <= GRID_DIRECTION_TOLERANCE))) return 'directions differ';
  return null;
}

type Vec3 = [number, number, number];

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

export function cross(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Patient position (mm) to continuous grid (i, j, k), for any non-degenerate grid axes. */
export function worldToGrid(grid: SegGrid): (p: readonly number[]) => Vec3 {
  const { origin, spacing, direction: d } = grid;
  const a = [0, 1, 2].map((n) => [d[3 * n] * spacing[n], d[3 * n + 1] * spacing[n], d[3 * n + 2] * spacing[n]]);
  const det = dot(a[0], cross(a[1], a[2]));
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error('the grid has degenerate directions');
  const r = [cross(a[1], a[2]), cross(a[2], a[0]), cross(a[0], a[1])].map((v) => v.map((x) => x / det));
  return (p) => {
    const q = [p[0] - origin[0], p[1] - origin[1], p[2] - origin[2]];
    return [dot(r[0], q), dot(r[1], q), dot(r[2], q)];
  };
}
