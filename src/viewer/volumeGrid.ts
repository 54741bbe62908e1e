// The regular voxel grid a checked series is placed on. Each slice goes to the grid index of
// its position, so missing slices stay empty where they belong instead of the series being
// stretched over them (distances stay exact across a gap).
import type { SliceInfo } from '../dicomweb/seriesValidation.ts';

export interface VolumeGrid {
  dimensions: [number, number, number]; // columns, rows, slices
  spacingMm: [number, number, number]; // along rows (column spacing), along columns (row spacing), between slices
  origin: [number, number, number]; // centre of the first voxel of grid slice 0
  direction: number[]; // row cosines, column cosines, slice normal (9 values)
  /** source slice of each grid index; null where a slice is missing */
  sliceAt: Array<SliceInfo | null>;
}

export function buildVolumeGrid(
  slices: SliceInfo[],
  rows: number,
  columns: number,
  pixelSpacingMm: [number, number],
  sliceSpacingMm: number,
  orientation: number[],
): VolumeGrid {
  const row = orientation.slice(0, 3);
  const col = orientation.slice(3, 6);
  const normal = [row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2], row[0] * col[1] - row[1] * col[0]].map((v) => v + 0); // no -0
  const first = slices[0];
  const step = sliceSpacingMm > 0 ? sliceSpacingMm : 1;
  const index = slices.map((s) => Math.round((s.normalPositionMm - first.normalPositionMm) / step));
  const depth = index[index.length - 1] + 1;
  const sliceAt: Array<SliceInfo | null> = new Array(depth).fill(null);
  slices.forEach((s, i) => {
    // Uneven spacing can round two slices onto one index: keep the first, the check warned.
    if (!sliceAt[index[i]]) sliceAt[index[i]] = s;
  });
  return {
    dimensions: [columns, rows, depth],
    spacingMm: [pixelSpacingMm[1], pixelSpacingMm[0], step],
    origin: [...first.positionMm] as [number, number, number],
    direction: [...row, ...col, ...normal],
    sliceAt,
  };
}
