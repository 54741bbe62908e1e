// Intraclass correlations of n targets each measured by k judges, with F-based confidence intervals.
//
// Definitions (Shrout & Fleiss 1979, "Intraclass correlations: uses in assessing rater reliability",
// Psychological Bulletin 86:420–428, Tables 1–2; same estimators as McGraw & Wong 1996, "Forming
// inferences about some intraclass correlation coefficients", Psychological Methods 1:30–46, Table 7).
// x_ij = target i, judge j; x̄_i, x̄_j, x̄ the target, judge and grand means:
//   BMS = k Σ_i (x̄_i − x̄)² / (n − 1)                        between targets
//   WMS = Σ_ij (x_ij − x̄_i)² / (n (k − 1))                  within targets
//   JMS = n Σ_j (x̄_j − x̄)² / (k − 1)                        between judges
//   EMS = Σ_ij (x_ij − x̄_i − x̄_j + x̄)² / ((n − 1)(k − 1))   residual
//   ICC(1,1) = (BMS − WMS) / (BMS + (k − 1) WMS)                   one-way random, each target its own judges
//   ICC(2,1) = (BMS − EMS) / (BMS + (k − 1) EMS + k (JMS − EMS) / n) two-way random, absolute agreement
//   ICC(3,1) = (BMS − EMS) / (BMS + (k − 1) EMS)                   two-way mixed, consistency
// Confidence intervals at level 1 − α, F_q(a, b) the q quantile of F with (a, b) df, q = 1 − α/2:
//   ICC(1,1), ICC(3,1): F0 = BMS/WMS (resp. BMS/EMS) with df1 = n − 1, df2 = n(k − 1) (resp. (n−1)(k−1));
//     F_L = F0 / F_q(df1, df2), F_U = F0 · F_q(df2, df1); bounds (F − 1) / (F + k − 1).
//   ICC(2,1) (Satterthwaite; Fleiss & Shrout 1978, Psychometrika 43:259–262): with ρ = ICC(2,1),
//     F_j = JMS/EMS, v = (k−1)(n−1) [kρF_j + n(1 + (k−1)ρ) − kρ]² / ((n−1)k²ρ²F_j² + [n(1 + (k−1)ρ) − kρ]²),
//     F* = F_q(n − 1, v), F** = F_q(v, n − 1),
//     lower = n (BMS − F* EMS) / (F* [k JMS + (kn − k − n) EMS] + n BMS),
//     upper = n (F** BMS − EMS) / (k JMS + (kn − k − n) EMS + n F** BMS).
// Sums of squares are taken about the means (two passes), not as Σx² − (Σx)²/N, so large volumes
// with small differences keep their precision. A coefficient whose denominator is 0 (no variance at
// all), or an interval whose F ratio is infinite (no residual variance), is null with a reason.
import { fQuantile } from './fDistribution.ts';

export interface TwoWayAnova {
  /** Targets (rows). */
  n: number;
  /** Judges (columns). */
  k: number;
  grandMean: number;
  bms: number;
  wms: number;
  jms: number;
  ems: number;
}

export interface IccEstimate {
  /** The coefficient, or null where it is undefined (see reason). */
  value: number | null;
  /** Bounds of the confidence interval, or null (see reason). */
  lower: number | null;
  upper: number | null;
  /** Why value or the bounds are null; null when all three are numbers. */
  reason: string | null;
  /** The F ratio of the test of ICC = 0 and its degrees of freedom (null with value). */
  f: number | null;
  df1: number;
  df2: number;
}

/** Mean squares of the two-way ANOVA of an n×k matrix (row-major: x[i*k + j] = target i, judge j). */
export function twoWayAnova(x: ArrayLike<number>, n: number, k: number): TwoWayAnova {
  if (!Number.isInteger(n) || !Number.isInteger(k) || n < 2 || k < 2) throw new RangeError(`ICC: needs at least 2 targets and 2 judges, got ${n}×${k}`);
  if (x.length !== n * k) throw new RangeError(`ICC: ${x.length} values, expected ${n}×${k}`);
  const rowMeans = new Float64Array(n);
  const colMeans = new Float64Array(k);
  let grand = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const v = x[i * k + j];
      if (!Number.isFinite(v)) throw new RangeError(`ICC: value at target ${i}, judge ${j} is ${v}`);
      rowMeans[i] += v;
      colMeans[j] += v;
      grand += v;
    }
  }
  grand /= n * k;
  for (let i = 0; i < n; i++) rowMeans[i] /= k;
  for (let j = 0; j < k; j++) colMeans[j] /= n;
  let ssBetween = 0;
  for (let i = 0; i < n; i++) ssBetween += (rowMeans[i] - grand) ** 2;
  ssBetween *= k;
  let ssJudges = 0;
  for (let j = 0; j < k; j++) ssJudges += (colMeans[j] - grand) ** 2;
  ssJudges *= n;
  let ssWithin = 0;
  let ssError = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const w = x[i * k + j] - rowMeans[i];
      ssWithin += w * w;
      const e = w - colMeans[j] + grand;
      ssError += e * e;
    }
  }
  return {
    n,
    k,
    grandMean: grand,
    bms: ssBetween / (n - 1),
    wms: ssWithin / (n * (k - 1)),
    jms: ssJudges / (k - 1),
    ems: ssError / ((n - 1) * (k - 1)),
  };
}

function checkConfidence(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`ICC: confidence must be in (0, 1), got ${confidence}`);
  return 1 - (1 - confidence) / 2;
}

/** ICC(1,1) or ICC(3,1): they differ only in the error mean square and its df. */
function consistencyForm(bms: number, errorMs: number, k: number, df1: number, df2: number, confidence: number, what: string): IccEstimate {
  const q = checkConfidence(confidence);
  const denominator = bms + (k - 1) * errorMs;
  if (!(denominator > 0)) return { value: null, lower: null, upper: null, reason: 'no variance: every value is the same', f: null, df1, df2 };
  const value = (bms - errorMs) / denominator;
  if (!(errorMs > 0)) return { value, lower: null, upper: null, reason: `no ${what} variance: the F ratio is infinite and the interval undefined`, f: null, df1, df2 };
  const f0 = bms / errorMs;
  const fl = f0 / fQuantile(q, df1, df2);
  const fu = f0 * fQuantile(q, df2, df1);
  return { value, lower: (fl - 1) / (fl + k - 1), upper: (fu - 1) / (fu + k - 1), reason: null, f: f0, df1, df2 };
}

/** ICC(1,1), one-way random effects, single rater: each target rated by its own set of k judges. */
export function icc1(a: TwoWayAnova, confidence = 0.95): IccEstimate {
  return consistencyForm(a.bms, a.wms, a.k, a.n - 1, a.n * (a.k - 1), confidence, 'within-target');
}

/** ICC(3,1), two-way mixed effects, consistency, single rater: these k judges only. */
export function icc3(a: TwoWayAnova, confidence = 0.95): IccEstimate {
  return consistencyForm(a.bms, a.ems, a.k, a.n - 1, (a.n - 1) * (a.k - 1), confidence, 'residual');
}

/** ICC(2,1), two-way random effects, absolute agreement, single rater: judges drawn from a population. */
export function icc2(a: TwoWayAnova, confidence = 0.95): IccEstimate {
  const q = checkConfidence(confidence);
  const { n, k, bms, jms, ems } = a;
  const df1 = n - 1;
  const df2 = (n - 1) * (k - 1);
  const denominator = bms + (k - 1) * ems + (k * (jms - ems)) / n;
  if (!(denominator > 0)) return { value: null, lower: null, upper: null, reason: 'no variance: every value is the same', f: null, df1, df2 };
  const rho = (bms - ems) / denominator;
  if (!(ems > 0)) return { value: rho, lower: null, upper: null, reason: 'no residual variance: the F ratios are infinite and the interval undefined', f: null, df1, df2 };
  const fj = jms / ems;
  const c = n * (1 + (k - 1) * rho) - k * rho;
  const v = ((k - 1) * (n - 1) * (k * rho * fj + c) ** 2) / ((n - 1) * k * k * rho * rho * fj * fj + c * c);
  if (!(v > 0) || !Number.isFinite(v)) {
    return { value: rho, lower: null, upper: null, reason: `Satterthwaite degrees of freedom ${v}: the interval is undefined`, f: bms / ems, df1, df2 };
  }
  const fStar = fQuantile(q, n - 1, v);
  const fStarStar = fQuantile(q, v, n - 1);
  const lower = (n * (bms - fStar * ems)) / (fStar * (k * jms + (k * n - k - n) * ems) + n * bms);
  const upper = (n * (fStarStar * bms - ems)) / (k * jms + (k * n - k - n) * ems + n * fStarStar * bms);
  return { value: rho, lower, upper, reason: null, f: bms / ems, df1, df2 };
}

export interface IccSet {
  anova: TwoWayAnova;
  icc1: IccEstimate;
  icc2: IccEstimate;
  icc3: IccEstimate;
}

/** ICC(1,1), ICC(2,1) and ICC(3,1) of an n×k matrix (row-major, targets × judges). */
export function intraclassCorrelations(x: ArrayLike<number>, n: number, k: number, confidence = 0.95): IccSet {
  const anova = twoWayAnova(x, n, k);
  return { anova, icc1: icc1(anova, confidence), icc2: icc2(anova, confidence), icc3: icc3(anova, confidence) };
}
