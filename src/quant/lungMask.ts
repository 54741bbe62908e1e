// Automatic right and left lung masks by classic image processing (no model), the same module in
// the browser's worker and in `npm run quant`. The steps follow the usual threshold-based
// pipeline (Hu, Hoffman, Reinhardt, IEEE TMI 20:490, 2001): air/tissue threshold, the body and the
// air outside it, the airways grown from the trachea and removed, the two lungs as the largest air
// components (split by erosion where they touch at a junction), then each slice's lung filled to
// its outline so that vessels, nodules and consolidation against the chest wall stay inside (the
// outline's curvature continued across a pleural-based consolidation's bite), but not the hilum.
// Longer than most files here (~1130 lines), and due a split: body, airways, left/right split and
// the fills (convex, costal bite, cross-slice, hilum) are separate stages over one work grid; they
// should become one module each. Left as one file in this change for lack of time, named in the note.
import { LUNG, cranialStep, voxelMl, type CtVolume } from './ctVolume.ts';
import { type Dims, IndexStack, erode6, growSeeds, labelComponents, labelSlice4 } from './morphology.ts';

export interface LungMask {
  /** LUNG values per voxel of the CT grid */
  labels: Uint8Array;
  rightMl: number;
  leftMl: number;
  timingsMs: Record<string, number>;
}

/** Air below, tissue above: midway between lung parenchyma (~-850) and soft tissue (~40). */
const AIR_HU = -500;
/** In-plane grids larger than this many pixels are halved (2×2 mean) for the work: see segmentLungs. */
const HALVE_ABOVE_PIXELS = 300 * 300;
/** Slices thinner than this are paired on the work grid (workGrid). */
const PAIR_SLICES_BELOW_MM = 1.25;
/** ...unless that would leave fewer work slices than this (a slab, a test phantom). */
const MIN_WORK_SLICES = 40;
/** Trachea lumen: air, a round component near the midline on the cranial slices. */
const TRACHEA_MEAN_HU = -900;
const TRACHEA_AREA_MM2: [number, number] = [40, 1000];
const TRACHEA_MAX_OFF_MIDLINE_MM = 35;
const TRACHEA_SEARCH_FRACTION = 0.25;
/** Airway growing thresholds, strictest first; a step that multiplies the airway by more than 2.5 is a leak into the lung. */
const AIRWAY_HU = [-980, -960, -940, -920, -900, -880];
const AIRWAY_MAX_ML = 200;
/** Below this volume a jump is the lumen's noise being crossed, not a leak. */
const AIRWAY_LEAK_BASE_ML = 5;
const AIRWAY_MARGIN_MM = 2;
/** A second lung: at least this fraction of the first, its apex near the first's. */
const SECOND_LUNG_MIN_FRACTION = 0.1;
const APEX_TOLERANCE = 0.35;
/** A component is two lungs touching when at least this fraction of it lies on each side of the midline. */
const JOINED_SIDE_FRACTION = 0.2;
const MAX_SPLIT_EROSIONS = 8;
/** Widest hole (along a row or a column) that a slice's lung is filled across: vessels, nodules. */
const HOLE_MAX_MM = 40;
/** Deepest consolidation against the lateral chest wall that a slice's lung is filled across. */
const LATERAL_MAX_MM = 40;
/** A slice's lung is not filled to its outline when that would add more than this fraction of it. */
const MAX_ADDED_PER_LUNG = 0.5;
/** How far above and below a slice the lung's outline is looked for (a consolidation's radius, say). */
const ACROSS_SLICES_MM = 40;
/** Angular bins of a slice's lung outline seen from its centroid (2° each): see fillCostalDips. */
const POLAR_BINS = 180;
/**
 * A dip of the outline below its convex hull deeper than this many pixels and this many mm is a
 * bite to bridge: shallower dips (rib impressions, the partial volume of the pleura) are the
 * hull's to fill, and extrapolating across them would push the outline into the chest wall.
 */
const DIP_MIN_PIXELS = 1.5;
const DIP_MIN_MM = 4;
/** A bite wider than this (degrees, seen from the centroid) is not a lesion against the wall. */
const DIP_MAX_DEG = 110;
/**
 * Directions from the centroid whose cosine to the medial direction exceeds this are the
 * mediastinal side (heart, hila, paravertebral gutter): never bridged by fillCostalDips.
 */
const MEDIAL_COS = 0.3;
/** Bins either side of a bite from which the outline's slope is taken (6°). */
const SLOPE_BINS = 3;

type Progress = ((fraction: number, stage: string) => void) | undefined;

interface Work {
  dims: Dims;
  hu: Int16Array;
  /** CT voxels per work voxel in-plane (1 or 2) and along k (1 or 2) */
  factor: number;
  factorZ: number;
  /** patient x (LPS, mm) of work voxel (i, j, k) = x0 + i*xi + j*xj + k*xk */
  x0: number;
  xi: number;
  xj: number;
  xk: number;
  pixelMm2: number;
  spacing: [number, number, number];
}

// Halving in-plane (2×2 mean) keeps the masks at ~1.2 mm on a typical 0.6–0.8 mm CT, which is finer
// than the lung's outline matters for a volume, cuts the work by 4 and halves the noise. Thin
// slices (< 1.25 mm, the common 0.6–1 mm reconstructions) are paired too, so the work grid is
// never finer than ~2.5 mm along the body axis, about the spacing the method was built on (2 mm
// scans); on 0.9 mm slices this halves the time of every stage.
function workGrid(ct: CtVolume): Work {
  const [nx, ny, nz] = ct.dims;
  const f = nx * ny > HALVE_ABOVE_PIXELS ? 2 : 1;
  const fz = ct.spacing[2] < PAIR_SLICES_BELOW_MM && nz >= 2 * MIN_WORK_SLICES ? 2 : 1;
  const wx = Math.ceil(nx / f);
  const wy = Math.ceil(ny / f);
  const wz = Math.ceil(nz / fz);
  let hu = ct.hu;
  if (f === 2 || fz === 2) {
    hu = new Int16Array(wx * wy * wz);
    const acc = new Int32Array(wx * wy);
    for (let kk = 0; kk < wz; kk++) {
      acc.fill(0);
      const k1 = Math.min(fz * kk + fz, nz);
      for (let k = fz * kk; k < k1; k++)
        for (let j = 0; j < wy; j++) {
          const j0 = f * j;
          const j1 = Math.min(j0 + f - 1, ny - 1);
          const r0 = nx * (j0 + ny * k);
          const r1 = nx * (j1 + ny * k);
          const a = wx * j;
          for (let i = 0; i < wx; i++) {
            const i0 = f * i;
            const i1 = Math.min(i0 + f - 1, nx - 1);
            acc[a + i] += ct.hu[r0 + i0] + ct.hu[r0 + i1] + ct.hu[r1 + i0] + ct.hu[r1 + i1];
          }
        }
      // Four samples per slice (repeated where f is 1), and one or two slices.
      const div = 4 * (k1 - fz * kk);
      const base = wx * wy * kk;
      for (let q = 0; q < acc.length; q++) hu[base + q] = Math.floor(acc[q] / div);
    }
  }
  const d = ct.direction;
  const [sx, sy, sz] = ct.spacing;
  const half = (f - 1) / 2;
  const halfZ = (fz - 1) / 2;
  return {
    dims: [wx, wy, wz],
    hu,
    factor: f,
    factorZ: fz,
    x0: ct.origin[0] + half * sx * d[0] + half * sy * d[3] + halfZ * sz * d[6],
    xi: f * sx * d[0],
    xj: f * sy * d[3],
    xk: fz * sz * d[6],
    pixelMm2: f * f * sx * sy,
    spacing: [f * sx, f * sy, fz * sz],
  };
}

/**
 * Per slice: the body is the largest 4-connected region of the slice that the outside air
 * (air reaching the image border) does not reach; the table and the arms are other regions.
 */
function bodyMask(air: Uint8Array, dims: Dims): Uint8Array {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const body = new Uint8Array(nxy * nz);
  const comp = new Int32Array(nxy);
  const inside = new Uint8Array(nxy);
  let parent: Int32Array | undefined;
  for (let k = 0; k < nz; k++) {
    const base = k * nxy;
    const slice = air.subarray(base, base + nxy);
    const airs = labelSlice4(slice, nx, ny, 1, comp, parent);
    parent = airs.parent;
    const outside = new Uint8Array(airs.sizes.length + 1);
    for (let i = 0; i < nx; i++) {
      outside[comp[i]] = 1;
      outside[comp[i + nx * (ny - 1)]] = 1;
    }
    for (let j = 0; j < ny; j++) {
      outside[comp[nx * j]] = 1;
      outside[comp[nx * j + nx - 1]] = 1;
    }
    outside[0] = 0;
    for (let p = 0; p < nxy; p++) inside[p] = outside[comp[p]] ? 0 : 1;
    const regions = labelSlice4(inside, nx, ny, 1, comp, parent);
    parent = regions.parent;
    let best = 0;
    for (let c = 1; c < regions.sizes.length; c++) if (regions.sizes[c] > regions.sizes[best]) best = c;
    if (regions.sizes.length === 0) continue;
    const bestId = best + 1;
    for (let p = 0; p < nxy; p++) if (comp[p] === bestId) body[base + p] = 1;
  }
  return body;
}

/** Voxels of the trachea on one cranial slice, or null when none is found (a scan starting below the carina). */
function findTrachea(w: Work, candidate: Uint8Array, body: Uint8Array, cranialFirst: number[]): number[] | null {
  const [nx, ny] = w.dims;
  const nxy = nx * ny;
  const comp = new Int32Array(nxy);
  const stack = new IndexStack();
  const pixels: number[] = [];
  const searched = Math.max(1, Math.ceil(cranialFirst.length * TRACHEA_SEARCH_FRACTION));
  for (let s = 0; s < searched; s++) {
    const k = cranialFirst[s];
    const base = k * nxy;
    // The body's midline on this slice.
    let sumX = 0;
    let nBody = 0;
    for (let p = 0; p < nxy; p++) {
      if (!body[base + p]) continue;
      const j = (p / nx) | 0;
      sumX += w.x0 + (p - j * nx) * w.xi + j * w.xj + k * w.xk;
      nBody++;
    }
    if (nBody === 0) continue;
    const midX = sumX / nBody;
    comp.fill(0);
    let id = 0;
    let best: number[] | null = null;
    for (let start = 0; start < nxy; start++) {
      if (!candidate[base + start] || comp[start] !== 0) continue;
      id++;
      comp[start] = id;
      stack.push(start);
      pixels.length = 0;
      let sumHu = 0;
      let cx = 0;
      while (stack.size > 0) {
        const p = stack.pop();
        pixels.push(base + p);
        sumHu += w.hu[base + p];
        const j = (p / nx) | 0;
        const i = p - j * nx;
        cx += w.x0 + i * w.xi + j * w.xj + k * w.xk;
        if (i > 0 && candidate[base + p - 1] && comp[p - 1] === 0) { comp[p - 1] = id; stack.push(p - 1); }
        if (i < nx - 1 && candidate[base + p + 1] && comp[p + 1] === 0) { comp[p + 1] = id; stack.push(p + 1); }
        if (j > 0 && candidate[base + p - nx] && comp[p - nx] === 0) { comp[p - nx] = id; stack.push(p - nx); }
        if (j < ny - 1 && candidate[base + p + nx] && comp[p + nx] === 0) { comp[p + nx] = id; stack.push(p + nx); }
      }
      const area = pixels.length * w.pixelMm2;
      const meanHu = sumHu / pixels.length;
      const offMid = Math.abs(cx / pixels.length - midX);
      if (area < TRACHEA_AREA_MM2[0] || area > TRACHEA_AREA_MM2[1] || meanHu > TRACHEA_MEAN_HU || offMid > TRACHEA_MAX_OFF_MIDLINE_MM) continue;
      // The largest such component: the oesophagus can hold a smaller bubble of air beside it.
      if (!best || pixels.length > best.length) best = [...pixels];
    }
    if (best) return best;
  }
  return null;
}

/**
 * The airways grown from the trachea with the strictest threshold that still follows them; the
 * next step up is refused when it more than doubles the volume (a leak into the lung).
 */
function growAirways(w: Work, candidate: Uint8Array, seed: number[]): number[] {
  const n = candidate.length;
  const [nx, ny, nz] = w.dims;
  const nxy = nx * ny;
  const ml = voxelMl(w.spacing);
  const limit = Math.ceil(AIRWAY_MAX_ML / ml);
  // step[p]: 1-based index of the threshold at which p joined; each looser threshold grows on from
  // the last airway, so every step reads only the voxels it adds.
  const step = new Uint8Array(n);
  const stack = new IndexStack();
  const added = new IndexStack();
  for (const p of seed) if (candidate[p] && !step[p]) { step[p] = 1; added.push(p); }
  let previous = 0;
  let accepted = 0;
  for (let s = 0; s < AIRWAY_HU.length; s++) {
    const thr = AIRWAY_HU[s];
    const value = s + 1;
    const start = added.size;
    for (let t = 0; t < added.size; t++) stack.push(added.data[t]);
    let count = added.size;
    while (stack.size > 0 && count <= limit) {
      const p = stack.pop();
      const k = (p / nxy) | 0;
      const r = p - k * nxy;
      const j = (r / nx) | 0;
      const i = r - j * nx;
      for (let o = 0; o < 6; o++) {
        let q: number;
        if (o === 0) { if (i === 0) continue; q = p - 1; }
        else if (o === 1) { if (i === nx - 1) continue; q = p + 1; }
        else if (o === 2) { if (j === 0) continue; q = p - nx; }
        else if (o === 3) { if (j === ny - 1) continue; q = p + nx; }
        else if (o === 4) { if (k === 0) continue; q = p - nxy; }
        else { if (k === nz - 1) continue; q = p + nxy; }
        if (step[q] || !candidate[q] || w.hu[q] >= thr) continue;
        step[q] = value;
        added.push(q);
        count++;
        stack.push(q);
      }
    }
    stack.size = 0;
    if (count > limit || (previous * ml >= AIRWAY_LEAK_BASE_ML && count > 2.5 * previous)) {
      for (let t = start; t < added.size; t++) step[added.data[t]] = 0;
      break;
    }
    previous = count;
    accepted = value;
  }
  const airway: number[] = [];
  if (accepted > 0) for (let t = 0; t < added.size; t++) if (step[added.data[t]] !== 0) airway.push(added.data[t]);
  return airway;
}

/** Clears the airway and the candidate voxels within `margin` 6-connected steps of it. */
function removeAirway(w: Work, candidate: Uint8Array, airway: number[], margin: number): void {
  const [nx, ny, nz] = w.dims;
  const nxy = nx * ny;
  let front = new IndexStack();
  let next = new IndexStack();
  for (const p of airway) {
    candidate[p] = 0;
    front.push(p);
  }
  for (let s = 0; s < margin; s++) {
    for (let t = 0; t < front.size; t++) {
      const p = front.data[t];
      const k = (p / nxy) | 0;
      const r = p - k * nxy;
      const j = (r / nx) | 0;
      const i = r - j * nx;
      if (i > 0 && candidate[p - 1]) { candidate[p - 1] = 0; next.push(p - 1); }
      if (i < nx - 1 && candidate[p + 1]) { candidate[p + 1] = 0; next.push(p + 1); }
      if (j > 0 && candidate[p - nx]) { candidate[p - nx] = 0; next.push(p - nx); }
      if (j < ny - 1 && candidate[p + nx]) { candidate[p + nx] = 0; next.push(p + nx); }
      if (k > 0 && candidate[p - nxy]) { candidate[p - nxy] = 0; next.push(p - nxy); }
      if (k < nz - 1 && candidate[p + nxy]) { candidate[p + nxy] = 0; next.push(p + nxy); }
    }
    [front, next] = [next, front];
    next.size = 0;
  }
}

interface ComponentInfo {
  id: number;
  size: number;
  meanX: number;
  /** cranial-most and caudal-most grid slice, in cranial order (0 = most cranial slice) */
  top: number;
  bottom: number;
  /** voxels on the patient's right of the midline (lower patient x) */
  lowSide: number;
  /** bounding box, inclusive */
  lo: [number, number, number];
  hi: [number, number, number];
}

function describeComponents(w: Work, labels: Uint16Array, sizes: number[], cranialRank: Int32Array, midX: number): ComponentInfo[] {
  const [nx, ny, nz] = w.dims;
  const count = sizes.length + 1;
  const sum = new Float64Array(3 * count);
  const low = new Float64Array(count);
  const lo = new Int32Array(3 * count).fill(2 ** 30);
  const hi = new Int32Array(3 * count).fill(-1);
  let p = 0;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      const rowX = w.x0 + j * w.xj + k * w.xk;
      for (let i = 0; i < nx; i++, p++) {
        const id = labels[p];
        if (id === 0) continue;
        const c3 = 3 * id;
        sum[c3] += i;
        sum[c3 + 1] += j;
        sum[c3 + 2] += k;
        if (rowX + i * w.xi < midX) low[id]++;
        if (i < lo[c3]) lo[c3] = i;
        if (i > hi[c3]) hi[c3] = i;
        if (j < lo[c3 + 1]) lo[c3 + 1] = j;
        if (j > hi[c3 + 1]) hi[c3 + 1] = j;
        if (k < lo[c3 + 2]) lo[c3 + 2] = k;
        if (k > hi[c3 + 2]) hi[c3 + 2] = k;
      }
    }
  return sizes.map((size, c) => {
    const id = c + 1;
    const c3 = 3 * id;
    const meanX = w.x0 + (sum[c3] * w.xi + sum[c3 + 1] * w.xj + sum[c3 + 2] * w.xk) / size;
    // Slice order is monotonic in k, so the cranial extent is at one end of the k range.
    const ranks = [cranialRank[lo[c3 + 2]], cranialRank[hi[c3 + 2]]];
    return {
      id,
      size,
      meanX,
      top: Math.min(...ranks),
      bottom: Math.max(...ranks),
      lowSide: low[id],
      lo: [lo[c3], lo[c3 + 1], lo[c3 + 2]],
      hi: [hi[c3], hi[c3 + 1], hi[c3 + 2]],
    };
  });
}

/**
 * Splits one component that holds both lungs (touching at the anterior or posterior junction):
 * erodes until it falls apart into two large parts, then gives every voxel to the nearer part.
 * Returns labels (1 = lower patient x side, 2 = the other) or null when it never separates.
 */
function splitJoined(w: Work, comp: Uint16Array, c: ComponentInfo, midX: number): { split: Uint8Array; lo: [number, number, number]; dims: Dims } | null {
  // On the component's bounding box only.
  const [nx, ny] = w.dims;
  const { lo, hi, id } = c;
  const bx = hi[0] - lo[0] + 1;
  const by = hi[1] - lo[1] + 1;
  const bz = hi[2] - lo[2] + 1;
  const box = new Uint8Array(bx * by * bz);
  for (let k = 0; k < bz; k++)
    for (let j = 0; j < by; j++) {
      const src = lo[0] + nx * (lo[1] + j + ny * (lo[2] + k));
      const dst = bx * (j + by * k);
      for (let i = 0; i < bx; i++) if (comp[src + i] === id) box[dst + i] = 1;
    }
  // The erosions run on a grid halved again in every direction (a coarse voxel is lung when any of
  // its 8 is, so a junction does not vanish): a step removes ~2.4 mm and the work is an eighth.
  const cx = Math.ceil(bx / 2);
  const cy = Math.ceil(by / 2);
  const cz = Math.ceil(bz / 2);
  const coarse = new Uint8Array(cx * cy * cz);
  for (let k = 0; k < bz; k++)
    for (let j = 0; j < by; j++) {
      const row = bx * (j + by * k);
      const crow = cx * ((j >> 1) + cy * (k >> 1));
      for (let i = 0; i < bx; i++) if (box[row + i]) coarse[crow + (i >> 1)] = 1;
    }
  const x0 = w.x0 + lo[0] * w.xi + lo[1] * w.xj + lo[2] * w.xk;
  const coarseWork: Work = { ...w, dims: [cx, cy, cz], x0: x0 + (w.xi + w.xj + w.xk) / 2, xi: 2 * w.xi, xj: 2 * w.xj, xk: 2 * w.xk };
  const cores = splitBox(coarseWork, coarse, midX);
  if (!cores) return null;
  // Each lung's core back on the box, then every voxel of the box given to the nearer core.
  const split = new Uint8Array(box.length);
  for (let k = 0; k < bz; k++)
    for (let j = 0; j < by; j++) {
      const row = bx * (j + by * k);
      const crow = cx * ((j >> 1) + cy * (k >> 1));
      for (let i = 0; i < bx; i++) if (box[row + i]) split[row + i] = cores[crow + (i >> 1)];
    }
  growSeeds(box, [bx, by, bz], split);
  return { split, lo, dims: [bx, by, bz] };
}

/** The eroded cores of the two lungs in `mask` (1 = lower patient x, 2 = higher), or null. */
function splitBox(w: Work, mask: Uint8Array, midX: number): Uint8Array | null {
  const n = mask.length;
  const [nx, ny] = w.dims;
  const nxy = nx * ny;
  let a = new Uint8Array(mask);
  let b = new Uint8Array(n);
  for (let step = 0; step < MAX_SPLIT_EROSIONS; step++) {
    const left = erode6(a, w.dims, b);
    [a, b] = [b, a];
    if (left === 0) return null;
    const { labels, sizes } = labelComponents(a, w.dims, 6);
    const order = sizes.map((s, c) => [s, c + 1]).sort((x, y) => y[0] - x[0]);
    if (order.length < 2 || order[1][0] < 0.15 * (order[0][0] + order[1][0])) continue;
    // The two parts must lie on both sides of the midline, else it is a lobe tip that came off.
    const sums = [0, 0];
    for (let p = 0; p < n; p++) {
      const id = labels[p];
      if (id !== order[0][1] && id !== order[1][1]) continue;
      const k = (p / nxy) | 0;
      const r = p - k * nxy;
      const j = (r / nx) | 0;
      sums[id === order[0][1] ? 0 : 1] += w.x0 + (r - j * nx) * w.xi + j * w.xj + k * w.xk;
    }
    const x0 = sums[0] / order[0][0];
    const x1 = sums[1] / order[1][0];
    if ((x0 - midX) * (x1 - midX) >= 0) continue;
    const lowId = x0 < x1 ? order[0][1] : order[1][1];
    const highId = x0 < x1 ? order[1][1] : order[0][1];
    const seeds = new Uint8Array(n);
    for (let p = 0; p < n; p++) if (labels[p] === lowId) seeds[p] = 1;
    else if (labels[p] === highId) seeds[p] = 2;
    return seeds;
  }
  return null;
}

/**
 * Per slice and lung: fills the lung to its convex outline where that outline lies against the
 * chest wall or encloses a small hole, so that vessels, nodules and dense consolidation
 * (pleural-based included, which has the HU of the chest wall) stay inside, but not the
 * mediastinum, the heart, the hila or the diaphragm dome (which the lung can ring on a basal
 * slice). A pixel within the outline that is not lung is added when it lies
 * - lateral to the lung's extent on its row, within LATERAL_MAX_MM of it (consolidation against the
 *   lateral chest wall);
 * - not medial to it, and behind the lung's extent on its column (dependent consolidation);
 * - between lung pixels on its row and on its column, with lung within HOLE_MAX_MM along
 *   both (vessels, nodules, small consolidations; a wider gap is the mediastinum, a hilum or the dome),
 *   and enclosed or deeper than HILUM_MM from the mediastinum (keepEnclosedHoles);
 * - on the chest-wall side, beyond the hull up to the outline continued across a bite
 *   (fillCostalDips), or to the outline of the slices above and below (see below).
 */
function fillToOutline(w: Work, labels: Uint8Array, body: Uint8Array, value: number, medialStep: number, posteriorStep: number): void {
  const [nx, ny, nz] = w.dims;
  const nxy = nx * ny;
  const rowMin = new Int32Array(ny);
  const rowMax = new Int32Array(ny);
  const colMin = new Int32Array(nx);
  const colMax = new Int32Array(nx);
  // Nearest lung pixel above (smaller j) and below on the column, per pixel of the slice.
  const above = new Int32Array(nxy);
  const below = new Int32Array(nxy);
  const rightOf = new Int32Array(nx);
  const holeI = HOLE_MAX_MM / w.spacing[0];
  const holeJ = HOLE_MAX_MM / w.spacing[1];
  const lateralI = LATERAL_MAX_MM / w.spacing[0];
  const hullX: number[] = [];
  const hullY: number[] = [];
  const pts: number[][] = [];
  const add = new Uint8Array(nxy);
  // Every slice's row extents before anything is added, for the fill across slices below.
  const allMin = new Int32Array(nz * ny).fill(nx);
  const allMax = new Int32Array(nz * ny).fill(-1);
  for (let k = 0, p = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, p++) {
        if (labels[p] !== value) continue;
        const r = k * ny + j;
        if (i < allMin[r]) allMin[r] = i;
        if (i > allMax[r]) allMax[r] = i;
      }
  const window = Math.max(1, Math.round(ACROSS_SLICES_MM / w.spacing[2]));
  const polar = new PolarOutline();
  const hullLo = new Int32Array(ny);
  const hullHi = new Int32Array(ny);
  const flood = { seen: new Uint8Array(nxy), stack: new IndexStack(), region: new IndexStack(), queue: new IndexStack(), dist: new Int32Array(nxy).fill(-1) };
  const hilumSteps = Math.max(1, Math.round(HILUM_MM / Math.min(w.spacing[0], w.spacing[1])));
  for (let k = 0; k < nz; k++) {
    const base = k * nxy;
    rowMin.fill(nx);
    rowMax.fill(-1);
    colMin.fill(ny);
    colMax.fill(-1);
    let iLo = nx;
    let iHi = -1;
    let sumI = 0;
    let sumJ = 0;
    let count = 0;
    for (let j = 0; j < ny; j++) {
      const row = base + nx * j;
      for (let i = 0; i < nx; i++) {
        if (labels[row + i] !== value) continue;
        sumI += i;
        sumJ += j;
        count++;
        if (i < rowMin[j]) rowMin[j] = i;
        if (i > rowMax[j]) rowMax[j] = i;
        if (j < colMin[i]) colMin[i] = j;
        if (j > colMax[i]) colMax[i] = j;
      }
      if (rowMax[j] >= 0) {
        iLo = Math.min(iLo, rowMin[j]);
        iHi = Math.max(iHi, rowMax[j]);
      }
    }
    if (iHi < 0) continue;
    // Convex hull (monotone chain) of the row ends' pixel centres: a digitally convex outline adds nothing.
    pts.length = 0;
    let jLo = ny;
    let jHi = -1;
    for (let j = 0; j < ny; j++) {
      if (rowMax[j] < 0) continue;
      pts.push([rowMin[j], j], [rowMax[j], j]);
      jLo = Math.min(jLo, j);
      jHi = j;
    }
    convexHull(pts, hullX, hullY);
    const m = hullX.length;
    if (m < 3) continue;
    for (let i = iLo; i <= iHi; i++) {
      let last = -1;
      for (let j = jLo; j <= jHi; j++) {
        if (labels[base + nx * j + i] === value) last = j;
        above[nx * j + i] = last;
      }
      last = ny;
      for (let j = jHi; j >= jLo; j--) {
        if (labels[base + nx * j + i] === value) last = j;
        below[nx * j + i] = last;
      }
    }
    for (let j = jLo; j <= jHi; j++) {
      // The hull's x-interval on this row (pixel centre y = j).
      let lo = Infinity;
      let hi = -Infinity;
      for (let v = 0; v < m; v++) {
        const x1 = hullX[v];
        const y1 = hullY[v];
        const x2 = hullX[(v + 1) % m];
        const y2 = hullY[(v + 1) % m];
        if ((y1 <= j && y2 >= j) || (y2 <= j && y1 >= j)) {
          if (y1 === y2) {
            lo = Math.min(lo, x1, x2);
            hi = Math.max(hi, x1, x2);
          } else {
            const x = x1 + ((j - y1) * (x2 - x1)) / (y2 - y1);
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
          }
        }
      }
      const i0 = Math.max(0, Math.ceil(lo - 1e-6));
      const i1 = Math.min(nx - 1, Math.floor(hi + 1e-6));
      hullLo[j] = i0;
      hullHi[j] = i1;
      const row = base + nx * j;
      const hasRow = rowMax[j] >= 0;
      // Next lung pixel to the right of each pixel of the interval, for the hole widths.
      let nextLung = nx;
      for (let i = i1; i >= i0; i--) {
        if (labels[row + i] === value) nextLung = i;
        rightOf[i] = nextLung;
      }
      let left = -1;
      for (let i = i0; i <= i1; i++) {
        const p = row + i;
        if (labels[p] === value) {
          left = i;
          continue;
        }
        if (labels[p] !== LUNG.none || !body[p]) continue;
        const lateral = hasRow && (medialStep > 0 ? i < rowMin[j] && rowMin[j] - i <= lateralI : i > rowMax[j] && i - rowMax[j] <= lateralI);
        const medial = hasRow && !lateral && (i < rowMin[j] || i > rowMax[j]);
        let ok = lateral;
        if (!ok && !medial && colMax[i] >= 0) ok = posteriorStep > 0 ? j > colMax[i] : j < colMin[i];
        let hole = false;
        if (!ok && hasRow && !medial && colMax[i] >= 0 && j > colMin[i] && j < colMax[i]) {
          const q = nx * j + i;
          ok = hole = rightOf[i] - left - 1 <= holeI && below[q] - above[q] - 1 <= holeJ;
        }
        if (ok) add[nx * j + i] = hole ? HOLE : 1;
      }
    }
    // Across slices: a pleural-based consolidation bites into the outline of its own slices only.
    // A convex lung's lateral extent on a row, as a function of z, is never below the line between
    // two slices around it (one d above, one d below), so the lung is filled out to the farthest
    // such line within ACROSS_SLICES_MM. The dome and the heart have no lung below them and the
    // hila are medial, so neither is filled.
    for (let j = jLo; j <= jHi; j++) {
      if (rowMax[j] < 0) continue;
      let reach = medialStep > 0 ? rowMin[j] : rowMax[j];
      for (let d = 1; d <= window && k - d >= 0 && k + d < nz; d++) {
        const a = (k - d) * ny + j;
        const b = (k + d) * ny + j;
        if (allMax[a] < 0 || allMax[b] < 0) break;
        const line = medialStep > 0 ? Math.ceil((allMin[a] + allMin[b]) / 2) : Math.floor((allMax[a] + allMax[b]) / 2);
        reach = medialStep > 0 ? Math.min(reach, line) : Math.max(reach, line);
      }
      const from = medialStep > 0 ? Math.max(reach, rowMin[j] - Math.floor(lateralI)) : rowMax[j] + 1;
      const to = medialStep > 0 ? rowMin[j] - 1 : Math.min(reach, rowMax[j] + Math.floor(lateralI));
      const row = base + nx * j;
      for (let i = from; i <= to; i++) if (labels[row + i] === LUNG.none && body[row + i]) add[nx * j + i] = 1;
    }
    keepEnclosedHoles(labels, base, value, add, hullLo, hullHi, jLo, jHi, nx, hilumSteps, flood);
    fillCostalDips(w, labels, body, value, medialStep, k, sumI / count, sumJ / count, rowMin, rowMax, colMin, colMax, hullX, hullY, polar, add);
    // On a basal slice the lung is a thin crescent round the dome and its outline holds the liver
    // or the spleen: more to add than there is lung means the outline is not the lung's.
    let added = 0;
    let lung = 0;
    for (let j = jLo; j <= jHi; j++)
      for (let i = 0; i < nx; i++) {
        const q = nx * j + i;
        added += add[q];
        if (labels[base + q] === value) lung++;
      }
    const keep = added <= MAX_ADDED_PER_LUNG * lung;
    for (let j = jLo; j <= jHi; j++)
      for (let i = 0; i < nx; i++) {
        const q = nx * j + i;
        if (add[q]) {
          if (keep) labels[base + q] = value;
          add[q] = 0;
        }
      }
  }
}

/**
 * How deep (path length, mm) into a gap open to the mediastinum the hilum is left out of the lung:
 * the hilar vessels and main bronchi run 1–2 cm from the mediastinum before they divide inside the
 * lung. 10 mm.
 */
const HILUM_MM = 10;
/** Marks, in fillToOutline's `add`, a pixel added as a hole between lung pixels (see keepEnclosedHoles). */
const HOLE = 2;

/**
 * The hole rule of fillToOutline fills gaps between lung pixels on a row and a column: a vessel or
 * a nodule inside the lung, but also the part of a hilar vessel or bronchus that lies between two
 * lobes' lung where it enters from the mediastinum, which left straight-edged pieces of the hilum
 * and one-pixel slits in the mask. A gap is kept only when it is enclosed: the non-lung pixels
 * connected to it (4-connected, on the slice) stay within the lung's convex hull. Anything joined to
 * the mediastinum reaches beyond the hull, since the mediastinum lies between the two lungs; of
 * such a gap only the part farther than HILUM_MM from the mediastinum is kept.
 * Pixels that the other rules add (the chest-wall side) count as lung here.
 */
function keepEnclosedHoles(
  labels: Uint8Array,
  base: number,
  value: number,
  add: Uint8Array,
  hullLo: Int32Array,
  hullHi: Int32Array,
  jLo: number,
  jHi: number,
  nx: number,
  hilumSteps: number,
  flood: { seen: Uint8Array; stack: IndexStack; region: IndexStack; queue: IndexStack; dist: Int32Array },
): void {
  const { seen, stack, region, queue, dist } = flood;
  region.size = 0;
  const start = nx * jLo;
  const end = nx * (jHi + 1);
  for (let q0 = start; q0 < end; q0++) {
    if (add[q0] !== HOLE || seen[q0]) continue;
    const first = region.size;
    let open = false;
    seen[q0] = 1;
    stack.push(q0);
    while (stack.size > 0) {
      const q = stack.pop();
      region.push(q);
      const j = (q / nx) | 0;
      const i = q - j * nx;
      if (j <= jLo || j >= jHi || i <= hullLo[j] || i >= hullHi[j]) {
        open = true;
        continue;
      }
      for (let o = 0; o < 4; o++) {
        const r = o === 0 ? q - 1 : o === 1 ? q + 1 : o === 2 ? q - nx : q + nx;
        if (seen[r] || labels[base + r] === value || add[r] === 1) continue;
        seen[r] = 1;
        stack.push(r);
      }
    }
    if (!open) continue;
    // Open to the mediastinum: the gap's pixels within HILUM_MM (path length through the gap) of
    // tissue that is no gap (the mediastinum, the hilum's root) are left out; deeper in, a lobar
    // vessel or bronchus is inside the lung.
    let front = first;
    for (let t = first; t < region.size; t++) {
      const q = region.data[t];
      if (add[q] !== HOLE) {
        dist[q] = 0;
        queue.push(q);
      }
    }
    for (; front < queue.size; front++) {
      const q = queue.data[front];
      const d = dist[q] + 1;
      if (d > hilumSteps) continue;
      for (let o = 0; o < 4; o++) {
        const r = o === 0 ? q - 1 : o === 1 ? q + 1 : o === 2 ? q - nx : q + nx;
        if (!seen[r] || dist[r] >= 0) continue;
        dist[r] = d;
        queue.push(r);
      }
    }
    for (let t = 0; t < queue.size; t++) {
      const q = queue.data[t];
      if (add[q] === HOLE) add[q] = 0;
      dist[q] = -1;
    }
    queue.size = 0;
  }
  for (let t = 0; t < region.size; t++) seen[region.data[t]] = 0;
  region.size = 0;
}

/** Per-slice buffers of fillCostalDips: the outline's and the hull's radius per angular bin, mm. */
class PolarOutline {
  rLung = new Float64Array(POLAR_BINS);
  rHull = new Float64Array(POLAR_BINS);
  rFill = new Float64Array(POLAR_BINS);
  dip = new Uint8Array(POLAR_BINS);
  costal = new Uint8Array(POLAR_BINS);
  run = new Int32Array(POLAR_BINS);
  inside: number[] = [];
  added: number[] = [];
}

function binOf(du: number, dv: number): number {
  const b = Math.floor(((Math.atan2(dv, du) + Math.PI) / (2 * Math.PI)) * POLAR_BINS);
  return b >= POLAR_BINS ? 0 : b;
}

/** Bins never hit (value < 0) get the linear interpolation of the nearest hit bins either side, round the circle. */
function fillGaps(r: Float64Array): boolean {
  const nb = r.length;
  let first = -1;
  for (let b = 0; b < nb; b++) if (r[b] >= 0) { first = b; break; }
  if (first < 0) return false;
  let prev = first;
  for (let s = 1; s <= nb; s++) {
    const b = (first + s) % nb;
    if (r[b] < 0) continue;
    const gap = (b - prev + nb) % nb || nb;
    for (let g = 1; g < gap; g++) r[(prev + g) % nb] = r[prev] + ((r[b] - r[prev]) * g) / gap;
    prev = b;
  }
  return true;
}

/**
 * Bridges the bite that a pleural-based consolidation (chest-wall HU) makes in a slice's lung
 * outline on the chest-wall side. The convex hull bridges it with a chord, but the rib cage, and the
 * lung's outline before the lesion, curves outward beyond the chord: for a hemispherical
 * consolidation against the wall about a fifth of it lies between chord and wall. Seen from the
 * lung's centroid, the outline's radius r(θ) is smooth on the costal side (the rib cage is convex
 * and the pleura has no bites of its own), so across a bite r(θ) is continued by a cubic Hermite
 * curve through the bite's ends with the outline's slopes just outside them: it follows the
 * curvature of the wall instead of cutting it. Only the part beyond the hull is added here, and
 * only where the rules of fillToOutline have already filled most of the bite within the hull, so
 * their guards (nothing medial: mediastinum, hila; not the dome) hold for this fill too; and never
 * on the mediastinal side (MEDIAL_COS).
 */
function fillCostalDips(
  w: Work,
  labels: Uint8Array,
  body: Uint8Array,
  value: number,
  medialStep: number,
  k: number,
  ci: number,
  cj: number,
  rowMin: Int32Array,
  rowMax: Int32Array,
  colMin: Int32Array,
  colMax: Int32Array,
  hullX: number[],
  hullY: number[],
  polar: PolarOutline,
  add: Uint8Array,
): void {
  const [nx, ny] = w.dims;
  const base = k * nx * ny;
  const [sx, sy] = w.spacing;
  // A crescent round the dome has its centroid outside the lung: no centre to see the outline from.
  const pi = Math.round(ci);
  const pj = Math.round(cj);
  if (labels[base + pi + nx * pj] !== value) return;
  const { rLung, rHull, rFill, dip, costal, run } = polar;
  rLung.fill(-1);
  rHull.fill(-1);
  const see = (r: Float64Array, i: number, j: number) => {
    const du = (i - ci) * sx;
    const dv = (j - cj) * sy;
    const b = binOf(du, dv);
    const d = Math.sqrt(du * du + dv * dv);
    if (d > r[b]) r[b] = d;
  };
  // The outer outline: every pixel of it is the first or last lung pixel of its row or column.
  for (let j = 0; j < ny; j++) if (rowMax[j] >= 0) { see(rLung, rowMin[j], j); see(rLung, rowMax[j], j); }
  for (let i = 0; i < nx; i++) if (colMax[i] >= 0) { see(rLung, i, colMin[i]); see(rLung, i, colMax[i]); }
  const m = hullX.length;
  for (let v = 0; v < m; v++) {
    const x1 = hullX[v];
    const y1 = hullY[v];
    const x2 = hullX[(v + 1) % m];
    const y2 = hullY[(v + 1) % m];
    const steps = Math.ceil(2 * Math.hypot(x2 - x1, y2 - y1)) + 1;
    for (let s = 0; s <= steps; s++) see(rHull, x1 + ((x2 - x1) * s) / steps, y1 + ((y2 - y1) * s) / steps);
  }
  if (!fillGaps(rLung) || !fillGaps(rHull)) return;
  const minDip = Math.max(DIP_MIN_MM, DIP_MIN_PIXELS * Math.max(sx, sy));
  const touch = 0.3 * Math.max(sx, sy);
  let anyDip = false;
  for (let b = 0; b < POLAR_BINS; b++) {
    const theta = ((b + 0.5) / POLAR_BINS) * 2 * Math.PI - Math.PI;
    costal[b] = medialStep * Math.cos(theta) <= MEDIAL_COS ? 1 : 0;
    dip[b] = costal[b] && rHull[b] - rLung[b] > minDip ? 1 : 0;
    if (dip[b]) anyDip = true;
    rFill[b] = -1;
    run[b] = -1;
  }
  if (!anyDip) return;
  let start = -1;
  for (let b = 0; b < POLAR_BINS; b++) if (!dip[b]) { start = b; break; }
  if (start < 0) return;
  const maxBins = (DIP_MAX_DEG / 360) * POLAR_BINS;
  const wrap = (b: number) => ((b % POLAR_BINS) + POLAR_BINS) % POLAR_BINS;
  const slope = (from: number, dir: number) => {
    for (let d = SLOPE_BINS; d >= 1; d--) {
      const q = wrap(from + dir * d);
      if (!dip[q] && costal[q]) return (dir * (rLung[q] - rLung[from])) / d;
    }
    return 0;
  };
  let runs = 0;
  for (let s = 1; s < POLAR_BINS; s++) {
    const b1 = wrap(start + s);
    if (!dip[b1] || dip[wrap(b1 - 1)]) continue;
    let len = 0;
    while (dip[wrap(b1 + len)]) len++;
    // The bite's ends: where the outline meets its hull again, not where the dip gets shallow.
    let a = wrap(b1 - 1);
    let c = wrap(b1 + len);
    while (len <= maxBins && costal[a] && rHull[a] - rLung[a] > touch) { a = wrap(a - 1); len++; }
    while (len <= maxBins && costal[c] && rHull[c] - rLung[c] > touch) { c = wrap(c + 1); len++; }
    if (len > maxBins || !costal[a] || !costal[c]) continue;
    // Slopes of r(θ) per bin just outside the bite, one-sided from the intact outline.
    const ma = slope(a, -1);
    const mc = slope(c, 1);
    const span = len + 1;
    // The bulge beyond the chord is at most a third of the chord (a circular arc of up to ~140°).
    const ta = ((a + 0.5) / POLAR_BINS) * 2 * Math.PI;
    const tc = ((c + 0.5) / POLAR_BINS) * 2 * Math.PI;
    const chord = Math.hypot(rLung[a] * Math.cos(ta) - rLung[c] * Math.cos(tc), rLung[a] * Math.sin(ta) - rLung[c] * Math.sin(tc));
    for (let q = 1; q <= len; q++) {
      const t = q / span;
      const t2 = t * t;
      const t3 = t2 * t;
      const r = (2 * t3 - 3 * t2 + 1) * rLung[a] + (t3 - 2 * t2 + t) * span * ma + (-2 * t3 + 3 * t2) * rLung[c] + (t3 - t2) * span * mc;
      const b = wrap(a + q);
      rFill[b] = Math.min(r, rHull[b] + chord / 3, rLung[b] + LATERAL_MAX_MM);
      run[b] = runs;
    }
    runs++;
  }
  if (runs === 0) return;
  // Pass 1: how much of each bite within the hull the other rules filled; pass 2: the caps.
  const inside = polar.inside;
  const added = polar.added;
  inside.length = 0;
  added.length = 0;
  for (let r = 0; r < runs; r++) {
    inside.push(0);
    added.push(0);
  }
  // The outline is made of the outermost lung pixels' centres; the surface through them lies half a
  // pixel beyond, on average, which is where a pixel of the bite's rim counts as inside.
  const halfPixel = 0.5 * Math.max(sx, sy);
  // The box of the bites' sectors (between the outline and its continuation), in pixels.
  let bx0 = Infinity;
  let bx1 = -Infinity;
  let by0 = Infinity;
  let by1 = -Infinity;
  let reach = 0;
  for (let b = 0; b < POLAR_BINS; b++) {
    if (run[b] < 0) continue;
    if (rFill[b] > reach) reach = rFill[b];
    for (let e = 0; e <= 1; e++) {
      const theta = ((b + e) / POLAR_BINS) * 2 * Math.PI - Math.PI;
      const c = Math.cos(theta);
      const sn = Math.sin(theta);
      for (const r of [rLung[b] - halfPixel, rFill[b] + halfPixel]) {
        const x = ci + (r * c) / sx;
        const y = cj + (r * sn) / sy;
        bx0 = Math.min(bx0, x);
        bx1 = Math.max(bx1, x);
        by0 = Math.min(by0, y);
        by1 = Math.max(by1, y);
      }
    }
  }
  const i0 = Math.max(0, Math.floor(bx0) - 1);
  const i1 = Math.min(nx - 1, Math.ceil(bx1) + 1);
  const j0 = Math.max(0, Math.floor(by0) - 1);
  const j1 = Math.min(ny - 1, Math.ceil(by1) + 1);
  reach += halfPixel;
  const reach2 = reach * reach;
  for (let pass = 0; pass < 2; pass++)
    for (let j = j0; j <= j1; j++) {
      const dv = (j - cj) * sy;
      const row = base + nx * j;
      for (let i = i0; i <= i1; i++) {
        if (labels[row + i] !== LUNG.none || !body[row + i]) continue;
        const du = (i - ci) * sx;
        const d2 = du * du + dv * dv;
        if (d2 > reach2) continue;
        const b = binOf(du, dv);
        const r = run[b];
        if (r < 0) continue;
        const d = Math.sqrt(d2);
        const q = nx * j + i;
        if (pass === 0) {
          if (d <= rHull[b] && d > rLung[b]) {
            inside[r]++;
            if (add[q]) added[r]++;
          }
        } else if (d > rLung[b] && d <= rFill[b] + halfPixel && 2 * added[r] >= inside[r]) add[q] = 1;
      }
    }
}

function convexHull(pts: number[][], outX: number[], outY: number[]): void {
  pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: number[], a: number[], b: number[]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: number[][] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: number[][] = [];
  for (let t = pts.length - 1; t >= 0; t--) {
    const p = pts[t];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  outX.length = 0;
  outY.length = 0;
  for (const p of [...lower, ...upper]) {
    outX.push(p[0]);
    outY.push(p[1]);
  }
}

/**
 * Right and left lung masks of a chest CT (LUNG values on the CT's grid). In-plane grids over
 * 300×300 are worked on at half resolution in-plane (2×2 mean) and the labels copied back to
 * the full grid: this meets the 3 s budget for 512×512×300 and keeps the outline within ~1 mm.
 */
export function segmentLungs(ct: CtVolume, onProgress?: Progress): LungMask {
  const timingsMs: Record<string, number> = {};
  let t = performance.now();
  const lap = (stage: string, fraction: number) => {
    const now = performance.now();
    timingsMs[stage] = Math.round(now - t);
    t = now;
    onProgress?.(fraction, stage);
  };
  const w = workGrid(ct);
  const [nx, ny, nz] = w.dims;
  const nxy = nx * ny;
  const n = nxy * nz;
  lap('resample', 0.05);

  const air = new Uint8Array(n);
  for (let p = 0; p < n; p++) air[p] = w.hu[p] < AIR_HU ? 1 : 0;
  const body = bodyMask(air, w.dims);
  const candidate = air;
  for (let p = 0; p < n; p++) candidate[p] = air[p] & body[p];
  lap('body', 0.3);

  // Grid slices in cranial order: LPS +z is the head.
  const cranialFirst = Array.from({ length: nz }, (_, k) => k);
  if (cranialStep(ct.direction) >= 0) cranialFirst.reverse();
  const cranialRank = new Int32Array(nz);
  cranialFirst.forEach((k, r) => (cranialRank[k] = r));

  const trachea = findTrachea(w, candidate, body, cranialFirst);
  if (trachea) {
    const margin = Math.max(1, Math.round(AIRWAY_MARGIN_MM / Math.min(...w.spacing)));
    removeAirway(w, candidate, growAirways(w, candidate, trachea), margin);
  }
  lap('airways', 0.45);

  // The body's midline, the side test of the lungs.
  let si = 0;
  let sj = 0;
  let sk = 0;
  let nBody = 0;
  for (let k = 0, p = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, p++)
        if (body[p] !== 0) {
          si += i;
          sj += j;
          sk += k;
          nBody++;
        }
  const midX = nBody > 0 ? w.x0 + (si * w.xi + sj * w.xj + sk * w.xk) / nBody : 0;
  const { labels: comp, sizes } = labelComponents(candidate, w.dims, 6);
  const info = describeComponents(w, comp, sizes, cranialRank, midX);
  const labels = new Uint8Array(n);
  const bySize = [...info].sort((a, b) => b.size - a.size);
  if (bySize.length > 0) {
    const first = bySize[0];
    const firstId = first.id;
    const joined = Math.min(first.lowSide, first.size - first.lowSide) >= JOINED_SIDE_FRACTION * first.size;
    const parts = joined ? splitJoined(w, comp, first, midX) : null;
    // Lower patient x is the patient's right (LPS: +x points to the patient's left).
    if (parts) {
      const { split, lo, dims } = parts;
      const [bx, by, bz] = dims;
      for (let k = 0; k < bz; k++)
        for (let j = 0; j < by; j++) {
          const src = bx * (j + by * k);
          const dst = lo[0] + nx * (lo[1] + j + ny * (lo[2] + k));
          for (let i = 0; i < bx; i++) {
            const v = split[src + i];
            if (v !== 0) labels[dst + i] = v === 1 ? LUNG.right : LUNG.left;
          }
        }
    } else {
      const height = first.bottom - first.top + 1;
      const second = bySize.find(
        (c) =>
          c !== first &&
          c.size >= SECOND_LUNG_MIN_FRACTION * first.size &&
          (c.meanX - midX) * (first.meanX - midX) < 0 &&
          Math.abs(c.top - first.top) <= APEX_TOLERANCE * height,
      );
      const firstValue = first.meanX < midX ? LUNG.right : LUNG.left;
      const otherValue = firstValue === LUNG.right ? LUNG.left : LUNG.right;
      const secondId = second ? second.id : -1;
      for (let p = 0; p < n; p++) {
        const c = comp[p];
        if (c === firstId) labels[p] = firstValue;
        else if (c === secondId) labels[p] = otherValue;
      }
    }
  }
  lap('lungs', 0.7);

  // Medial is towards +x for the right lung (LPS), posterior is +y: their directions in i and j.
  const d = ct.direction;
  const iTowardsLeft = d[0] >= 0 ? 1 : -1;
  const jTowardsPosterior = d[4] >= 0 ? 1 : -1;
  fillToOutline(w, labels, body, LUNG.right, iTowardsLeft, jTowardsPosterior);
  fillToOutline(w, labels, body, LUNG.left, -iTowardsLeft, jTowardsPosterior);
  lap('fill', 0.9);

  const out = upsample(labels, w, ct);
  const [right, left] = countLabels(labels, w, ct);
  const ml = voxelMl(ct.spacing);
  lap('output', 1);
  let total = 0;
  for (const v of Object.values(timingsMs)) total += v;
  timingsMs.total = total;
  return { labels: out, rightMl: right * ml, leftMl: left * ml, timingsMs };
}

function upsample(labels: Uint8Array, w: Work, ct: CtVolume): Uint8Array {
  if (w.factor === 1 && w.factorZ === 1) return labels;
  const [nx, ny, nz] = ct.dims;
  const [wx, wy] = w.dims;
  const f = w.factor;
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) {
    const kk = Math.floor(k / w.factorZ);
    for (let jj = 0; jj < wy; jj++) {
      const src = wx * (jj + wy * kk);
      let empty = true;
      for (let ii = 0; ii < wx; ii++) if (labels[src + ii] !== 0) empty = false;
      if (empty) continue;
      const dst = nx * (f * jj + ny * k);
      if (f === 1) out.set(labels.subarray(src, src + wx), dst);
      else {
        for (let i = 0; i < nx; i++) out[dst + i] = labels[src + (i >> 1)];
        if (2 * jj + 1 < ny) out.copyWithin(dst + nx, dst, dst + nx);
      }
    }
  }
  return out;
}

/** Right and left voxel counts on the CT grid, from the work grid (each work voxel is up to f×f×fz CT voxels). */
function countLabels(labels: Uint8Array, w: Work, ct: CtVolume): [number, number] {
  const [nx, ny, nz0] = ct.dims;
  const [wx, wy, nz] = w.dims;
  const f = w.factor;
  const counts = [0, 0, 0];
  for (let kk = 0, p = 0; kk < nz; kk++) {
    const wk = Math.min(w.factorZ, nz0 - w.factorZ * kk);
    for (let jj = 0; jj < wy; jj++) {
      const wj = wk * Math.min(f, ny - f * jj);
      for (let ii = 0; ii < wx; ii++, p++) {
        const v = labels[p];
        if (v !== 0) counts[v] += wj * Math.min(f, nx - f * ii);
      }
    }
  }
  return [counts[LUNG.right], counts[LUNG.left]];
}
