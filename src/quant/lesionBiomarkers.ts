// Figures of each lesion (3D 26-connected component of a lesion mask) for the segment panel's
// table, the SR and the exports; field names are the ones written to JSON and CSV.
// Components come from runs (src/metrics maskRuns + runComponents, the same partition as
// contouring's componentsOf) because componentsOf returns an Int32 label per voxel of the grid,
// 314 MB for a 512×512×300 CT, where the runs of a lesion mask take a few MB.
// Longer than most files here (~600 lines) for a reason: each biomarker is a short function, but
// they share one pass over each component's box (surface faces, normals, hull, pleura distance);
// moving the surface-area and diameter helpers to their own modules is the natural split.
import { LUNG, voxelMl, type CtVolume } from './ctVolume.ts';
import { zoneIndex, zoneOfSlice, ZONE_NAMES, type ZoneName } from './lungZones.ts';
import { maskRuns } from '../metrics/maskRuns.ts';
import { runComponents } from '../metrics/lesionMatching.ts';
import { squaredDistancesToSites } from '../metrics/distanceTransform.ts';

// Ground glass and consolidation by attenuation, the split used in quantitative COVID-19 CT: ground
// glass raises lung attenuation to between about -750 and -300 HU with vessels still visible,
// consolidation is denser than -300 HU. A lesion voxel below -750 HU (aerated lung the reader's
// stroke took in) is neither, so the two fractions need not add up to 1.
/** Ground glass: GGO_HU[0] ≤ HU < GGO_HU[1]. */
export const GGO_HU: readonly [number, number] = [-750, -300];
/** Consolidation: HU ≥ CONSOLIDATION_MIN_HU. */
export const CONSOLIDATION_MIN_HU = -300;

export type LesionLung = 'right' | 'left' | 'both' | 'none';

export interface LesionBiomarkers {
  /** 1-based rank in the list (largest first) */
  id: number;
  voxels: number;
  volume_ml: number;
  hu_mean: number;
  hu_sd: number;
  hu_p10: number;
  hu_p50: number;
  hu_p90: number;
  ggo_fraction: number;
  consolidation_fraction: number;
  surface_area_mm2: number;
  sphericity: number;
  longest_diameter_mm: number;
  /** null when no voxel of the lesion is in a lung */
  distance_to_pleura_mm: number | null;
  lung: LesionLung;
  /** null when no voxel of the lesion is in a lung */
  zone: ZoneName | null;
  /** mean voxel index (i, j, k) */
  centroid_ijk: [number, number, number];
  /** the same point in patient coordinates (LPS, mm) */
  centroid_lps_mm: [number, number, number];
}

export const BIOMARKER_DEFINITIONS: Record<keyof LesionBiomarkers, string> = {
  id: 'Rank of the lesion by volume, largest first; a lesion is a 3D 26-connected component of the lesion mask.',
  voxels: 'Voxels of the lesion.',
  volume_ml: 'Voxel count × voxel volume, mL.',
  hu_mean: 'Mean HU of the lesion voxels.',
  hu_sd: 'Sample standard deviation (n − 1) of the HU of the lesion voxels, as in the segment statistics; 0 for one voxel.',
  hu_p10: '10th percentile of HU, linear interpolation between closest ranks (numpy\'s default): position (n − 1)·p of the sorted values.',
  hu_p50: 'Median HU, same method.',
  hu_p90: '90th percentile of HU, same method.',
  ggo_fraction: `Fraction of the lesion voxels with ${GGO_HU[0]} ≤ HU < ${GGO_HU[1]} (ground glass).`,
  consolidation_fraction: `Fraction of the lesion voxels with HU ≥ ${CONSOLIDATION_MIN_HU} (consolidation). Voxels below ${GGO_HU[0]} HU are neither.`,
  surface_area_mm2:
    'Area of the lesion surface, mm²: each voxel face between the lesion and the outside counts with the cosine between its axis and the surface normal there (Sobel gradient of the mask at the two voxels beside the face, in mm), which removes the staircase excess of a plain face count (×1.5 on a sphere) in any orientation; measured within 0…+5% of the true area on voxelised spheres of radius 5–20 voxels and on ellipsoids (also tilted, flat, anisotropic grids), less accurate below a radius of ~4 voxels.',
  sphericity: 'π^(1/3)·(6V)^(2/3) / A with V the voxel volume and A surface_area_mm2: 1 for a sphere, less for any other shape; capped at 1, which the estimate can pass on lesions of a few voxels (a 2×2×2 cube estimates 1.1). Not meaningful below a few dozen voxels.',
  longest_diameter_mm: 'Largest distance between the centres of two voxels of the lesion (they lie on its surface), mm, in 3D.',
  distance_to_pleura_mm:
    'Smallest distance from the centre of a lesion voxel to the centre of a voxel on the lung mask\'s boundary (a lung voxel with a face neighbour outside its lung), mm; 0 when the lesion touches that boundary or reaches outside the lung; null when no lesion voxel is in a lung.',
  lung: 'The lung holding most of the lesion\'s in-lung voxels; both on a tie; none when no voxel is in a lung.',
  zone: 'The zone (third of a lung, see the zone definition) holding most of the lesion\'s in-lung voxels; the first in zone order on a tie.',
  centroid_ijk: 'Mean voxel position (i, j, k) of the lesion.',
  centroid_lps_mm: 'The centroid in patient coordinates (LPS), mm.',
};

const SIDE = new Uint8Array(256);
SIDE[LUNG.right] = 1;
SIDE[LUNG.left] = 2;

/** numpy's default ("linear") percentile of ascending `sorted` values, 0 ≤ p ≤ 100. */
export function percentileLinear(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

/**
 * Sorts HU values in place by counting over their range (HU are 16-bit integers, and a lesion's
 * range is narrow), which here is several times faster than the typed array's sort.
 * `count` is scratch of 65536 zeros and is left so.
 */
function sortHu(values: Int16Array, count: Int32Array): Int16Array {
  let lo = 32767;
  let hi = -32768;
  for (let t = 0; t < values.length; t++) {
    const v = values[t];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    count[v + 32768]++;
  }
  let t = 0;
  for (let v = lo; v <= hi; v++) {
    let c = count[v + 32768];
    count[v + 32768] = 0;
    while (c-- > 0) values[t++] = v;
  }
  return values;
}

/** Sobel weights of the 27 neighbours: derivative along one axis, [1, 2, 1] smoothing along the other two. */
const SOBEL_DI = new Float64Array(27);
const SOBEL_DJ = new Float64Array(27);
const SOBEL_DK = new Float64Array(27);
{
  const w = [1, 2, 1];
  for (let c = -1, t = 0; c <= 1; c++) {
    for (let b = -1; b <= 1; b++) {
      for (let a = -1; a <= 1; a++, t++) {
        SOBEL_DI[t] = a * w[b + 1] * w[c + 1];
        SOBEL_DJ[t] = b * w[a + 1] * w[c + 1];
        SOBEL_DK[t] = c * w[a + 1] * w[b + 1];
      }
    }
  }
}

/**
 * Adds the Sobel gradient (index units) of the mask at (i, j, k) to g; voxels off the grid are
 * outside. The lesion's own mask is used, so a neighbouring lesion within two voxels tilts the
 * normal a little; their faces are not shared, so no area is counted twice.
 */
function addGradient(mask: Uint8Array, nx: number, ny: number, nz: number, i: number, j: number, k: number, g: Float64Array, offsets: Int32Array): void {
  const base = i + nx * (j + ny * k);
  let gi = 0;
  let gj = 0;
  let gk = 0;
  if (i > 0 && j > 0 && k > 0 && i < nx - 1 && j < ny - 1 && k < nz - 1) {
    for (let t = 0; t < 27; t++) {
      if (mask[base + offsets[t]] === 0) continue;
      gi += SOBEL_DI[t];
      gj += SOBEL_DJ[t];
      gk += SOBEL_DK[t];
    }
  } else {
    for (let c = -1, t = 0; c <= 1; c++) {
      for (let b = -1; b <= 1; b++) {
        for (let a = -1; a <= 1; a++, t++) {
          const ii = i + a;
          const jj = j + b;
          const kk = k + c;
          if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) continue;
          if (mask[base + offsets[t]] === 0) continue;
          gi += SOBEL_DI[t];
          gj += SOBEL_DJ[t];
          gk += SOBEL_DK[t];
        }
      }
    }
  }
  g[0] += gi;
  g[1] += gj;
  g[2] += gk;
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

/**
 * The lung mask's boundary (the lung voxels with a face neighbour outside their lung or off the
 * grid), which stands for the pleura: per grid row r = j + ny·k, the ascending i of its boundary
 * voxels are i[rowStart[r]] … i[rowStart[r + 1] - 1]. Built from the runs of each lung, so the
 * work follows the lung's runs and boundary rather than its ~10 M voxels, and a lesion's search
 * box then reads only its rows.
 */
interface LungBoundary {
  rowStart: Int32Array;
  i: Int32Array;
}

function lungBoundary(lungs: Uint8Array, dims: readonly [number, number, number]): LungBoundary {
  const [nx, ny, nz] = dims;
  const rows = ny * nz;
  const sides = [maskRuns(lungs, dims, { segment: LUNG.right }), maskRuns(lungs, dims, { segment: LUNG.left })];
  const rowStart = new Int32Array(rows + 1);
  let out = new Int32Array(1 << 16);
  let n = 0;
  const mark = new Uint8Array(nx);
  const marked: number[] = [];
  const put = (i: number) => {
    if (mark[i] !== 0) return;
    mark[i] = 1;
    marked.push(i);
  };
  for (let r = 0; r < rows; r++) {
    rowStart[r] = n;
    const j = r % ny;
    const k = (r - j) / ny;
    for (const runs of sides) {
      const { rowStart: rs, runFirst, runLast } = runs;
      for (let p = rs[r]; p < rs[r + 1]; p++) {
        const f = runFirst[p];
        const l = runLast[p];
        put(f);
        put(l);
        // Each face-neighbour row: the stretches of [f, l] that its runs of the same lung leave uncovered.
        for (let t = 0; t < 4; t++) {
          const nr = t === 0 ? (j > 0 ? r - 1 : -1) : t === 1 ? (j < ny - 1 ? r + 1 : -1) : t === 2 ? (k > 0 ? r - ny : -1) : k < nz - 1 ? r + ny : -1;
          let from = f;
          if (nr >= 0) {
            for (let q = rs[nr]; q < rs[nr + 1] && from <= l; q++) {
              if (runLast[q] < from) continue;
              if (runFirst[q] > l) break;
              for (let i = from; i < runFirst[q]; i++) put(i);
              from = runLast[q] + 1;
            }
          }
          for (let i = from; i <= l; i++) put(i);
        }
      }
    }
    if (marked.length === 0) continue;
    marked.sort((x, y) => x - y);
    if (n + marked.length > out.length) {
      const grown = new Int32Array(Math.max(out.length * 2, n + marked.length));
      grown.set(out);
      out = grown;
    }
    for (const i of marked) {
      out[n++] = i;
      mark[i] = 0;
    }
    marked.length = 0;
  }
  rowStart[rows] = n;
  return { rowStart, i: out.subarray(0, n) };
}

/** The boundary voxels in box [lo, hi] (inclusive), as ascending indices on the box's own grid. */
function boundaryInBox(boundary: LungBoundary, dims: readonly [number, number, number], lo: number[], hi: number[]): Int32Array {
  const ny = dims[1];
  const bx = hi[0] - lo[0] + 1;
  const by = hi[1] - lo[1] + 1;
  let out = new Int32Array(1024);
  let n = 0;
  for (let k = lo[2]; k <= hi[2]; k++) {
    for (let j = lo[1]; j <= hi[1]; j++) {
      const r = j + ny * k;
      const local = bx * (j - lo[1] + by * (k - lo[2])) - lo[0];
      for (let p = boundary.rowStart[r]; p < boundary.rowStart[r + 1]; p++) {
        const i = boundary.i[p];
        if (i < lo[0]) continue;
        if (i > hi[0]) break;
        if (n === out.length) {
          const grown = new Int32Array(out.length * 2);
          grown.set(out);
          out = grown;
        }
        out[n++] = local + i;
      }
    }
  }
  return out.subarray(0, n);
}

/**
 * First search margin around a lesion for the lung boundary, mm, doubled until the nearest is
 * found: most pneumonia lesions are subpleural, and a small box keeps both the scan and the
 * distance transform's sites few.
 */
const PLEURA_SEARCH_START_MM = 3;

/**
 * Smallest distance (mm) from the voxels `surface` of one lesion inside the lung (box lo-hi) to the
 * lung boundary. Only the boundary inside the lesion's box grown by a margin is searched: any
 * boundary voxel beyond it lies more than the margin away along some axis, so a nearest distance
 * within the margin is the true one. Until the box holds boundary the margin doubles; once a
 * nearest candidate at d is found the true distance is at most d, so one more search with the
 * margin d settles it.
 */
function distanceToPleuraMm(boundary: LungBoundary, dims: readonly [number, number, number], spacing: readonly [number, number, number], surface: Int32Array, lo: number[], hi: number[]): number {
  for (let margin = PLEURA_SEARCH_START_MM; ; ) {
    const boxLo = [0, 1, 2].map((a) => Math.max(0, lo[a] - Math.ceil(margin / spacing[a])));
    const boxHi = [0, 1, 2].map((a) => Math.min(dims[a] - 1, hi[a] + Math.ceil(margin / spacing[a])));
    const whole = [0, 1, 2].every((a) => boxLo[a] === 0 && boxHi[a] === dims[a] - 1);
    const sites = boundaryInBox(boundary, dims, boxLo, boxHi);
    if (sites.length > 0) {
      const box = [boxHi[0] - boxLo[0] + 1, boxHi[1] - boxLo[1] + 1, boxHi[2] - boxLo[2] + 1] as const;
      const queries = new Int32Array(surface.length);
      for (let q = 0; q < surface.length; q++) {
        const index = surface[q];
        const r = Math.floor(index / dims[0]);
        const j = r % dims[1];
        const k = (r - j) / dims[1];
        queries[q] = index - r * dims[0] - boxLo[0] + box[0] * (j - boxLo[1] + box[1] * (k - boxLo[2]));
      }
      const d2 = squaredDistancesToSites(box, spacing, sites, queries);
      let best = Infinity;
      for (let q = 0; q < d2.length; q++) if (d2[q] < best) best = d2[q];
      const d = Math.sqrt(best);
      if (d <= margin || whole) return d;
      margin = d;
    } else if (whole) {
      // A lung mask always has a boundary (at worst the grid's faces); unreachable.
      return Infinity;
    } else {
      margin *= 2;
    }
  }
}

/**
 * Biomarkers of every lesion of `lesion` (nonzero = lesion; lesion segments merged), largest
 * first. `lungs` is the lung mask in LUNG values on the same grid.
 */
export function lesionBiomarkers(ct: CtVolume, lesion: Uint8Array, lungs: Uint8Array): LesionBiomarkers[] {
  const dims = ct.dims;
  const [nx, ny, nz] = dims;
  const [sx, sy, sz] = ct.spacing;
  const plane = nx * ny;
  if (lesion.length !== plane * nz || lungs.length !== plane * nz || ct.hu.length !== plane * nz) {
    throw new Error(`lesionBiomarkers: ${lesion.length} lesion, ${lungs.length} lung, ${ct.hu.length} CT voxels for a ${dims.join('x')} grid`);
  }
  const runs = maskRuns(lesion, dims);
  const comps = runComponents(runs);
  const count = comps.count;
  if (count === 0) return [];
  const thirds = zoneOfSlice(lungs, dims, ct.direction);
  const { rowStart, runFirst, runLast } = runs;
  const { componentOfRun } = comps;

  // Runs grouped by component, each group in run (index) order.
  const runRow = new Int32Array(runs.runs);
  for (let r = 0; r < rowStart.length - 1; r++) runRow.fill(r, rowStart[r], rowStart[r + 1]);
  const groupStart = new Int32Array(count + 1);
  for (let n = 0; n < runs.runs; n++) groupStart[componentOfRun[n] + 1]++;
  for (let c = 0; c < count; c++) groupStart[c + 1] += groupStart[c];
  const runOrder = new Int32Array(runs.runs);
  const fill = groupStart.slice(0, count);
  for (let n = 0; n < runs.runs; n++) runOrder[fill[componentOfRun[n]]++] = n;

  let maxSize = 0;
  for (let c = 0; c < count; c++) maxSize = Math.max(maxSize, comps.sizes[c]);
  const huBuffer = new Int16Array(maxSize);
  const huCount = new Int32Array(65536);
  const ml = voxelMl(ct.spacing);
  const faceArea = [sy * sz, sx * sz, sx * sy];
  const g = new Float64Array(3);
  const offsets = new Int32Array(27);
  for (let c = -1, t = 0; c <= 1; c++) for (let b = -1; b <= 1; b++) for (let a = -1; a <= 1; a++, t++) offsets[t] = a + nx * b + plane * c;
  const dir = ct.direction;

  const results: (LesionBiomarkers & { order: number })[] = [];
  // Built for the first lesion that needs it.
  let boundary: LungBoundary | null = null;

  for (let c = 0; c < count; c++) {
    let n = 0;
    let sumI = 0;
    let sumJ = 0;
    let sumK = 0;
    let right = 0;
    let left = 0;
    let ggo = 0;
    let consolidation = 0;
    const zoneCount = [0, 0, 0, 0, 0, 0];
    let area = 0;
    const surface: number[] = [];
    // Hull vertices of each slice's run ends: the farthest pair of a set is between vertices of
    // its 3D hull, and a vertex of the 3D hull is a vertex of its slice's 2D hull too.
    const candI: number[] = [];
    const candJ: number[] = [];
    const candK: number[] = [];
    const sliceA = new Int32Array(2 * (groupStart[c + 1] - groupStart[c]));
    const sliceB = new Int32Array(sliceA.length);
    const hullWork = new Int32Array(sliceA.length + 1);
    const hullOut: number[] = [];
    let sliceN = 0;
    let sliceK = -1;
    const flushSlice = () => {
      hullOut.length = 0;
      hullVertices(sliceA, sliceB, sliceN, hullOut, hullWork);
      for (const t of hullOut) {
        candJ.push(sliceA[t]);
        candI.push(sliceB[t]);
        candK.push(sliceK);
      }
      sliceN = 0;
    };

    for (let g0 = groupStart[c]; g0 < groupStart[c + 1]; g0++) {
      const run = runOrder[g0];
      const r = runRow[run];
      const j = r % ny;
      const k = (r - j) / ny;
      const f = runFirst[run];
      const l = runLast[run];
      if (k !== sliceK) {
        if (sliceN > 0) flushSlice();
        sliceK = k;
      }
      sliceA[sliceN] = j;
      sliceB[sliceN++] = f;
      if (l !== f) {
        sliceA[sliceN] = j;
        sliceB[sliceN++] = l;
      }
      const zr = thirds.right[k];
      const zl = thirds.left[k];
      const row = nx * r;
      for (let i = f; i <= l; i++) {
        const index = row + i;
        const hu = ct.hu[index];
        huBuffer[n++] = hu;
        sumI += i;
        sumJ += j;
        sumK += k;
        const side = SIDE[lungs[index]];
        if (side === 1) {
          right++;
          zoneCount[zoneIndex(1, zr as 0 | 1 | 2)]++;
        } else if (side === 2) {
          left++;
          zoneCount[zoneIndex(2, zl as 0 | 1 | 2)]++;
        }
        if (hu >= CONSOLIDATION_MIN_HU) consolidation++;
        else if (hu >= GGO_HU[0]) ggo++;

        // Faces to the outside: the run's ends along i, and any face neighbour in j or k.
        let gotInside = false;
        let onSurface = false;
        for (let d = 0; d < 6; d++) {
          const axis = d >> 1;
          const sign = d & 1 ? 1 : -1;
          let outside: boolean;
          let ni = i;
          let nj = j;
          let nk = k;
          if (axis === 0) {
            outside = sign < 0 ? i === f : i === l;
            ni += sign;
          } else if (axis === 1) {
            nj += sign;
            outside = nj < 0 || nj >= ny || lesion[index + sign * nx] === 0;
          } else {
            nk += sign;
            outside = nk < 0 || nk >= nz || lesion[index + sign * plane] === 0;
          }
          if (!outside) continue;
          onSurface = true;
          // Normal at the face: the gradients at the voxel and at its outside neighbour, whose
          // 3×3×3 neighbourhoods together straddle the face symmetrically.
          if (!gotInside) {
            g.fill(0);
            addGradient(lesion, nx, ny, nz, i, j, k, g, offsets);
            gotInside = true;
          }
          const gi = g[0];
          const gj = g[1];
          const gk = g[2];
          if (ni >= 0 && nj >= 0 && nk >= 0 && ni < nx && nj < ny && nk < nz) addGradient(lesion, nx, ny, nz, ni, nj, nk, g, offsets);
          const ux = g[0] / sx;
          const uy = g[1] / sy;
          const uz = g[2] / sz;
          const len = Math.sqrt(ux * ux + uy * uy + uz * uz);
          const along = axis === 0 ? ux : axis === 1 ? uy : uz;
          area += faceArea[axis] * (len === 0 ? 1 : Math.abs(along) / len);
          g[0] = gi;
          g[1] = gj;
          g[2] = gk;
        }
        if (onSurface) surface.push(index);
      }
    }
    if (sliceN > 0) flushSlice();

    const sorted = sortHu(huBuffer.subarray(0, n), huCount);
    let sum = 0;
    for (let t = 0; t < n; t++) sum += sorted[t];
    const mean = sum / n;
    let ss = 0;
    for (let t = 0; t < n; t++) ss += (sorted[t] - mean) ** 2;

    const m = candI.length;
    const xs = new Float64Array(m);
    const ys = new Float64Array(m);
    const zs = new Float64Array(m);
    for (let t = 0; t < m; t++) {
      xs[t] = candI[t] * sx;
      ys[t] = candJ[t] * sy;
      zs[t] = candK[t] * sz;
    }

    const inLung = right + left;
    let zone: ZoneName | null = null;
    if (inLung > 0) {
      let best = 0;
      for (let z = 1; z < 6; z++) if (zoneCount[z] > zoneCount[best]) best = z;
      zone = ZONE_NAMES[best];
    }
    const volumeMm3 = n * sx * sy * sz;
    const ci = sumI / n;
    const cj = sumJ / n;
    const ck = sumK / n;
    const lps: [number, number, number] = [0, 0, 0];
    for (let a = 0; a < 3; a++) lps[a] = ct.origin[a] + ci * sx * dir[a] + cj * sy * dir[3 + a] + ck * sz * dir[6 + a];
    let distance: number | null = null;
    if (inLung > 0) {
      // A lesion reaching outside the lung crosses its boundary.
      if (inLung < n) {
        distance = 0;
      } else {
        boundary ??= lungBoundary(lungs, dims);
        distance = distanceToPleuraMm(boundary, dims, ct.spacing, Int32Array.from(surface), [comps.lo[3 * c], comps.lo[3 * c + 1], comps.lo[3 * c + 2]], [comps.hi[3 * c], comps.hi[3 * c + 1], comps.hi[3 * c + 2]]);
      }
    }
    results.push({
      id: 0,
      order: c,
      voxels: n,
      volume_ml: n * ml,
      hu_mean: mean,
      hu_sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
      hu_p10: percentileLinear(sorted, 10),
      hu_p50: percentileLinear(sorted, 50),
      hu_p90: percentileLinear(sorted, 90),
      ggo_fraction: ggo / n,
      consolidation_fraction: consolidation / n,
      surface_area_mm2: area,
      // A blob of a few voxels has its staircase smoothed into a rounder shape than the voxels
      // make, and its estimate can pass 1, which no shape has.
      sphericity: Math.min(1, (Math.cbrt(Math.PI) * Math.cbrt(6 * volumeMm3) ** 2) / area),
      longest_diameter_mm: farthestPairMm(xs, ys, zs, m),
      distance_to_pleura_mm: distance,
      lung: inLung === 0 ? 'none' : right > left ? 'right' : left > right ? 'left' : 'both',
      zone,
      centroid_ijk: [ci, cj, ck],
      centroid_lps_mm: lps,
    });
  }

  results.sort((a, b) => b.voxels - a.voxels || a.order - b.order);
  return results.map((r, rank) => {
    const { order, ...rest } = r;
    void order;
    return { ...rest, id: rank + 1 };
  });
}
