// Quantiles of Snedecor's F distribution, for the F-based confidence intervals of the intraclass
// correlations (Shrout & Fleiss 1979; McGraw & Wong 1996). Pure, no dependencies: the module runs in
// a web worker and in Node.
//
// Definitions:
//   ln Γ(x)       Lanczos approximation, g = 7, 9 terms (Lanczos 1964, SIAM J. Numer. Anal. B 1:86;
//                 coefficients as published by Godfrey), relative error about 1e-15 for x ≥ 0.5;
//                 reflection Γ(x)Γ(1−x) = π / sin(πx) below.
//   I_x(a, b)     regularized incomplete beta function, B(x; a, b) / B(a, b), by its continued
//                 fraction (Abramowitz & Stegun 26.5.8), evaluated with the modified Lentz method
//                 (Lentz 1976; Thompson & Barnett 1986), on the side of (a + 1) / (a + b + 2) where
//                 it converges fast, with I_x(a, b) = 1 − I_{1−x}(b, a) on the other.
//   I⁻¹_p(a, b)   x with I_x(a, b) = p: initial value from A&S 26.5.22 (with the normal quantile of
//                 A&S 26.2.23) for a, b ≥ 1, else from the power-law tails; then Halley steps kept
//                 inside a bracket that shrinks with each evaluation (bisection when a step leaves it).
//   F CDF         P(F ≤ f) = I_{d1 f / (d1 f + d2)}(d1 / 2, d2 / 2)  (A&S 26.6.2).
//   F quantile    f = (d2 / d1) · x / (1 − x), x = I⁻¹_p(d1 / 2, d2 / 2); for x > ½ the complement
//                 y = 1 − x is solved directly (I_y(d2 / 2, d1 / 2) = 1 − p) so f keeps its precision.
// Degrees of freedom may be non-integer (the Satterthwaite df of ICC(2,1)).
// Precision (fDistribution.test.ts): I_x to ~1e-13 absolute; F quantiles agree with the closed forms
// (d1 = 2, d2 = 2, F(1,1)) to ~2e-11 relative for df ≤ 1000 and ~1e-10 at df 2e4–2e5, where the
// absolute error of ln Γ, which grows with its argument, dominates. Plenty for CI bounds.

const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`lnGamma: x must be a positive finite number, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) sum += LANCZOS_COEFFICIENTS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LN_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export function lnBeta(a: number, b: number): number {
  return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
}

const CF_MAX_ITERATIONS = 100_000;
const TINY = 1e-300;

/** Continued fraction of A&S 26.5.8 (without its prefactor), modified Lentz. */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= CF_MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    // Even step: d_{2m} = m (b − m) x / ((a + 2m − 1)(a + 2m)).
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    // Odd step: d_{2m+1} = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)).
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) <= Number.EPSILON) return h;
  }
  throw new Error(`incomplete beta: continued fraction did not converge (x=${x}, a=${a}, b=${b})`);
}

function checkShape(a: number, b: number): void {
  if (!(a > 0 && b > 0 && Number.isFinite(a) && Number.isFinite(b))) {
    throw new RangeError(`incomplete beta: shapes must be positive and finite, got a=${a}, b=${b}`);
  }
}

/** ln of x^a (1 − x)^b / B(a, b), the prefactor of the continued fraction. */
function lnFront(x: number, a: number, b: number): number {
  return a * Math.log(x) + b * Math.log1p(-x) - lnBeta(a, b);
}

/** Regularized incomplete beta function I_x(a, b), 0 ≤ x ≤ 1. */
export function regularizedBeta(x: number, a: number, b: number): number {
  checkShape(a, b);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`incomplete beta: x must be in [0, 1], got ${x}`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront(x, a, b)) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront(1 - x, b, a)) * betaContinuedFraction(1 - x, b, a)) / b;
}

/** Normal quantile for the upper tail probability q ≤ ½, A&S 26.2.23 (|error| < 4.5e-4): only a start. */
function normalUpperQuantileApprox(q: number): number {
  const t = Math.sqrt(-2 * Math.log(q));
  return t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
}

function inverseStart(p: number, a: number, b: number): number {
  if (a >= 1 && b >= 1) {
    // A&S 26.5.22: x ≈ a / (a + b e^{2w}), y the normal deviate with upper tail p (Q(y) = p).
    const y = p < 0.5 ? normalUpperQuantileApprox(p) : -normalUpperQuantileApprox(1 - p);
    const lambda = (y * y - 3) / 6;
    const h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1));
    const w = (y * Math.sqrt(h + lambda)) / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (lambda + 5 / 6 - 2 / (3 * h));
    return a / (a + b * Math.exp(2 * w));
  }
  // Small shapes: the mass near 0 behaves like x^a / (a B), near 1 like (1 − x)^b / (b B).
  const lnA = Math.log(a / (a + b));
  const lnB = Math.log(b / (a + b));
  const t = Math.exp(a * lnA) / a;
  const u = Math.exp(b * lnB) / b;
  const w = t + u;
  return p < t / w ? Math.pow(a * w * p, 1 / a) : 1 - Math.pow(b * w * (1 - p), 1 / b);
}

/** x in [0, 1] with I_x(a, b) = p. */
export function inverseRegularizedBeta(p: number, a: number, b: number): number {
  checkShape(a, b);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`inverse incomplete beta: p must be in [0, 1], got ${p}`);
  if (p === 0) return 0;
  if (p === 1) return 1;
  const lnB = lnBeta(a, b);
  let lo = 0;
  let hi = 1;
  let x = inverseStart(p, a, b);
  if (!(x > 0 && x < 1)) x = 0.5;
  for (let iter = 0; iter < 200; iter++) {
    const err = regularizedBeta(x, a, b) - p;
    if (err === 0) return x;
    if (err < 0) lo = x;
    else hi = x;
    // Newton step err / f(x), with Halley's correction f'/f = (a − 1)/x − (b − 1)/(1 − x).
    const density = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lnB);
    let next = x;
    if (density > 0 && Number.isFinite(density)) {
      const u = err / density;
      const halley = 1 - 0.5 * Math.min(1, u * ((a - 1) / x - (b - 1) / (1 - x)));
      next = x - u / halley;
    }
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 4 * Number.EPSILON * Math.max(x, next) || next === lo || next === hi) return next;
    x = next;
  }
  return x;
}

function checkDf(d1: number, d2: number): void {
  if (!(d1 > 0 && d2 > 0 && Number.isFinite(d1) && Number.isFinite(d2))) {
    throw new RangeError(`F distribution: degrees of freedom must be positive and finite, got ${d1}, ${d2}`);
  }
}

/** P(F ≤ f) for F with (d1, d2) degrees of freedom. */
export function fCdf(f: number, d1: number, d2: number): number {
  checkDf(d1, d2);
  if (Number.isNaN(f)) throw new RangeError('F distribution: f is NaN');
  if (f <= 0) return 0;
  if (f === Infinity) return 1;
  // For large f, d1 f / (d1 f + d2) rounds towards 1: use the complement d2 / (d1 f + d2).
  const y = d2 / (d1 * f + d2);
  if (y < 0.5) return 1 - regularizedBeta(y, d2 / 2, d1 / 2);
  return regularizedBeta((d1 * f) / (d1 * f + d2), d1 / 2, d2 / 2);
}

/** The p quantile (0 < p < 1) of the F distribution with (d1, d2) degrees of freedom. */
export function fQuantile(p: number, d1: number, d2: number): number {
  checkDf(d1, d2);
  if (!(p > 0 && p < 1)) throw new RangeError(`F quantile: p must be in (0, 1), got ${p}`);
  const x = inverseRegularizedBeta(p, d1 / 2, d2 / 2);
  if (x <= 0.5) return (d2 / d1) * (x / (1 - x));
  const y = inverseRegularizedBeta(1 - p, d2 / 2, d1 / 2);
  return (d2 / d1) * ((1 - y) / y);
}
