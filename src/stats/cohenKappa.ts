// Cohen's kappa for two raters, unweighted (nominal scales) and weighted (ordinal scales).
//
// Definition. Two raters put each of N cases in one of k categories; n_ij is the number of cases
// rater A put in category i and rater B in j, r_i = Σ_j n_ij and c_j = Σ_i n_ij the margins, and
// e_ij = r_i c_j / N the count expected by chance. With disagreement weights v_ij (v_ii = 0):
//   κ_w = 1 − (Σ v_ij n_ij) / (Σ v_ij e_ij) = 1 − N Σ v_ij n_ij / Σ v_ij r_i c_j
// (Cohen 1968, eq. 6: "Weighted kappa: nominal scale agreement with provision for scaled disagreement
// or partial credit", Psychological Bulletin 70:213–220). The weights used here:
//   unweighted  v_ij = 1 for i ≠ j       → Cohen's (1960) κ = (p_o − p_e) / (1 − p_e)
//                                          ("A coefficient of agreement for nominal scales",
//                                          Educational and Psychological Measurement 20:37–46)
//   linear      v_ij = |i − j|           (Cicchetti & Allison 1971, agreement weights 1 − |i−j|/(k−1))
//   quadratic   v_ij = (i − j)²          (Fleiss & Cohen 1973, agreement weights 1 − (i−j)²/(k−1)²)
//   custom      any v_ij ≥ 0, indexed like the table (Cohen 1968's own example uses 1, 3, 6)
// Scaling v by a constant leaves κ_w unchanged, so the integer forms above give the usual linear and
// quadratic kappas; observed and expected agreement are reported as p = 1 − D / v_max.
//
// Exactness: with integer counts and integer weights, N Σ v n and Σ v r c are integers (exact in a
// double below 2^53, i.e. for N up to ~10^6 at k ≤ 20), so κ = (Σ v r c − N Σ v n) / Σ v r c is one
// rounding from the exact rational value, and the degenerate case is an exact test: Σ v r c = 0 means
// the expected (weighted) agreement is 1 (e.g. both raters used one and the same category for every
// case), where κ is 0/0; it is returned as null with that reason, never NaN.

export type KappaWeighting = 'unweighted' | 'linear' | 'quadratic';

/** Cohen's (1968) disagreement weights v_ij, k×k row-major, indexed like the table (row = rater A). */
export interface DisagreementWeights {
  disagreement: ArrayLike<number>;
}

export interface KappaResult {
  /** κ, or null where it is undefined (see reason). */
  kappa: number | null;
  /** Why kappa is null; null when it is a number. */
  reason: string | null;
  /** Number of cases (sum of the table). */
  n: number;
  /** Observed (weighted) agreement p_o = 1 − D_o / v_max; null when n = 0. */
  observedAgreement: number | null;
  /** Chance-expected (weighted) agreement p_e = 1 − D_e / v_max; null when n = 0. */
  expectedAgreement: number | null;
}

function disagreementWeight(weighting: KappaWeighting, i: number, j: number): number {
  const d = i - j;
  switch (weighting) {
    case 'unweighted':
      return d === 0 ? 0 : 1;
    case 'linear':
      return Math.abs(d);
    case 'quadratic':
      return d * d;
  }
}

/** The k×k disagreement weights of a named weighting, row-major. */
export function kappaWeights(weighting: KappaWeighting, k: number): Float64Array {
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) v[i * k + j] = disagreementWeight(weighting, i, j);
  return v;
}

function checkTable(table: ArrayLike<number>, k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`kappa: k must be a positive integer, got ${k}`);
  if (table.length !== k * k) throw new RangeError(`kappa: table has ${table.length} cells, expected ${k}×${k}`);
  for (let i = 0; i < table.length; i++) {
    const c = table[i];
    if (!(c >= 0) || !Number.isFinite(c)) throw new RangeError(`kappa: cell ${i} is ${c}, expected a finite count ≥ 0`);
  }
}

/**
 * Cohen's kappa from a k×k contingency table (row-major; rows = rater A's category, columns = rater
 * B's). Cells may be counts or proportions.
 */
export function cohenKappaFromTable(
  table: ArrayLike<number>,
  k: number,
  weighting: KappaWeighting | DisagreementWeights = 'unweighted',
): KappaResult {
  checkTable(table, k);
  const v = typeof weighting === 'string' ? kappaWeights(weighting, k) : weighting.disagreement;
  if (v.length !== k * k) throw new RangeError(`kappa: weights have ${v.length} cells, expected ${k}×${k}`);
  let vMax = 0;
  for (let i = 0; i < v.length; i++) {
    if (!(v[i] >= 0) || !Number.isFinite(v[i])) throw new RangeError(`kappa: weight ${i} is ${v[i]}, expected a finite value ≥ 0`);
    if (v[i] > vMax) vMax = v[i];
  }
  const rows = new Float64Array(k);
  const cols = new Float64Array(k);
  let n = 0;
  let observed = 0; // Σ v_ij n_ij
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = table[i * k + j];
      rows[i] += c;
      cols[j] += c;
      n += c;
      observed += v[i * k + j] * c;
    }
  }
  if (n === 0) return { kappa: null, reason: 'no cases', n: 0, observedAgreement: null, expectedAgreement: null };
  let expected = 0; // Σ v_ij r_i c_j = N Σ v_ij e_ij
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) expected += v[i * k + j] * rows[i] * cols[j];
  const scale = vMax === 0 ? 1 : vMax;
  const observedAgreement = 1 - observed / (n * scale);
  const expectedAgreement = 1 - expected / (n * n * scale);
  if (expected === 0) {
    return {
      kappa: null,
      reason: 'expected agreement is 1 (no disagreement expected by chance, e.g. both raters used one and the same category for every case): kappa is 0/0',
      n,
      observedAgreement,
      expectedAgreement: 1,
    };
  }
  return { kappa: (expected - n * observed) / expected, reason: null, n, observedAgreement, expectedAgreement };
}

/** The k×k table of two raters' category indices (0..k−1), same length, case by case. */
export function contingencyTable(a: ArrayLike<number>, b: ArrayLike<number>, k: number): Float64Array {
  if (a.length !== b.length) throw new RangeError(`kappa: ${a.length} ratings against ${b.length}`);
  const table = new Float64Array(k * k);
  for (let t = 0; t < a.length; t++) {
    const i = a[t];
    const j = b[t];
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= k || j >= k) {
      throw new RangeError(`kappa: case ${t} has categories ${i}, ${j}, expected integers in [0, ${k})`);
    }
    table[i * k + j]++;
  }
  return table;
}

/** Cohen's kappa of two raters' category indices (0..k−1, in the scale's order for weighted kappas). */
export function cohenKappa(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  k: number,
  weighting: KappaWeighting | DisagreementWeights = 'unweighted',
): KappaResult {
  return cohenKappaFromTable(contingencyTable(a, b, k), k, weighting);
}
