// The costal bite of the lung masks' outline fill (outlineFill.ts): a pleural-based consolidation
// has the chest wall's HU, so it bites into a slice's lung outline; the convex hull bridges the bite
// with a chord, this bridges it with the outline's own curvature, in polar bins round the lung's
// centroid.
import { LUNG } from '../ctVolume.ts';
import type { Work } from './workGrid.ts';

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

/** Per-slice buffers of fillCostalDips: the outline's and the hull's radius per angular bin, mm. */
export class PolarOutline {
  rLung = new Float64Array(POLAR_BINS);
  rHull = new Float64Array(POLAR_BINS);
  rFill = new Float64Array(POLAR_BINS);
  dip = new Uint8Array(POLAR_BINS);
  costal = new Uint8Array(POLAR_BINS);
  run = new Int32Array(POLAR_BINS);
  inside: number[] = [];
  added: number[] = [];
}

/** The angular bin of direction (du, dv) from the centroid: POLAR_BINS round the circle from -π. */
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
 * on the mediastinal side (MEDIAL_COS). No deeper than `lateralMaxMm` beyond the outline, the
 * depth of fillToOutline's lateral rule.
 */
export function fillCostalDips(
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
  lateralMaxMm: number,
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
      rFill[b] = Math.min(r, rHull[b] + chord / 3, rLung[b] + lateralMaxMm);
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
