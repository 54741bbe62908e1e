// The right and the left lung of the lung masks: the largest air component and the next large one
// on the other side of the body's midline with its apex near the first's, or the largest split by
// erosion when it holds both lungs (touching at the anterior or posterior junction). Lower patient
// x is the patient's right (LPS).
import { LUNG } from '../ctVolume.ts';
import { type Dims, erode6, growSeeds, labelComponents } from '../morphology.ts';
import type { Work } from './workGrid.ts';

/** A second lung: at least this fraction of the first, its apex near the first's. */
const SECOND_LUNG_MIN_FRACTION = 0.1;
const APEX_TOLERANCE = 0.35;
/** A component is two lungs touching when at least this fraction of it lies on each side of the midline. */
const JOINED_SIDE_FRACTION = 0.2;
const MAX_SPLIT_EROSIONS = 8;

/**
 * LUNG labels on the work grid of the right and left lung among the components of `candidate`
 * (air in the body, airways cleared). `cranialRank[k]`: rank of slice k in cranial order.
 */
export function labelLungs(w: Work, candidate: Uint8Array, body: Uint8Array, cranialRank: Int32Array): Uint8Array {
  const [nx, ny, nz] = w.dims;
  const n = nx * ny * nz;
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
  return labels;
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
