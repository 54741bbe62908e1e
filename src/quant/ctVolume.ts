// The CT as the quantification sees it: HU on the viewer's voxel grid (src/viewer/volumeGrid.ts),
// the same in a worker, in the browser and in `npm run quant`. Pure data, no I/O.

export interface CtVolume {
  /** columns, rows, slices */
  dims: [number, number, number];
  /** mm: between columns, between rows, between slices */
  spacing: [number, number, number];
  /** patient position (LPS, mm) of the centre of voxel (0, 0, 0) */
  origin: [number, number, number];
  /** row cosines (i), column cosines (j), slice normal (k): 9 values, as VolumeGrid.direction */
  direction: number[];
  /** HU, index = i + nx * (j + ny * k); a missing slice is filled with -1024 */
  hu: Int16Array;
}

/** Lung mask label values (the "Right lung" and "Left lung" segments of a read use their own values). */
export const LUNG = { none: 0, right: 1, left: 2 } as const;

/** Volume of one voxel in mL. */
export function voxelMl(spacing: readonly number[]): number {
  return (spacing[0] * spacing[1] * spacing[2]) / 1000;
}

/**
 * +1 when grid slice k+1 is more cranial than slice k, -1 when more caudal (LPS: +z is head),
 * 0 for a grid whose slices do not run head to foot.
 */
export function cranialStep(direction: readonly number[]): 1 | -1 | 0 {
  const nz = direction[8];
  if (Math.abs(nz) < 0.5) return 0;
  return nz > 0 ? 1 : -1;
}
