// Brute-force reference implementations of the agreement definitions, straight from the text
// (every voxel, every pair), for the tests to compare the fast modules with on small grids.
import { componentsOf } from '../contouring/connectedComponents.ts';

export type Dims3 = readonly [number, number, number];

/** mulberry32: seeded, so a failing case can be rerun. */
export function seededRandom(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function ijkOf(dims: Dims3, n: number): [number, number, number] {
  const [nx, ny] = dims;
  const i = n % nx;
  const j = Math.floor(n / nx) % ny;
  return [i, j, Math.floor(n / (nx * ny))];
}

/** 1 where `select` holds for the label value. */
export function binary(labels: Uint8Array, segment?: number): Uint8Array {
  return labels.map((v) => (segment === undefined ? (v !== 0 ? 1 : 0) : v === segment ? 1 : 0));
}

/** Voxels with a 6-neighbour outside the mask or outside the grid. */
export function bruteSurface(mask: Uint8Array, dims: Dims3): number[] {
  const [nx, ny, nz] = dims;
  const inside = (i: number, j: number, k: number): boolean => i >= 0 && j >= 0 && k >= 0 && i < nx && j < ny && k < nz && mask[i + nx * (j + ny * k)] !== 0;
  const out: number[] = [];
  for (let n = 0; n < mask.length; n++) {
    if (mask[n] === 0) continue;
    const [i, j, k] = ijkOf(dims, n);
    if (!inside(i - 1, j, k) || !inside(i + 1, j, k) || !inside(i, j - 1, k) || !inside(i, j + 1, k) || !inside(i, j, k - 1) || !inside(i, j, k + 1)) out.push(n);
  }
  return out;
}

/** For each voxel of `from`, the distance (mm) to the nearest voxel of `to`, comparing all pairs. */
export function bruteDirected(from: number[], to: number[], dims: Dims3, spacing: Dims3): number[] {
  const toIjk = to.map((n) => ijkOf(dims, n));
  return from.map((n) => {
    const [i, j, k] = ijkOf(dims, n);
    let best = Infinity;
    for (const [a, b, c] of toIjk) best = Math.min(best, ((i - a) * spacing[0]) ** 2 + ((j - b) * spacing[1]) ** 2 + ((k - c) * spacing[2]) ** 2);
    return Math.sqrt(best);
  });
}

/** numpy.percentile(values, 100 q), default linear method, by sorting. */
export function numpyPercentile(values: number[], q: number): number {
  const v = [...values].sort((a, b) => a - b);
  const p = q * (v.length - 1);
  const lo = Math.floor(p);
  const hi = Math.ceil(p);
  return v[lo] + (p - lo) * (v[hi] - v[lo]);
}

export interface ReferenceFigures {
  dice: number;
  jaccard: number;
  voxels_a: number;
  voxels_b: number;
  voxels_overlap: number;
  volume_a_ml: number;
  volume_b_ml: number;
  volume_diff_ml: number;
  volume_diff_pct: number | null;
  hd_mm: number | null;
  hd95_mm: number | null;
  msd_mm: number | null;
  surface_voxels_a: number;
  surface_voxels_b: number;
  lesions_a: number;
  lesions_b: number;
  matched_a: number;
  matched_b: number;
  missed: number;
  extra: number;
  lesion_f1: number;
}

/** Every figure of two binary masks (1 = inside), from the definitions. */
export function bruteAgreement(a: Uint8Array, b: Uint8Array, dims: Dims3, spacing: Dims3): ReferenceFigures {
  let na = 0;
  let nb = 0;
  let both = 0;
  for (let n = 0; n < a.length; n++) {
    na += a[n];
    nb += b[n];
    both += a[n] & b[n];
  }
  const voxelMl = (spacing[0] * spacing[1] * spacing[2]) / 1000;
  const sa = bruteSurface(a, dims);
  const sb = bruteSurface(b, dims);
  const pooled = sa.length && sb.length ? [...bruteDirected(sa, sb, dims, spacing), ...bruteDirected(sb, sa, dims, spacing)] : [];
  const lesions = (mask: Uint8Array, other: Uint8Array): [number, number] => {
    const { labels, sizes } = componentsOf(mask, dims, 1);
    const hit = new Set<number>();
    for (let n = 0; n < mask.length; n++) if (labels[n] !== 0 && other[n] !== 0) hit.add(labels[n]);
    return [sizes.length, hit.size];
  };
  const [la, ma] = lesions(a, b);
  const [lb, mb] = lesions(b, a);
  return {
    dice: na + nb === 0 ? 1 : (2 * both) / (na + nb),
    jaccard: na + nb - both === 0 ? 1 : both / (na + nb - both),
    voxels_a: na,
    voxels_b: nb,
    voxels_overlap: both,
    volume_a_ml: na * voxelMl,
    volume_b_ml: nb * voxelMl,
    volume_diff_ml: (na - nb) * voxelMl,
    volume_diff_pct: na + nb === 0 ? null : (100 * (na - nb)) / ((na + nb) / 2),
    hd_mm: pooled.length ? Math.max(...pooled) : null,
    hd95_mm: pooled.length ? numpyPercentile(pooled, 0.95) : null,
    msd_mm: pooled.length ? pooled.reduce((s, d) => s + d, 0) / pooled.length : null,
    surface_voxels_a: sa.length,
    surface_voxels_b: sb.length,
    lesions_a: la,
    lesions_b: lb,
    matched_a: ma,
    matched_b: mb,
    missed: la - ma,
    extra: lb - mb,
    lesion_f1: la + lb === 0 ? 1 : (ma + mb) / (la + lb),
  };
}

/** Random blobs: `count` balls of radius up to `maxRadius` voxels, value 1..values. */
export function randomBlobs(dims: Dims3, random: () => number, count: number, maxRadius: number, values = 1): Uint8Array {
  const [nx, ny, nz] = dims;
  const out = new Uint8Array(nx * ny * nz);
  for (let t = 0; t < count; t++) {
    const c = [random() * nx, random() * ny, random() * nz];
    const r = 0.6 + random() * maxRadius;
    const v = 1 + Math.floor(random() * values);
    for (let n = 0; n < out.length; n++) {
      const [i, j, k] = ijkOf(dims, n);
      if ((i - c[0]) ** 2 + (j - c[1]) ** 2 + (k - c[2]) ** 2 <= r * r) out[n] = v;
    }
  }
  return out;
}

/** Each voxel inside with probability p. */
export function randomVoxels(dims: Dims3, random: () => number, p: number): Uint8Array {
  const out = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (let n = 0; n < out.length; n++) out[n] = random() < p ? 1 : 0;
  return out;
}

/** A box [lo, hi] (inclusive voxel indices) set to `value`. */
export function box(dims: Dims3, lo: Dims3, hi: Dims3, value = 1, into?: Uint8Array): Uint8Array {
  const [nx, ny, nz] = dims;
  const out = into ?? new Uint8Array(nx * ny * nz);
  for (let k = lo[2]; k <= hi[2]; k++) for (let j = lo[1]; j <= hi[1]; j++) for (let i = lo[0]; i <= hi[0]; i++) out[i + nx * (j + ny * k)] = value;
  return out;
}
