// Longest diameter of a lesion (lesionBiomarkers.ts, longest_diameter_mm) from its runs: the
// farthest pair of a set is between vertices of its 3D hull, and a vertex of the 3D hull is a
// vertex of its slice's 2D hull too, so only the hull vertices of each slice's run ends are paired.

/** Collects a lesion's run ends slice by slice, and gives the largest distance between them. */
export class LongestDiameter {
  private readonly candI: number[] = [];
  private readonly candJ: number[] = [];
  private readonly candK: number[] = [];
  private readonly sliceA: Int32Array;
  private readonly sliceB: Int32Array;
  private readonly hullWork: Int32Array;
  private readonly hullOut: number[] = [];
  private sliceN = 0;
  private sliceK = -1;

  /** `runs`: how many runs the lesion has, at most. */
  constructor(runs: number) {
    this.sliceA = new Int32Array(2 * runs);
    this.sliceB = new Int32Array(this.sliceA.length);
    this.hullWork = new Int32Array(this.sliceA.length + 1);
  }

  /** The run i = f…l of row j on slice k; the runs of one slice come together, in (j, f) order. */
  addRun(j: number, k: number, f: number, l: number): void {
    if (k !== this.sliceK) {
      if (this.sliceN > 0) this.flushSlice();
      this.sliceK = k;
    }
    const { sliceA, sliceB } = this;
    sliceA[this.sliceN] = j;
    sliceB[this.sliceN++] = f;
    if (l !== f) {
      sliceA[this.sliceN] = j;
      sliceB[this.sliceN++] = l;
    }
  }

  /** The largest distance between the centres of two voxels of the runs added, mm. */
  mm(spacing: readonly [number, number, number]): number {
    if (this.sliceN > 0) this.flushSlice();
    const [sx, sy, sz] = spacing;
    const { candI, candJ, candK } = this;
    const m = candI.length;
    const xs = new Float64Array(m);
    const ys = new Float64Array(m);
    const zs = new Float64Array(m);
    for (let t = 0; t < m; t++) {
      xs[t] = candI[t] * sx;
      ys[t] = candJ[t] * sy;
      zs[t] = candK[t] * sz;
    }
    return farthestPairMm(xs, ys, zs, m);
  }

  private flushSlice(): void {
    const { sliceA, sliceB, hullOut } = this;
    hullOut.length = 0;
    hullVertices(sliceA, sliceB, this.sliceN, hullOut, this.hullWork);
    for (const t of hullOut) {
      this.candJ.push(sliceA[t]);
      this.candI.push(sliceB[t]);
      this.candK.push(this.sliceK);
    }
    this.sliceN = 0;
  }
}

/** Lexicographic monotone chain over points sorted by (a, b): the strict hull's vertex positions in `pts`. */
function hullVertices(pa: Int32Array, pb: Int32Array, n: number, out: number[], work: Int32Array): void {
  if (n <= 2) {
    for (let t = 0; t < n; t++) out.push(t);
    return;
  }
  const cross = (o: number, p: number, q: number) => (pa[p] - pa[o]) * (pb[q] - pb[o]) - (pb[p] - pb[o]) * (pa[q] - pa[o]);
  let m = 0;
  for (let t = 0; t < n; t++) {
    while (m >= 2 && cross(work[m - 2], work[m - 1], t) <= 0) m--;
    work[m++] = t;
  }
  const lower = m + 1;
  for (let t = n - 2; t >= 0; t--) {
    while (m >= lower && cross(work[m - 2], work[m - 1], t) <= 0) m--;
    work[m++] = t;
  }
  // The chain ends where it started.
  for (let t = 0; t < m - 1; t++) out.push(work[t]);
}

/** Largest distance (mm) between points given in voxel units, with pruning by distance from their centroid. */
function farthestPairMm(xs: Float64Array, ys: Float64Array, zs: Float64Array, n: number): number {
  if (n < 2) return 0;
  let cx = 0;
  let cy = 0;
  let cz = 0;
  for (let t = 0; t < n; t++) {
    cx += xs[t];
    cy += ys[t];
    cz += zs[t];
  }
  cx /= n;
  cy /= n;
  cz /= n;
  const radius = new Float64Array(n);
  for (let t = 0; t < n; t++) radius[t] = Math.hypot(xs[t] - cx, ys[t] - cy, zs[t] - cz);
  const order = Int32Array.from({ length: n }, (_, t) => t).sort((a, b) => radius[b] - radius[a]);
  let best2 = 0;
  let best = 0;
  for (let p = 0; p < n; p++) {
    const a = order[p];
    // No pair of the remaining points is farther apart than the sum of their radii.
    if (2 * radius[a] <= best) break;
    for (let q = p + 1; q < n; q++) {
      const b = order[q];
      if (radius[a] + radius[b] <= best) break;
      const dx = xs[a] - xs[b];
      const dy = ys[a] - ys[b];
      const dz = zs[a] - zs[b];
      const d2 = dx * dx + dy * dy + dz * dz;
      if (d2 > best2) {
        best2 = d2;
        best = Math.sqrt(d2);
      }
    }
  }
  return best;
}
