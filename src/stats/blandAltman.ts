// Bland–Altman agreement of two raters' paired measurements of the same quantity.
//
// Definition (Bland & Altman 1986, "Statistical methods for assessing agreement between two methods
// of clinical measurement", Lancet i:307–310; the 1.96 of Bland & Altman 1999, Statistical Methods in
// Medical Research 8:135–160, §2). For each case d_i = a_i − b_i and m_i = (a_i + b_i) / 2:
//   bias           d̄ = Σ d_i / n
//   SD             s = sqrt(Σ (d_i − d̄)² / (n − 1))
//   95% limits     d̄ − 1.96 s, d̄ + 1.96 s
//   plot           the points (m_i, d_i)
// The SD is taken about the mean (two passes). With fewer than 2 pairs the SD and limits are null
// with a reason, never NaN.

/** The normal deviate of the 95% limits of agreement (Bland & Altman 1999). */
export const LIMITS_OF_AGREEMENT_Z = 1.96;

export interface BlandAltmanResult {
  n: number;
  /** Mean difference a − b, or null when n = 0. */
  bias: number | null;
  /** SD of the differences (n − 1 in the denominator), or null when n < 2. */
  sdDifference: number | null;
  lowerLimit: number | null;
  upperLimit: number | null;
  /** Why any of the above is null; null when none is. */
  reason: string | null;
  /** Plot x: the pair means (a_i + b_i) / 2, case by case. */
  means: Float64Array;
  /** Plot y: the differences a_i − b_i, case by case. */
  differences: Float64Array;
}

export function blandAltman(a: ArrayLike<number>, b: ArrayLike<number>): BlandAltmanResult {
  if (a.length !== b.length) throw new RangeError(`Bland–Altman: ${a.length} measurements against ${b.length}`);
  const n = a.length;
  const means = new Float64Array(n);
  const differences = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError(`Bland–Altman: pair ${i} is (${x}, ${y})`);
    means[i] = (x + y) / 2;
    differences[i] = x - y;
    sum += differences[i];
  }
  if (n === 0) return { n, bias: null, sdDifference: null, lowerLimit: null, upperLimit: null, reason: 'no pairs', means, differences };
  const bias = sum / n;
  if (n < 2) {
    return { n, bias, sdDifference: null, lowerLimit: null, upperLimit: null, reason: 'one pair: the SD of the differences needs at least 2', means, differences };
  }
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (differences[i] - bias) ** 2;
  const sdDifference = Math.sqrt(ss / (n - 1));
  return {
    n,
    bias,
    sdDifference,
    lowerLimit: bias - LIMITS_OF_AGREEMENT_Z * sdDifference,
    upperLimit: bias + LIMITS_OF_AGREEMENT_Z * sdDifference,
    reason: null,
    means,
    differences,
  };
}
