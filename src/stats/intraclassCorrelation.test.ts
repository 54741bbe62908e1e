import { describe, expect, it } from 'vitest';
import { fQuantile } from './fDistribution.ts';
import { icc1, icc2, icc3, intraclassCorrelations, twoWayAnova } from './intraclassCorrelation.ts';

// Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges. Published: BMS 11.24, WMS 6.26,
// JMS 32.49, EMS 1.02; ICC(1,1) = .17, ICC(2,1) = .29, ICC(3,1) = .71.
const SF = [
  [9, 2, 5, 8],
  [6, 1, 3, 2],
  [8, 4, 6, 8],
  [7, 1, 2, 6],
  [10, 5, 6, 9],
  [6, 2, 4, 7],
];
const n = 6;
const k = 4;

/** Mean squares by the classical computing formulas (raw sums and correction term), not about the means. */
function meanSquaresByDefinition(x: number[][]) {
  const N = x.length;
  const K = x[0].length;
  const all = x.flat();
  const correction = all.reduce((s, v) => s + v, 0) ** 2 / (N * K);
  const ssTotal = all.reduce((s, v) => s + v * v, 0) - correction;
  const ssRows = x.reduce((s, r) => s + r.reduce((a, v) => a + v, 0) ** 2, 0) / K - correction;
  const ssCols = Array.from({ length: K }, (_, j) => x.reduce((a, r) => a + r[j], 0)).reduce((s, c) => s + c * c, 0) / N - correction;
  return {
    bms: ssRows / (N - 1),
    wms: (ssTotal - ssRows) / (N * (K - 1)),
    jms: ssCols / (K - 1),
    ems: (ssTotal - ssRows - ssCols) / ((N - 1) * (K - 1)),
  };
}

describe('intraclass correlation', () => {
  const anova = twoWayAnova(SF.flat(), n, k);
  const ms = meanSquaresByDefinition(SF);

  it('mean squares of the Shrout & Fleiss example: as published to 2 decimals, and by definition to 1e-9', () => {
    expect(anova.bms).toBeCloseTo(11.24, 2);
    expect(anova.wms).toBeCloseTo(6.26, 2);
    expect(anova.jms).toBeCloseTo(32.49, 2);
    expect(anova.ems).toBeCloseTo(1.02, 2);
    expect(Math.abs(anova.bms - ms.bms)).toBeLessThan(1e-9);
    expect(Math.abs(anova.wms - ms.wms)).toBeLessThan(1e-9);
    expect(Math.abs(anova.jms - ms.jms)).toBeLessThan(1e-9);
    expect(Math.abs(anova.ems - ms.ems)).toBeLessThan(1e-9);
    expect(anova.grandMean).toBeCloseTo(127 / 24, 14);
  });

  it('ICC(1,1) = .17, ICC(2,1) = .29, ICC(3,1) = .71 as published, and by their formulas to 1e-9', () => {
    const r = intraclassCorrelations(SF.flat(), n, k);
    expect(r.icc1.value!).toBeCloseTo(0.17, 2);
    expect(r.icc2.value!).toBeCloseTo(0.29, 2);
    expect(r.icc3.value!).toBeCloseTo(0.71, 2);
    const { bms, wms, jms, ems } = ms;
    expect(Math.abs(r.icc1.value! - (bms - wms) / (bms + (k - 1) * wms))).toBeLessThan(1e-9);
    expect(Math.abs(r.icc2.value! - (bms - ems) / (bms + (k - 1) * ems + (k * (jms - ems)) / n))).toBeLessThan(1e-9);
    expect(Math.abs(r.icc3.value! - (bms - ems) / (bms + (k - 1) * ems))).toBeLessThan(1e-9);
    expect(r.icc3.f!).toBeCloseTo(11.0, 1);
    expect([r.icc3.df1, r.icc3.df2, r.icc2.df1, r.icc2.df2, r.icc1.df1, r.icc1.df2]).toEqual([5, 15, 5, 15, 5, 18]);
  });

  it('95% intervals agree with R psych::ICC on this data (−0.133–0.72, 0.019–0.76, 0.342–0.95, as printed)', () => {
    const r = intraclassCorrelations(SF.flat(), n, k);
    expect(r.icc1.lower!).toBeCloseTo(-0.133, 3);
    expect(r.icc1.upper!).toBeCloseTo(0.72, 2);
    expect(r.icc2.lower!).toBeCloseTo(0.019, 3);
    expect(r.icc2.upper!).toBeCloseTo(0.76, 2);
    expect(r.icc3.lower!).toBeCloseTo(0.342, 3);
    expect(r.icc3.upper!).toBeCloseTo(0.95, 2);
  });

  it('ICC(3,1) and ICC(1,1) intervals equal the Shrout & Fleiss F formulas to 1e-9', () => {
    const { bms, wms, ems } = ms;
    const q = 0.975;
    const bound = (F: number) => (F - 1) / (F + k - 1);
    const f3 = bms / ems;
    const r3 = icc3(anova);
    expect(Math.abs(r3.lower! - bound(f3 / fQuantile(q, n - 1, (n - 1) * (k - 1))))).toBeLessThan(1e-9);
    expect(Math.abs(r3.upper! - bound(f3 * fQuantile(q, (n - 1) * (k - 1), n - 1)))).toBeLessThan(1e-9);
    const f1 = bms / wms;
    const r1 = icc1(anova);
    expect(Math.abs(r1.lower! - bound(f1 / fQuantile(q, n - 1, n * (k - 1))))).toBeLessThan(1e-9);
    expect(Math.abs(r1.upper! - bound(f1 * fQuantile(q, n * (k - 1), n - 1)))).toBeLessThan(1e-9);
    // A 90% interval uses the 0.95 quantiles.
    const r90 = icc3(anova, 0.9);
    expect(Math.abs(r90.lower! - bound(f3 / fQuantile(0.95, n - 1, (n - 1) * (k - 1))))).toBeLessThan(1e-9);
  });

  it("ICC(2,1) interval equals McGraw & Wong's (1996, Table 7) form of the Satterthwaite interval to 1e-9", () => {
    const { bms: msr, jms: msc, ems: mse } = ms;
    const rho = (msr - mse) / (msr + (k - 1) * mse + (k * (msc - mse)) / n);
    // McGraw & Wong: a = kρ / (n(1−ρ)), b = 1 + kρ(n−1) / (n(1−ρ)),
    // v = (a MSC + b MSE)² / ((a MSC)² / (k−1) + (b MSE)² / ((n−1)(k−1))).
    const a = (k * rho) / (n * (1 - rho));
    const b = 1 + (k * rho * (n - 1)) / (n * (1 - rho));
    const v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)));
    const fL = fQuantile(0.975, n - 1, v);
    const fU = fQuantile(0.975, v, n - 1);
    const lower = (n * (msr - fL * mse)) / (fL * (k * msc + (k * n - k - n) * mse) + n * msr);
    const upper = (n * (fU * msr - mse)) / (k * msc + (k * n - k - n) * mse + n * fU * msr);
    const r = icc2(anova);
    expect(Math.abs(r.lower! - lower)).toBeLessThan(1e-9);
    expect(Math.abs(r.upper! - upper)).toBeLessThan(1e-9);
  });

  it('is 1 with no error; the intervals are then null with a reason, never NaN', () => {
    // Judges agree exactly up to a constant offset per judge: EMS = 0, JMS > 0.
    const x = [1, 3, 2, 4, 5, 7, 9, 11];
    const r = intraclassCorrelations(x, 4, 2);
    expect(r.icc3.value).toBe(1);
    expect(r.icc3.lower).toBeNull();
    expect(r.icc3.reason).toMatch(/no residual variance/);
    expect(r.icc2.value!).toBeLessThan(1);
    expect(r.icc2.lower).toBeNull();
    expect(r.icc2.reason).toMatch(/no residual variance/);
    expect(Number.isNaN(r.icc1.value)).toBe(false);
  });

  it('returns null with a reason when every value is the same', () => {
    const r = intraclassCorrelations([5, 5, 5, 5, 5, 5], 3, 2);
    for (const e of [r.icc1, r.icc2, r.icc3]) {
      expect(e.value).toBeNull();
      expect(e.lower).toBeNull();
      expect(e.upper).toBeNull();
      expect(e.reason).toMatch(/no variance/);
    }
  });

  it('refuses fewer than 2 targets or judges, a wrong length, non-finite values and a bad level', () => {
    expect(() => twoWayAnova([1, 2], 1, 2)).toThrow(RangeError);
    expect(() => twoWayAnova([1, 2], 2, 1)).toThrow(RangeError);
    expect(() => twoWayAnova([1, 2, 3], 2, 2)).toThrow(RangeError);
    expect(() => twoWayAnova([1, 2, NaN, 4], 2, 2)).toThrow(RangeError);
    expect(() => icc3(anova, 1)).toThrow(RangeError);
  });
});
