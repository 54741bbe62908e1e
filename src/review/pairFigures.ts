// The agreement figures of src/metrics (named as the command and the exports print them) in the
// review model's shape (src/model/review.ts), which the server keeps and the screens show.
import type { PairFigures } from '../model/review.ts';
import type { PairAgreement } from '../metrics/pairAgreement.ts';

export function toPairFigures(p: PairAgreement): PairFigures {
  return {
    dice: p.dice,
    jaccard: p.jaccard,
    voxelsA: p.voxels_a,
    voxelsB: p.voxels_b,
    volumeAMl: p.volume_a_ml,
    volumeBMl: p.volume_b_ml,
    volumeDiffMl: p.volume_diff_ml,
    volumeDiffPct: p.volume_diff_pct,
    hdMm: p.hd_mm,
    hd95Mm: p.hd95_mm,
    msdMm: p.msd_mm,
    lesionsA: p.lesions_a,
    lesionsB: p.lesions_b,
    matchedA: p.matched_a,
    matchedB: p.matched_b,
    missed: p.missed,
    extra: p.extra,
    lesionF1: p.lesion_f1,
  };
}
