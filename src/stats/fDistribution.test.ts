import { describe, expect, it } from 'vitest';
import { fCdf, fQuantile, inverseRegularizedBeta, lnGamma, regularizedBeta } from './fDistribution.ts';

const rel = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

describe('lnGamma', () => {
  it('is ln((n−1)!) at the integers', () => {
    let lnFactorial = 0;
    for (let n = 1; n <= 30; n++) {
      expect(Math.abs(lnGamma(n) - lnFactorial)).toBeLessThan(1e-12 * Math.max(1, lnFactorial));
      lnFactorial += Math.log(n);
    }
  });
  it('gives Γ(½) = √π, Γ(3/2) = √π/2 and, through the reflection formula, Γ(¼)', () => {
    expect(Math.abs(lnGamma(0.5) - 0.5 * Math.log(Math.PI))).toBeLessThan(1e-14);
    expect(Math.abs(lnGamma(1.5) - Math.log(Math.sqrt(Math.PI) / 2))).toBeLessThan(1e-14);
    // Γ(1/4) = 3.625609908221908311930685155867672002995 (OEIS A068466).
    expect(Math.abs(lnGamma(0.25) - Math.log(3.625609908221908))).toBeLessThan(1e-14);
  });
  it('refuses x ≤ 0', () => {
    expect(() => lnGamma(0)).toThrow(RangeError);
    expect(() => lnGamma(-1.5)).toThrow(RangeError);
  });
});

describe('regularized incomplete beta', () => {
  const xs = [1e-6, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1 - 1e-6];
  it('matches the closed forms I_x(a,1) = x^a, I_x(1,b) = 1 − (1−x)^b, I_x(½,½) = (2/π) asin √x', () => {
    for (const x of xs) {
      for (const a of [0.5, 1, 2.5, 7, 40]) {
        expect(rel(regularizedBeta(x, a, 1), x ** a)).toBeLessThan(1e-12);
        expect(Math.abs(regularizedBeta(x, 1, a) - -Math.expm1(a * Math.log1p(-x)))).toBeLessThan(1e-14);
      }
      // asin near 1 is ill-conditioned: above ½ use the complement 1 − (2/π) asin √(1−x).
      const arcsine = x <= 0.5 ? (2 / Math.PI) * Math.asin(Math.sqrt(x)) : 1 - (2 / Math.PI) * Math.asin(Math.sqrt(1 - x));
      expect(Math.abs(regularizedBeta(x, 0.5, 0.5) - arcsine)).toBeLessThan(1e-14);
    }
  });
  it('is ½ at x = ½ for a = b, and symmetric: I_x(a,b) = 1 − I_{1−x}(b,a)', () => {
    // ln Γ's absolute error grows with its argument (ln Γ(600) ≈ 3236): 1e-12 at a = 300.
    for (const a of [0.5, 1, 3, 12.5]) expect(Math.abs(regularizedBeta(0.5, a, a) - 0.5)).toBeLessThan(1e-13);
    expect(Math.abs(regularizedBeta(0.5, 300, 300) - 0.5)).toBeLessThan(1e-12);
    for (const x of xs) for (const [a, b] of [[2, 7], [0.7, 3.3], [50, 5]]) {
      expect(Math.abs(regularizedBeta(x, a, b) - (1 - regularizedBeta(1 - x, b, a)))).toBeLessThan(1e-13);
    }
  });
  it('inverts: I⁻¹ returns x with I_x = p', () => {
    for (const p of [1e-8, 0.001, 0.025, 0.3, 0.5, 0.9, 0.975, 0.999]) {
      for (const [a, b] of [[0.3, 0.3], [0.5, 2], [1, 1], [2.5, 7.5], [7.5, 2.5], [30, 400], [1.7, 9999.5]]) {
        // x is the root to within 4 units in the last place (near 1 a double cannot do better:
        // for (0.3, 0.3) at p = 0.999 the root is 1 − 7e-10 and I changes by 3e-11 per ulp there).
        const x = inverseRegularizedBeta(p, a, b);
        const ulp4 = 4 * Number.EPSILON * x;
        expect(regularizedBeta(Math.max(0, x - ulp4), a, b)).toBeLessThanOrEqual(p + 1e-13);
        expect(regularizedBeta(Math.min(1, x + ulp4), a, b)).toBeGreaterThanOrEqual(p - 1e-13);
        if (x < 0.5) expect(Math.abs(regularizedBeta(x, a, b) - p)).toBeLessThan(1e-13 + 1e-12 * p);
      }
    }
  });
  it('finds tails far below the spacing of doubles near 1 (what the F quantile solves for x > ½)', () => {
    // I_x(0.3, 0.3) = 1e-6 at x ≈ 1e-19; its mirror 1 − 1e-19 is not a double, which is why
    // fQuantile solves the complement instead.
    const y = inverseRegularizedBeta(1e-6, 0.3, 0.3);
    expect(y).toBeGreaterThan(0);
    expect(y).toBeLessThan(1e-15);
    expect(rel(regularizedBeta(y, 0.3, 0.3), 1e-6)).toBeLessThan(1e-12);
  });
});

describe('F distribution', () => {
  // Closed forms: with d1 = 2, P(F ≤ f) = 1 − (1 + 2f/d2)^(−d2/2); with d2 = 2, P(F ≤ f) = (d1 f / (d1 f + 2))^(d1/2);
  // F(1, 1) = t(1)², t(1) Cauchy, so its p quantile is tan²(πp/2).
  const q2 = (p: number, d2: number) => (d2 / 2) * Math.expm1(-(2 / d2) * Math.log1p(-p));
  const qd2is2 = (p: number, d1: number) => {
    const u = p ** (2 / d1);
    return (2 * u) / (d1 * (1 - u));
  };
  const ps = [0.001, 0.025, 0.05, 0.5, 0.95, 0.975, 0.999];

  it('quantile matches the d1 = 2 closed form to 1e-10, integer and Satterthwaite-like non-integer d2', () => {
    for (const p of ps) for (const d2 of [1, 2, 3.7, 15, 57.25, 1000, 20000]) expect(rel(fQuantile(p, 2, d2), q2(p, d2))).toBeLessThan(1e-10);
  });
  it('quantile matches the d2 = 2 closed form to 1e-10', () => {
    for (const p of ps) for (const d1 of [0.6, 1, 2, 5, 13.3, 400]) expect(rel(fQuantile(p, d1, 2), qd2is2(p, d1))).toBeLessThan(1e-10);
  });
  it('quantile of F(1, 1) is tan²(πp/2)', () => {
    for (const p of ps) expect(rel(fQuantile(p, 1, 1), Math.tan((Math.PI * p) / 2) ** 2)).toBeLessThan(1e-10);
  });
  it('F_p(d1, d2) = 1 / F_{1−p}(d2, d1)', () => {
    for (const p of ps) for (const [d1, d2] of [[5, 15], [15, 5], [3, 1234], [7.3, 2.2]]) {
      expect(rel(fQuantile(p, d1, d2), 1 / fQuantile(1 - p, d2, d1))).toBeLessThan(1e-10);
    }
  });
  it('CDF inverts the quantile', () => {
    for (const p of ps) for (const [d1, d2] of [[1, 10], [5, 15], [15, 5], [9999, 19998], [4.2, 0.8]]) {
      expect(Math.abs(fCdf(fQuantile(p, d1, d2), d1, d2) - p)).toBeLessThan(1e-12);
    }
  });
  it('agrees with printed F tables to their two decimals', () => {
    // Upper 5% and 2.5% points, e.g. Pearson & Hartley, Biometrika Tables for Statisticians, Table 18.
    expect(fQuantile(0.95, 1, 10)).toBeCloseTo(4.96, 2);
    expect(fQuantile(0.95, 5, 15)).toBeCloseTo(2.9, 2);
    expect(fQuantile(0.95, 10, 10)).toBeCloseTo(2.98, 2);
    expect(fQuantile(0.975, 5, 15)).toBeCloseTo(3.58, 2);
    expect(fQuantile(0.975, 15, 5)).toBeCloseTo(6.43, 2);
  });
  it('refuses p outside (0, 1) and non-positive df', () => {
    expect(() => fQuantile(0, 2, 3)).toThrow(RangeError);
    expect(() => fQuantile(1, 2, 3)).toThrow(RangeError);
    expect(() => fQuantile(0.5, 0, 3)).toThrow(RangeError);
    expect(() => fQuantile(0.5, 2, NaN)).toThrow(RangeError);
  });
});
