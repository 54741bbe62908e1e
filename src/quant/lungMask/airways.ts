// The airways of the lung masks: the trachea found on the cranial slices, the bronchial tree grown
// from it by region growing with a leak test, and both cleared (with a margin) from the lungs'
// candidate voxels, since airway air would otherwise join the two lungs through the carina.
import { voxelMl } from '../ctVolume.ts';
import { IndexStack } from '../morphology.ts';
import type { Work } from './workGrid.ts';

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

/**
 * Clears the airways and AIRWAY_MARGIN_MM around them from `candidate`; leaves it as it is when no
 * trachea is found. `cranialFirst`: the grid slices in cranial order.
 */
export function clearAirways(w: Work, candidate: Uint8Array, body: Uint8Array, cranialFirst: number[]): void {
  const trachea = findTrachea(w, candidate, body, cranialFirst);
  if (!trachea) return;
  const margin = Math.max(1, Math.round(AIRWAY_MARGIN_MM / Math.min(...w.spacing)));
  removeAirway(w, candidate, growAirways(w, candidate, trachea), margin);
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
