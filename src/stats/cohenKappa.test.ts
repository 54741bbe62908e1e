import { describe, expect, it } from 'vitest';
import { cohenKappa, cohenKappaFromTable, contingencyTable, kappaWeights } from './cohenKappa.ts';

// Cohen's illustration (Cohen 1960 and Cohen 1968, Table 1): 200 cases, 3 diagnostic categories
// (personality disorder, neurosis, psychosis), printed as proportions .44 .07 .09 / .05 .20 .05 /
// .01 .03 .06; here as counts (× 200). Cohen reports κ = .492 and, with disagreement weights
// 1 (PD–neurosis), 3 (PD–psychosis), 6 (neurosis–psychosis), κ_w = .348; with the non-symmetric
// weights 0 1 4 / 1 0 6 / 2 2 0, κ_w = .353 (both as quoted with the table in the R psych package's
// cohen.kappa examples).
const COHEN_TABLE = [88, 14, 18, 10, 40, 10, 2, 6, 12];
const COHEN_WEIGHTS = [0, 1, 3, 1, 0, 6, 3, 6, 0];
const COHEN_WEIGHTS_NONSYMMETRIC = [0, 1, 4, 1, 0, 6, 2, 2, 0];

/** κ from agreement weights w_ij, the textbook way: p_o = Σ w p_ij, p_e = Σ w p_i. p_.j, (p_o − p_e)/(1 − p_e). */
function kappaByAgreementWeights(table: number[], k: number, w: (i: number, j: number) => number): number {
  const n = table.reduce((s, c) => s + c, 0);
  const p = table.map((c) => c / n);
  const row = Array.from({ length: k }, (_, i) => p.slice(i * k, i * k + k).reduce((s, c) => s + c, 0));
  const col = Array.from({ length: k }, (_, j) => row.reduce((s, _r, i) => s + p[i * k + j], 0));
  let po = 0;
  let pe = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    po += w(i, j) * p[i * k + j];
    pe += w(i, j) * row[i] * col[j];
  }
  return (po - pe) / (1 - pe);
}

describe("Cohen's kappa", () => {
  it("Cohen's (1960) table: κ = .492 as published, and exactly (.70 − .41) / (1 − .41)", () => {
    const r = cohenKappaFromTable(COHEN_TABLE, 3, 'unweighted');
    expect(r.kappa!).toBeCloseTo(0.492, 3);
    expect(r.observedAgreement!).toBeCloseTo(0.7, 12);
    expect(r.expectedAgreement!).toBeCloseTo(0.41, 12);
    expect(Math.abs(r.kappa! - 0.29 / 0.59)).toBeLessThan(1e-12);
    expect(r.n).toBe(200);
    expect(r.reason).toBeNull();
  });

  it("Cohen's (1968) weighted example: κ_w = .348 and .353 as published, and exactly 1 − .90/1.38 and 1 − .86/1.33", () => {
    const sym = cohenKappaFromTable(COHEN_TABLE, 3, { disagreement: COHEN_WEIGHTS });
    expect(sym.kappa!).toBeCloseTo(0.348, 3);
    // Σ v p_o = 1(.07+.05) + 3(.09+.01) + 6(.05+.03) = .90; Σ v p_e = 1(.18+.15) + 3(.12+.05) + 6(.06+.03) = 1.38.
    expect(Math.abs(sym.kappa! - (1 - 0.9 / 1.38))).toBeLessThan(1e-12);
    const asym = cohenKappaFromTable(COHEN_TABLE, 3, { disagreement: COHEN_WEIGHTS_NONSYMMETRIC });
    expect(asym.kappa!).toBeCloseTo(0.353, 3);
    // Σ v p_o = .07 + 4(.09) + .05 + 6(.05) + 2(.01) + 2(.03) = .86; Σ v p_e = .18 + 4(.12) + .15 + 6(.06) + 2(.05) + 2(.03) = 1.33.
    expect(Math.abs(asym.kappa! - (1 - 0.86 / 1.33))).toBeLessThan(1e-12);
  });

  it("linear and quadratic κ of Cohen's table, computed by hand from the definition (not a published value)", () => {
    // Margins: rows 120 60 20, columns 100 60 40, N = 200.
    // Linear agreement weights 1, ½, 0: p_o = (140 + ½·40) / 200 = .80;
    //   p_e = (120·100 + 60·60 + 20·40 + ½(120·60 + 60·100 + 60·40 + 20·60)) / 200² = 24800 / 40000 = .62;
    //   κ = .18 / .38 = 9/19.
    // Quadratic agreement weights 1, ¾, 0: p_o = (140 + ¾·40) / 200 = .85; p_e = (16400 + ¾·16800) / 40000 = .725;
    //   κ = .125 / .275 = 5/11.
    const lin = cohenKappaFromTable(COHEN_TABLE, 3, 'linear');
    expect(Math.abs(lin.kappa! - 9 / 19)).toBeLessThan(1e-15);
    expect(Math.abs(lin.observedAgreement! - 0.8)).toBeLessThan(1e-15);
    expect(Math.abs(lin.expectedAgreement! - 0.62)).toBeLessThan(1e-15);
    const quad = cohenKappaFromTable(COHEN_TABLE, 3, 'quadratic');
    expect(Math.abs(quad.kappa! - 5 / 11)).toBeLessThan(1e-15);
    expect(Math.abs(quad.observedAgreement! - 0.85)).toBeLessThan(1e-15);
    expect(Math.abs(quad.expectedAgreement! - 0.725)).toBeLessThan(1e-15);
  });

  it('SAS PROC FREQ AGREE example (as recorded in statsmodels test_inter_rater.py): κ = 0.4842, linear κ_w = 0.4701', () => {
    const table = [0, 4, 1, 0, 8, 0, 0, 1, 5];
    expect(cohenKappaFromTable(table, 3, 'unweighted').kappa!).toBeCloseTo(0.4842, 4);
    expect(cohenKappaFromTable(table, 3, 'linear').kappa!).toBeCloseTo(0.4701, 4);
  });

  it('R irr kappa2 on its anxiety data, raters 2 and 3 (levels 1 2 3 4 6): −0.006289308, equal 0.1459075, squared 0.2520325', () => {
    // irr::anxiety, columns rater2 and rater3 (20 subjects); irr orders the levels present, so the
    // scale is 1 < 2 < 3 < 4 < 6 with equally spaced weights. Values as recorded in statsmodels.
    const rater2 = [3, 6, 4, 6, 2, 4, 2, 4, 3, 3, 2, 3, 3, 3, 2, 2, 1, 3, 3, 4];
    const rater3 = [2, 1, 4, 4, 3, 2, 1, 6, 1, 1, 1, 2, 3, 3, 1, 1, 3, 3, 2, 2];
    const levels = [1, 2, 3, 4, 6];
    const a = rater2.map((v) => levels.indexOf(v));
    const b = rater3.map((v) => levels.indexOf(v));
    expect(cohenKappa(a, b, 5, 'unweighted').kappa!).toBeCloseTo(-0.006289308, 9);
    expect(cohenKappa(a, b, 5, 'linear').kappa!).toBeCloseTo(0.1459075, 7);
    expect(cohenKappa(a, b, 5, 'quadratic').kappa!).toBeCloseTo(0.2520325, 7);
  });

  it('equals the agreement-weight definition on an arbitrary 5×5 table to 1e-12, for all three weightings', () => {
    const table = [7, 3, 0, 1, 0, 2, 11, 4, 0, 1, 0, 5, 9, 3, 0, 1, 0, 6, 12, 2, 0, 1, 0, 3, 8];
    expect(Math.abs(cohenKappaFromTable(table, 5, 'unweighted').kappa! - kappaByAgreementWeights(table, 5, (i, j) => (i === j ? 1 : 0)))).toBeLessThan(1e-12);
    expect(Math.abs(cohenKappaFromTable(table, 5, 'linear').kappa! - kappaByAgreementWeights(table, 5, (i, j) => 1 - Math.abs(i - j) / 4))).toBeLessThan(1e-12);
    expect(Math.abs(cohenKappaFromTable(table, 5, 'quadratic').kappa! - kappaByAgreementWeights(table, 5, (i, j) => 1 - (i - j) ** 2 / 16))).toBeLessThan(1e-12);
  });

  it('does not change when the weights are scaled, or when proportions replace counts', () => {
    const scaled = Array.from(kappaWeights('quadratic', 3), (v) => v * 7.5);
    expect(cohenKappaFromTable(COHEN_TABLE, 3, { disagreement: scaled }).kappa!).toBeCloseTo(5 / 11, 14);
    expect(cohenKappaFromTable(COHEN_TABLE.map((c) => c / 200), 3, 'unweighted').kappa!).toBeCloseTo(0.29 / 0.59, 14);
  });

  it('is 1 for perfect agreement and 0 when one rater always says the same and the other does not', () => {
    expect(cohenKappa([0, 1, 2, 2, 1], [0, 1, 2, 2, 1], 3).kappa).toBe(1);
    // Rater A always 0: p_o = p_e = (cases B put in 0) / N.
    expect(cohenKappa([0, 0, 0, 0], [0, 1, 0, 2], 3).kappa).toBe(0);
  });

  it('returns null with a reason, never NaN, when the expected agreement is 1 or there are no cases', () => {
    for (const w of ['unweighted', 'linear', 'quadratic'] as const) {
      const r = cohenKappa([2, 2, 2], [2, 2, 2], 3, w);
      expect(r.kappa).toBeNull();
      expect(r.reason).toMatch(/expected agreement is 1/);
      expect(r.expectedAgreement).toBe(1);
      expect(r.observedAgreement).toBe(1);
    }
    const one = cohenKappa([0, 0], [0, 0], 1, 'linear');
    expect(one.kappa).toBeNull();
    const empty = cohenKappa([], [], 4);
    expect(empty).toEqual({ kappa: null, reason: 'no cases', n: 0, observedAgreement: null, expectedAgreement: null });
  });

  it('refuses malformed input', () => {
    expect(() => cohenKappaFromTable([1, 2, 3], 2)).toThrow(RangeError);
    expect(() => cohenKappaFromTable([1, -1, 0, 1], 2)).toThrow(RangeError);
    expect(() => cohenKappaFromTable([1, NaN, 0, 1], 2)).toThrow(RangeError);
    expect(() => contingencyTable([0, 3], [0, 1], 3)).toThrow(RangeError);
    expect(() => contingencyTable([0], [0, 1], 3)).toThrow(RangeError);
    expect(() => cohenKappaFromTable([1, 0, 0, 1], 2, { disagreement: [0, 1, 1] })).toThrow(RangeError);
  });
});
