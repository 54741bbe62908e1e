// Fleiss' kappa: agreement of m raters on a nominal scale, each of N subjects rated by m raters (not
// necessarily the same m: Fleiss' own example draws 6 of 43 psychiatrists per patient).
//
// Definition (Fleiss 1971, "Measuring nominal scale agreement among many raters", Psychological
// Bulletin 76:378–382, eqs. 2–9). n_ij = number of raters who put subject i in category j, Σ_j n_ij = m:
//   p_j  = Σ_i n_ij / (N m)                      proportion of all assignments to category j
//   P_i  = (Σ_j n_ij² − m) / (m (m − 1))          agreement among the m(m−1) ordered rater pairs on i
//   P̄   = Σ_i P_i / N,   P̄_e = Σ_j p_j²
//   κ    = (P̄ − P̄_e) / (1 − P̄_e)
// Exactness: with M = N m, S = Σ_ij n_ij², T = Σ_j (Σ_i n_ij)², the same κ is
//   κ = (M (S − M) − (m − 1) T) / ((m − 1)(M² − T)),
// a ratio of integers, exact in a double while M·S < 2^53 (e.g. N = 10^6 subjects, m = 10), so κ is
// one rounding from its exact value and the degenerate case is an exact test: M² = T means P̄_e = 1
// (every assignment in one category), where κ is 0/0; it is returned as null with that reason.

export interface FleissKappaResult {
  /** κ, or null where it is undefined (see reason). */
  kappa: number | null;
  /** Why kappa is null; null when it is a number. */
  reason: string | null;
  /** N, the number of subjects (rows). */
  subjects: number;
  /** m, the number of ratings of each subject. */
  ratersPerSubject: number;
  /** P̄, the mean pairwise agreement; null when there are no subjects. */
  meanAgreement: number | null;
  /** P̄_e, the agreement expected by chance; null when there are no subjects. */
  expectedAgreement: number | null;
  /** p_j per category. */
  categoryProportions: number[];
}

/**
 * Fleiss' kappa of a subjects × categories table of counts (row-major, `categories` columns), each
 * row summing to the same number of raters m ≥ 2.
 */
export function fleissKappa(counts: ArrayLike<number>, categories: number): FleissKappaResult {
  const k = categories;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`Fleiss kappa: categories must be a positive integer, got ${k}`);
  if (counts.length % k !== 0) throw new RangeError(`Fleiss kappa: ${counts.length} cells is not a whole number of rows of ${k}`);
  const subjects = counts.length / k;
  const columnSums = new Float64Array(k);
  let m = -1;
  let sumSquares = 0; // S
  for (let i = 0; i < subjects; i++) {
    let row = 0;
    for (let j = 0; j < k; j++) {
      const c = counts[i * k + j];
      if (!Number.isInteger(c) || c < 0) throw new RangeError(`Fleiss kappa: subject ${i}, category ${j} has count ${c}`);
      row += c;
      sumSquares += c * c;
      columnSums[j] += c;
    }
    if (m === -1) m = row;
    else if (row !== m) throw new RangeError(`Fleiss kappa: subject ${i} has ${row} ratings, subject 0 has ${m}; every subject needs the same number`);
  }
  if (subjects === 0) {
    return { kappa: null, reason: 'no subjects', subjects: 0, ratersPerSubject: 0, meanAgreement: null, expectedAgreement: null, categoryProportions: new Array(k).fill(0) };
  }
  const total = subjects * m; // M
  const categoryProportions = Array.from(columnSums, (c) => (total === 0 ? 0 : c / total));
  if (m < 2) {
    return { kappa: null, reason: `${m} rating(s) per subject: agreement needs at least 2`, subjects, ratersPerSubject: m, meanAgreement: null, expectedAgreement: null, categoryProportions };
  }
  let columnSquares = 0; // T
  for (let j = 0; j < k; j++) columnSquares += columnSums[j] * columnSums[j];
  const meanAgreement = (sumSquares - total) / (total * (m - 1));
  const expectedAgreement = columnSquares / (total * total);
  const denominator = (m - 1) * (total * total - columnSquares);
  if (denominator === 0) {
    return { kappa: null, reason: 'expected agreement is 1 (every rating in one category): kappa is 0/0', subjects, ratersPerSubject: m, meanAgreement, expectedAgreement: 1, categoryProportions };
  }
  const kappa = (total * (sumSquares - total) - (m - 1) * columnSquares) / denominator;
  return { kappa, reason: null, subjects, ratersPerSubject: m, meanAgreement, expectedAgreement, categoryProportions };
}
