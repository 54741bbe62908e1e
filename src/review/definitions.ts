// The definition of every figure a lead sees or exports, in one place: the pair figures as
// src/metrics defines them (under the names they are exported with), the queue's summary, and the
// study statistics. The queue's help, the CSV's companion file and the report all read these.
import { AGREEMENT_NOTES, METRIC_DEFINITIONS } from '../metrics/pairAgreement.ts';
import type { PairFigures } from '../model/review.ts';

/** PairFigures' fields under src/metrics' names (the names of the CSV's columns). */
export const FIGURE_FIELDS: ReadonlyArray<readonly [keyof PairFigures, keyof typeof METRIC_DEFINITIONS]> = [
  ['dice', 'dice'],
  ['jaccard', 'jaccard'],
  ['voxelsA', 'voxels_a'],
  ['voxelsB', 'voxels_b'],
  ['volumeAMl', 'volume_a_ml'],
  ['volumeBMl', 'volume_b_ml'],
  ['volumeDiffMl', 'volume_diff_ml'],
  ['volumeDiffPct', 'volume_diff_pct'],
  ['hdMm', 'hd_mm'],
  ['hd95Mm', 'hd95_mm'],
  ['msdMm', 'msd_mm'],
  ['lesionsA', 'lesions_a'],
  ['lesionsB', 'lesions_b'],
  ['matchedA', 'matched_a'],
  ['matchedB', 'matched_b'],
  ['missed', 'missed'],
  ['extra', 'extra'],
  ['lesionF1', 'lesion_f1'],
];

/** The pair figures' definitions, as stored (the review keeps the size of the % difference). */
export function pairFigureDefinitions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, name] of FIGURE_FIELDS) out[name] = METRIC_DEFINITIONS[name];
  out.volume_diff_pct = 'Volume difference in % of the mean of the two volumes, as a size: 100·|A − B| / ((A + B) / 2); its sign is that of volume_diff_ml; empty when both volumes are 0.';
  out.selection = AGREEMENT_NOTES.selection;
  out.reference = 'A is the reader with the lower user id: volume_diff_ml is A − B, missed and extra are relative to A.';
  out.grid = AGREEMENT_NOTES.grid;
  return out;
}

/** The review queue's columns. */
export const QUEUE_DEFINITIONS: Readonly<Record<string, string>> = {
  'Lowest Dice': `The lowest Dice of any two readers of the case, all lesion segments merged. ${METRIC_DEFINITIONS.dice}`,
  'Volume difference (mL)': 'The largest |A − B| of the lesion volume (all lesion segments merged) of any two readers of the case, in mL.',
  'Volume difference (%)': 'The largest volume difference of any two readers in % of the mean of their two volumes: 100·|A − B| / ((A + B) / 2); none when both are 0.',
  'Form items differing': 'Form items on which the readers do not all give the same answer (an item some reader left unanswered counts as differing).',
  State: 'To review: every assigned read is in. In review: a lead opened its review. Adjudicated: a consensus read is stored.',
};

/** The study statistics. */
export const STATISTICS_DEFINITIONS: Readonly<Record<string, string>> = {
  "Cohen's kappa": "Agreement of two readers on a form item beyond chance: (p_o − p_e) / (1 − p_e), over the cases both answered (Cohen 1960). Linear and quadratic weighted kappas (Cohen 1968) give partial credit on ordinal items by |i − j| or (i − j)²; they are not given when the form marks no item as ordinal.",
  "Fleiss' kappa": 'Agreement of all the readers of a case on a nominal item beyond chance (Fleiss 1971), over the cases with the most common number of answers; the readers need not be the same from case to case.',
  'ICC(2,1)': 'Intraclass correlation, two-way random effects, absolute agreement, single reader (Shrout & Fleiss 1979, case 2): how far one reader\'s lesion volume agrees with another\'s, readers a random sample. 95% CI by the F distribution (Satterthwaite df).',
  'ICC(3,1)': 'Intraclass correlation, two-way mixed effects, consistency, single reader (Shrout & Fleiss 1979, case 3): agreement up to a constant offset between readers, these readers fixed.',
  'ICC(1,1)': 'Intraclass correlation, one-way random effects (Shrout & Fleiss 1979, case 1): for a design where each case is read by a different subset of the readers.',
  'Bland–Altman': 'For each case read by both readers, the mean of the two lesion volumes (x) against their difference A − B (y); the mean difference (bias) and the 95% limits of agreement, bias ± 1.96 SD of the differences (Bland & Altman 1986).',
  'Dice histogram': "The cases by their Dice (mean over the case's reader pairs, all lesion segments merged), in bins of 0.05.",
  'Reading time': "From the reader opening the case to their first result stored, in minutes; unknown when the case was never opened through the worklist.",
};
