// Voxel overlap and volume agreement of two binary masks on one grid.
//   dice = 2·|A ∩ B| / (|A| + |B|), 1 when both masks are empty;
//   jaccard = |A ∩ B| / |A ∪ B|, 1 when both masks are empty;
//   volume (mL) = voxels × sx·sy·sz (mm³) / 1000;
//   volume_diff_ml = volume of A − volume of B (signed, A is the reference);
//   volume_diff_pct = 100 · (A − B) / ((A + B) / 2): the difference in % of the mean of the two
//     volumes (symmetric in which reader is larger), null when both volumes are 0.
import type { Spacing } from '../contouring/labelmapGrid.ts';
import { forEachRunOverlap, type MaskRuns } from './maskRuns.ts';

export const OVERLAP_DEFINITIONS = {
  dice: 'Dice similarity coefficient: 2·|A ∩ B| / (|A| + |B|) in voxels; 1 when both masks are empty.',
  jaccard: 'Jaccard index (intersection over union): |A ∩ B| / |A ∪ B| in voxels; 1 when both masks are empty.',
  voxels_a: 'Voxels in mask A.',
  voxels_b: 'Voxels in mask B.',
  voxels_overlap: 'Voxels in both masks: |A ∩ B|.',
  volume_a_ml: 'Volume of A in mL: voxels_a × sx·sy·sz (mm³) / 1000.',
  volume_b_ml: 'Volume of B in mL: voxels_b × sx·sy·sz (mm³) / 1000.',
  volume_diff_ml: 'Volume difference in mL, A − B (signed; A is the reference).',
  volume_diff_pct: 'Volume difference in % of the mean of the two volumes: 100·(A − B) / ((A + B) / 2); null when both volumes are 0.',
} as const;

export interface OverlapCounts {
  voxels_a: number;
  voxels_b: number;
  voxels_overlap: number;
}

export interface Overlap extends OverlapCounts {
  dice: number;
  jaccard: number;
  volume_a_ml: number;
  volume_b_ml: number;
  volume_diff_ml: number;
  volume_diff_pct: number | null;
}

/** Voxel counts of two masks on one grid, from their runs. */
export function overlapCounts(a: MaskRuns, b: MaskRuns): OverlapCounts {
  if (a.rowStart.length !== b.rowStart.length) throw new Error(`overlapCounts: masks on grids ${a.dims.join('x')} and ${b.dims.join('x')}`);
  let both = 0;
  forEachRunOverlap(a, b, (_runA, _runB, from, to) => {
    both += to - from + 1;
  });
  return { voxels_a: a.voxels, voxels_b: b.voxels, voxels_overlap: both };
}

/** Dice, Jaccard and volumes from the counts and the voxel spacing (mm); see the file's definitions. */
export function overlapFromCounts(counts: OverlapCounts, spacing: Spacing): Overlap {
  const { voxels_a: na, voxels_b: nb, voxels_overlap: both } = counts;
  const voxelMl = (spacing[0] * spacing[1] * spacing[2]) / 1000;
  const volumeA = na * voxelMl;
  const volumeB = nb * voxelMl;
  const union = na + nb - both;
  return {
    ...counts,
    dice: na + nb === 0 ? 1 : (2 * both) / (na + nb),
    jaccard: union === 0 ? 1 : both / union,
    volume_a_ml: volumeA,
    volume_b_ml: volumeB,
    volume_diff_ml: volumeA - volumeB,
    // From the counts: the voxel volume cancels, and the ratio of integers is exact where it can be.
    volume_diff_pct: na + nb === 0 ? null : (100 * (na - nb)) / ((na + nb) / 2),
  };
}
