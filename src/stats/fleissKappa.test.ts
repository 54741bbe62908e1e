import { describe, expect, it } from 'vitest';
import { fleissKappa } from './fleissKappa.ts';

/** Fleiss' definitions step by step: P_i, P̄, p_j, P̄_e, κ. */
function byDefinition(rows: number[][]) {
  const N = rows.length;
  const m = rows[0].reduce((s, c) => s + c, 0);
  const k = rows[0].length;
  const P = rows.map((r) => (r.reduce((s, c) => s + c * c, 0) - m) / (m * (m - 1)));
  const pBar = P.reduce((s, x) => s + x, 0) / N;
  const p = Array.from({ length: k }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / (N * m));
  const pe = p.reduce((s, x) => s + x * x, 0);
  return { P, pBar, p, pe, kappa: (pBar - pe) / (1 - pe) };
}

// The worked example of Wikipedia's "Fleiss' kappa" article: 10 subjects, 14 raters, 5 categories,
// P̄ = 0.378, P̄_e = 0.213, κ = 0.210 (printed to 3 decimals). This table is the article's own, not
// Fleiss (1971)'s; the paper's example is the next test.
const WIKIPEDIA = [
  [0, 0, 0, 0, 14],
  [0, 2, 6, 4, 2],
  [0, 0, 3, 5, 6],
  [0, 3, 9, 2, 0],
  [2, 2, 8, 1, 1],
  [7, 7, 0, 0, 0],
  [3, 2, 6, 3, 0],
  [2, 5, 3, 2, 2],
  [6, 5, 2, 1, 0],
  [0, 2, 2, 3, 7],
];

// Fleiss (1971), Table 1: 30 patients, each diagnosed by 6 of 43 psychiatrists (Sandifer et al. 1968),
// categories 1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other; one row per
// patient, the six diagnoses (as distributed in R's irr::diagnoses and recorded in statsmodels'
// test_inter_rater.py). Fleiss reports κ = .430; irr's kappam.fleiss gives 0.4302445.
const FLEISS_1971 = [
  [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
  [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
  [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
  [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
  [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
  [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
];

describe("Fleiss' kappa", () => {
  it("Wikipedia's worked example: P̄ = 0.378, P̄_e = 0.213, κ = 0.210 as printed, p_j = .143 .200 .279 .150 .229", () => {
    const r = fleissKappa(WIKIPEDIA.flat(), 5);
    expect(r.subjects).toBe(10);
    expect(r.ratersPerSubject).toBe(14);
    expect(r.meanAgreement!).toBeCloseTo(0.378, 3);
    expect(r.expectedAgreement!).toBeCloseTo(0.213, 3);
    expect(r.kappa!).toBeCloseTo(0.21, 3);
    [0.143, 0.2, 0.279, 0.15, 0.229].forEach((p, j) => expect(r.categoryProportions[j]).toBeCloseTo(p, 3));
    const d = byDefinition(WIKIPEDIA);
    expect(Math.abs(r.kappa! - d.kappa)).toBeLessThan(1e-12);
    expect(Math.abs(r.meanAgreement! - d.pBar)).toBeLessThan(1e-12);
    expect(Math.abs(r.expectedAgreement! - d.pe)).toBeLessThan(1e-12);
    // The article's per-subject P_i column.
    [1.0, 0.253, 0.308, 0.44, 0.33, 0.462, 0.242, 0.176, 0.286, 0.286].forEach((p, i) => expect(d.P[i]).toBeCloseTo(p, 3));
  });

  it('Fleiss (1971) psychiatric diagnoses: κ = .430 as published, 0.4302445 as R irr gives', () => {
    const rows = FLEISS_1971.map((diagnoses) => {
      const counts = [0, 0, 0, 0, 0];
      for (const d of diagnoses) counts[d - 1]++;
      return counts;
    });
    // Data entry check: category totals as in statsmodels' test_aggregate_raters.
    expect([0, 1, 2, 3, 4].map((j) => rows.reduce((s, r) => s + r[j], 0))).toEqual([26, 26, 30, 55, 43]);
    const r = fleissKappa(rows.flat(), 5);
    expect(r.kappa!).toBeCloseTo(0.43, 3);
    expect(r.kappa!).toBeCloseTo(0.4302445, 7);
    expect(Math.abs(r.kappa! - byDefinition(rows).kappa)).toBeLessThan(1e-12);
  });

  it('is 1 for unanimous subjects spread over categories, and accepts a typed-array table', () => {
    const r = fleissKappa(Int32Array.from([3, 0, 0, 3, 0, 0, 0, 3, 0, 0, 0, 3]), 3);
    expect(r.kappa).toBe(1);
  });

  it('returns null with a reason, never NaN, when every rating is in one category, with one rater, or no subjects', () => {
    const same = fleissKappa([0, 4, 0, 0, 4, 0], 3);
    expect(same.kappa).toBeNull();
    expect(same.reason).toMatch(/expected agreement is 1/);
    expect(same.meanAgreement).toBe(1);
    expect(same.expectedAgreement).toBe(1);
    expect(fleissKappa([1, 0, 0, 1], 2).kappa).toBeNull();
    expect(fleissKappa([1, 0, 0, 1], 2).reason).toMatch(/at least 2/);
    const empty = fleissKappa([], 4);
    expect(empty.kappa).toBeNull();
    expect(empty.reason).toBe('no subjects');
  });

  it('refuses rows with different numbers of ratings and non-integer counts', () => {
    expect(() => fleissKappa([2, 1, 1, 1], 2)).toThrow(/same number/);
    expect(() => fleissKappa([1.5, 1.5], 2)).toThrow(RangeError);
    expect(() => fleissKappa([1, 2, 3], 2)).toThrow(RangeError);
  });
});
