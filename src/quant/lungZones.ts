// The six lung zones of the CT severity score: upper, middle and lower third of each lung, each
// lung split by its own craniocaudal extent (a short left lung is not cut at the right lung's
// levels). Slices are the unit: every voxel of a slice lies in the zone of that slice, so a zone
// can be kept up to date from per-slice counts while the reader edits.
import { cranialStep, LUNG } from './ctVolume.ts';
import type { Dims } from '../contouring/labelmapGrid.ts';

export const ZONE_NAMES = ['right_upper', 'right_middle', 'right_lower', 'left_upper', 'left_middle', 'left_lower'] as const;
export type ZoneName = (typeof ZONE_NAMES)[number];
/** 0 upper, 1 middle, 2 lower third; -1 for a slice outside the lung's extent. */
export type ZoneThird = -1 | 0 | 1 | 2;

export const ZONE_DEFINITION =
  'Zones: the upper, middle and lower third of each lung, each lung taken by its own craniocaudal extent: from the cranial edge of its most cranial slice with lung voxels to the caudal edge of its most caudal one. That length is split into three equal parts and each axial slice, with all its voxels, belongs to the third its centre falls in (a centre never falls exactly on a boundary). Slices between those two with no lung voxels still belong to their third; slices outside the extent belong to none.';

/**
 * The third of a slice `fromTop` slices below the most cranial slice of an extent of `slices`
 * slices. Its centre lies at (fromTop + ½) / slices of the extent, so the third is
 * ⌊3·(2·fromTop + 1) / (2·slices)⌋; in integers because 3·(2p + 1) is odd and the boundaries
 * 2n and 4n even, so no centre sits on a boundary and no rounding can move a slice.
 */
export function thirdOf(fromTop: number, slices: number): 0 | 1 | 2 {
  return Math.floor((3 * (2 * fromTop + 1)) / (2 * slices)) as 0 | 1 | 2;
}

/** Which way the slices run; zones need axial slices, which the viewer's grid always has. */
export function cranialStepOrThrow(direction: readonly number[]): 1 | -1 {
  const step = cranialStep(direction);
  if (step === 0) throw new Error('lung zones need a grid whose slices run head to foot (axial)');
  return step;
}

/**
 * The third of every slice k for one lung, from its count of lung voxels per slice (only
 * whether a count is nonzero matters). `step` is cranialStep of the grid.
 */
export function thirdsFromSliceCounts(lungVoxelsPerSlice: ArrayLike<number>, step: 1 | -1): Int8Array {
  const nz = lungVoxelsPerSlice.length;
  const out = new Int8Array(nz).fill(-1);
  let first = -1;
  let last = -1;
  for (let k = 0; k < nz; k++) {
    if (lungVoxelsPerSlice[k] === 0) continue;
    if (first < 0) first = k;
    last = k;
  }
  if (first < 0) return out;
  const slices = last - first + 1;
  for (let k = first; k <= last; k++) out[k] = thirdOf(step > 0 ? last - k : k - first, slices);
  return out;
}

/** Lung voxels per slice of each lung of a lung mask (LUNG values; other values are not lung). */
export function lungVoxelsPerSlice(lungs: Uint8Array, dims: Dims): { right: Int32Array; left: Int32Array } {
  const [nx, ny, nz] = dims;
  if (lungs.length !== nx * ny * nz) throw new Error(`lung mask of ${lungs.length} voxels for a ${nx}x${ny}x${nz} grid`);
  const plane = nx * ny;
  const right = new Int32Array(nz);
  const left = new Int32Array(nz);
  // Most of a chest CT is not lung: four voxels are tested per read where the layout allows.
  const words = lungs.byteOffset % 4 === 0 && plane % 4 === 0 ? new Uint32Array(lungs.buffer, lungs.byteOffset, lungs.length >> 2) : null;
  for (let k = 0; k < nz; k++) {
    let r = 0;
    let l = 0;
    const start = k * plane;
    const end = start + plane;
    for (let n = start; n < end; ) {
      if (words !== null && (n & 3) === 0 && words[n >> 2] === 0) {
        n += 4;
        continue;
      }
      const v = lungs[n++];
      if (v === LUNG.right) r++;
      else if (v === LUNG.left) l++;
    }
    right[k] = r;
    left[k] = l;
  }
  return { right, left };
}

/** Per slice k, its third in each lung: 0 upper, 1 middle, 2 lower, -1 outside that lung's extent. */
export function zoneOfSlice(lungs: Uint8Array, dims: Dims, direction: readonly number[]): { right: Int8Array; left: Int8Array } {
  const step = cranialStepOrThrow(direction);
  const counts = lungVoxelsPerSlice(lungs, dims);
  return { right: thirdsFromSliceCounts(counts.right, step), left: thirdsFromSliceCounts(counts.left, step) };
}

/** Index in ZONE_NAMES of a lung (LUNG.right or LUNG.left) and third. */
export function zoneIndex(lung: 1 | 2, third: 0 | 1 | 2): number {
  return (lung - 1) * 3 + third;
}
