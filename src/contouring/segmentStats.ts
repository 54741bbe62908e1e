// Per-segment statistics kept up to date from the voxels each edit changes, so a stroke costs
// time in proportion to what it touched, never a pass over the 78 M voxels of a CT.
export const HISTOGRAM_MIN_HU = -1100;
export const HISTOGRAM_MAX_HU = 500;
export const HISTOGRAM_BIN_HU = 25;
export const HISTOGRAM_BINS = (HISTOGRAM_MAX_HU - HISTOGRAM_MIN_HU) / HISTOGRAM_BIN_HU;

export interface SegmentSummary {
  value: number;
  voxels: number;
  volumeMl: number;
  meanHu: number | null;
  sdHu: number | null;
  /** Voxel counts per HISTOGRAM_BIN_HU bin from HISTOGRAM_MIN_HU; values outside go to the end bins. */
  histogram: number[];
}

export function histogramBin(hu: number): number {
  const b = Math.floor((hu - HISTOGRAM_MIN_HU) / HISTOGRAM_BIN_HU);
  return b < 0 ? 0 : b >= HISTOGRAM_BINS ? HISTOGRAM_BINS - 1 : b;
}

export class SegmentStats {
  private readonly count = new Float64Array(256);
  private readonly sum = new Float64Array(256);
  private readonly sumSq = new Float64Array(256);
  private readonly hist = new Uint32Array(256 * HISTOGRAM_BINS);

  /** @param voxelMl volume of one voxel in mL (mm³ / 1000) */
  constructor(private readonly voxelMl: number) {}

  /** A voxel of HU `hu` changed from label `from` to label `to` (0 = background, not counted). */
  move(hu: number, from: number, to: number): void {
    const bin = histogramBin(hu);
    if (from !== 0) {
      this.count[from]--;
      this.sum[from] -= hu;
      this.sumSq[from] -= hu * hu;
      this.hist[from * HISTOGRAM_BINS + bin]--;
    }
    if (to !== 0) {
      this.count[to]++;
      this.sum[to] += hu;
      this.sumSq[to] += hu * hu;
      this.hist[to * HISTOGRAM_BINS + bin]++;
    }
  }

  /** Recount from scratch (a restored draft); one pass over the volume. */
  rebuild(labels: Uint8Array, hu: Int16Array): void {
    this.count.fill(0);
    this.sum.fill(0);
    this.sumSq.fill(0);
    this.hist.fill(0);
    for (let n = 0; n < labels.length; n++) if (labels[n] !== 0) this.move(hu[n], 0, labels[n]);
  }

  summary(value: number): SegmentSummary {
    const n = this.count[value];
    const mean = n > 0 ? this.sum[value] / n : null;
    // Sum of squares can go a hair negative from rounding when a segment shrinks to one voxel.
    const variance = n > 1 && mean !== null ? Math.max(0, (this.sumSq[value] - n * mean * mean) / (n - 1)) : null;
    return {
      value,
      voxels: n,
      volumeMl: n * this.voxelMl,
      meanHu: mean,
      sdHu: variance === null ? (n === 1 ? 0 : null) : Math.sqrt(variance),
      histogram: Array.from(this.hist.subarray(value * HISTOGRAM_BINS, (value + 1) * HISTOGRAM_BINS)),
    };
  }
}
