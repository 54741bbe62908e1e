// Agreement of two readers' segmentations of one CT: every figure in one object.
// Inputs are two labelmaps on the same grid (dims [nx, ny, nz], voxel i + nx·(j + ny·k), spacing
// [sx, sy, sz] mm) and which voxels to compare (every nonzero value, i.e. all lesion segments
// merged, or one segment's label value). A is the reference where a figure is not symmetric
// (volume_diff_*, missed, extra). The definitions:
//   overlap and volumes: overlap.ts; surface distances: surfaceDistance.ts; lesions:
//   lesionMatching.ts; the selection and the runs the work is done on: maskRuns.ts.
// Field names are the ones the figures are exported under (JSON, CSV) and the ones the
// `npm run agreement` command prints, so a figure has one name everywhere.
import type { Dims, Spacing } from '../contouring/labelmapGrid.ts';
import { LESION_DEFINITIONS, matchLesions, runComponents, type LesionMatch } from './lesionMatching.ts';
import { maskRuns, SELECTION_DEFINITION, type LabelSelection } from './maskRuns.ts';
import { OVERLAP_DEFINITIONS, overlapCounts, overlapFromCounts, type Overlap } from './overlap.ts';
import { SURFACE_DISTANCE_DEFINITIONS, surfaceDistances, type SurfaceDistances } from './surfaceDistance.ts';

export type PairAgreement = Overlap & SurfaceDistances & LesionMatch;

/** The definition of each figure of PairAgreement, for the UI's help and for exports. */
export const METRIC_DEFINITIONS: Record<keyof PairAgreement, string> = {
  ...OVERLAP_DEFINITIONS,
  hd_mm: SURFACE_DISTANCE_DEFINITIONS.hd_mm,
  hd95_mm: SURFACE_DISTANCE_DEFINITIONS.hd95_mm,
  msd_mm: SURFACE_DISTANCE_DEFINITIONS.msd_mm,
  surface_voxels_a: `Surface voxels of A. ${SURFACE_DISTANCE_DEFINITIONS.surface}`,
  surface_voxels_b: `Surface voxels of B. ${SURFACE_DISTANCE_DEFINITIONS.surface}`,
  ...LESION_DEFINITIONS,
};

/** How the compared voxels are chosen and what the grid's spacing means, for the same help. */
export const AGREEMENT_NOTES = {
  selection: SELECTION_DEFINITION,
  reference: 'A is the reference read: volume_diff_ml and volume_diff_pct are A − B, missed and extra are relative to A.',
  grid: 'Both masks lie on one voxel grid; distances are between voxel centres in mm with the grid\'s real (anisotropic) spacing.',
} as const;

/** The figures the `npm run agreement` command prints by default, in its order. */
export const AGREEMENT_SUMMARY_FIELDS = [
  'dice', 'jaccard', 'voxels_a', 'voxels_b', 'volume_a_ml', 'volume_b_ml', 'volume_diff_ml', 'hd_mm', 'hd95_mm', 'msd_mm', 'lesions_a', 'lesions_b', 'lesion_f1',
] as const satisfies ReadonlyArray<keyof PairAgreement>;

/**
 * Every agreement figure of two labelmaps on one grid (see the definitions). Empty masks give
 * numbers that say so: Dice, Jaccard and lesion F1 of two empty masks are 1, distances are null
 * when either is empty; nothing is NaN.
 */
export function pairAgreement(a: Uint8Array, b: Uint8Array, dims: Dims, spacing: Spacing, selection: LabelSelection = {}): PairAgreement {
  if (!spacing.every((s) => Number.isFinite(s) && s > 0)) throw new Error(`invalid voxel spacing ${spacing.join(' x ')} mm`);
  const runsA = maskRuns(a, dims, selection);
  const runsB = maskRuns(b, dims, selection);
  const componentsA = runComponents(runsA);
  const componentsB = runComponents(runsB);
  return {
    ...overlapFromCounts(overlapCounts(runsA, runsB), spacing),
    ...surfaceDistances(runsA, runsB, componentsA, componentsB, spacing),
    ...matchLesions(runsA, runsB, componentsA, componentsB),
  };
}

/** The default output of `npm run agreement`: the summary fields only, in their order. */
export function agreementSummary(figures: PairAgreement): Pick<PairAgreement, (typeof AGREEMENT_SUMMARY_FIELDS)[number]> {
  return Object.fromEntries(AGREEMENT_SUMMARY_FIELDS.map((name) => [name, figures[name]])) as Pick<PairAgreement, (typeof AGREEMENT_SUMMARY_FIELDS)[number]>;
}
