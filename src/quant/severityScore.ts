// CT severity scores of COVID-19 pneumonia from measured involvement. Each region (zone or lobe)
// scores 0-5 by the % of it covered by lesions, in the bands of Pan et al. (Radiology 2020;
// 295:715-721): 0 none, 1 < 5%, 2 5-25%, 3 26-49%, 4 50-75%, 5 > 75%. Those bands are written for
// whole percents by eye; on a measured, continuous % the gap between 25 and 26 (and 49 and 50)
// has to go somewhere. The stated edges 5, 25, 50 and 75 are kept inside the bands that name them:
// 5% → 2, 25% → 2, 50% → 4, 75% → 4, and the score goes up only strictly above 25 and above 75.
// Two scores are built from the same bands: six zones (0-30) from the lung masks alone, and the
// five lobes (0-25, Pan's own score) when the reader has drawn lobe segments.

export type BandScore = 0 | 1 | 2 | 3 | 4 | 5;

export const SIX_ZONE_SCORE_NAME = 'CT severity score (6 zones, 0–30)';
export const LOBAR_SCORE_NAME = 'CT severity score (5 lobes, 0–25)';

/** Lobes of the lobar score, in its order (a lobe mask holds value index + 1). */
export const LOBE_NAMES = ['RUL', 'RML', 'RLL', 'LUL', 'LLL'] as const;
export type LobeName = (typeof LOBE_NAMES)[number];

/** The bands as the UI and the exports state them; `range` is exact about the edges. */
export const SEVERITY_BANDS: readonly { score: BandScore; range: string }[] = [
  { score: 0, range: 'no involvement (exactly 0%)' },
  { score: 1, range: 'more than 0% and less than 5%' },
  { score: 2, range: '5% to 25%, both included' },
  { score: 3, range: 'more than 25% and less than 50%' },
  { score: 4, range: '50% to 75%, both included' },
  { score: 5, range: 'more than 75%' },
];

export const BAND_DEFINITION =
  'Each region scores 0–5 by the % of its volume covered by lesion voxels: 0 none, 1 under 5%, 2 5–25%, 3 over 25% and under 50%, 4 50–75%, 5 over 75% (bands of Pan et al., Radiology 2020; the edges 5, 25, 50 and 75% belong to the band that names them).';

export const SIX_ZONE_SCORE_DEFINITION = `${SIX_ZONE_SCORE_NAME}: the sum of the 0–5 scores of the six zones (upper, middle and lower third of each lung).`;
export const LOBAR_SCORE_DEFINITION = `${LOBAR_SCORE_NAME}: the sum of the 0–5 scores of the five lobes (RUL, RML, RLL, LUL, LLL) drawn by the reader.`;

/** The 0-5 score of a region with `pct` % of its volume involved (0-100). */
export function bandScore(pct: number): BandScore {
  if (!(pct >= 0 && pct <= 100)) throw new RangeError(`involvement ${pct}%: 0-100 expected`);
  if (pct === 0) return 0;
  if (pct < 5) return 1;
  if (pct <= 25) return 2;
  if (pct < 50) return 3;
  if (pct <= 75) return 4;
  return 5;
}

function sumOfBands(pcts: readonly number[], regions: number, what: string): number {
  if (pcts.length !== regions) throw new Error(`${what}: ${regions} regions expected, got ${pcts.length}`);
  let total = 0;
  for (const pct of pcts) total += bandScore(pct);
  return total;
}

/** 0-30 from the involvement % of the six zones (ZONE_NAMES order). */
export function sixZoneScore(zonePcts: readonly number[]): number {
  return sumOfBands(zonePcts, 6, SIX_ZONE_SCORE_NAME);
}

/** 0-25 from the involvement % of the five lobes (LOBE_NAMES order). */
export function lobarScore(lobePcts: readonly number[]): number {
  return sumOfBands(lobePcts, 5, LOBAR_SCORE_NAME);
}
