// The last stage of the lung masks: each slice's lung filled to its outline (convex hull, the
// outline of the slices above and below, a costal bite bridged) so that vessels, nodules and
// consolidation against the chest wall stay inside, but not the mediastinum, the hila or the dome.
// The rules that need more than a row or a column are their own modules: enclosedHoles.ts (the
// hilum left out of the holes) and costalDips.ts (the outline's curvature across a bite).
import { LUNG } from '../ctVolume.ts';
import { fillCostalDips, PolarOutline } from './costalDips.ts';
import { floodBuffers, HILUM_MM, HOLE, keepEnclosedHoles } from './enclosedHoles.ts';
import type { Work } from './workGrid.ts';

/** Widest hole (along a row or a column) that a slice's lung is filled across: vessels, nodules. */
const HOLE_MAX_MM = 40;
/** Deepest consolidation against the lateral chest wall that a slice's lung is filled across. */
const LATERAL_MAX_MM = 40;
/** A slice's lung is not filled to its outline when that would add more than this fraction of it. */
const MAX_ADDED_PER_LUNG = 0.5;
/** How far above and below a slice the lung's outline is looked for (a consolidation's radius, say). */
const ACROSS_SLICES_MM = 40;

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
export function fillToOutline(w: Work, labels: Uint8Array, body: Uint8Array, value: number, medialStep: number, posteriorStep: number): void {
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
  const flood = floodBuffers(nxy);
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
    fillCostalDips(w, labels, body, value, medialStep, k, sumI / count, sumJ / count, rowMin, rowMax, colMin, colMax, hullX, hullY, polar, add, LATERAL_MAX_MM);
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

/** Convex hull of `pts` (sorted in place) by monotone chain: its vertices, collinear ones left out, in outX and outY. */
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
