// Lesion suggestion: a first draft of COVID-19 lesion voxels inside the lung masks, for the reader to
// accept whole, per component, or discard. Classic image processing, no model: smooth, threshold
// the ground-glass and consolidation HU bands, take away what a threshold picks up that is not a
// lesion (vessels, bronchial walls, fissures, noise specks, the dependent density band, partial
// volume at the lung surface), then label 3D components. Pure, over typed arrays, so the same code
// runs in the worker and in `npm run quant`.
//
// All the work is done on the box around the lungs (about a third of a chest CT grid), and every
// shape test is a disc in the axial plane plus a run length along the slices: a tube of any
// direction cuts an axial slice in a band or an ellipse whose width is the tube's diameter, so an
// in-plane opening removes vessels and bronchial walls whatever their course, at the cost of two
// row passes per slice instead of a 3D distance transform.
// Longer than most files here (~830 lines), and due a split: the steps (crop and bin, HU classes,
// vessel and airway removal, shape opening, edge zone and dependent band, components, labels) each
// work on the same cropped binned grid; they should move to one module per step with that grid as
// their shared type. Left as one file in this change for lack of time, named in the closing note.
import { componentsOf } from '../contouring/connectedComponents.ts';
import { voxelMl, type CtVolume } from './ctVolume.ts';

export interface SuggestionOptions {
  /**
   * Ground-glass band, HU, inclusive low, exclusive high: [-700, -300).
   * -700: the upper limit of well-aerated lung in COVID-19 CT quantification (Colombi et al.,
   * Radiology 2020: well-aerated lung -950…-700 HU). Normal inspiratory parenchyma is about
   * -850 ± 50 HU, so -700 keeps normal lung out also in its denser dependent parts, with the noise
   * left after binning and the median.
   * -300: the split between ground glass (lung still partly aerated, vessels visible through it)
   * and consolidation (airless, vessels hidden) used by the threshold-based COVID-19 quantification
   * methods; the Gattinoni/Lanza compartments (poorly aerated -500…-100) sit in the same range.
   */
  ggoHu: [number, number];
  /**
   * Consolidation band, HU, inclusive: [-300, 100]. Airless lung is soft tissue, -100…+100 in
   * non-contrast CT; from -300 the partial volume of dense lesions counts too. Above +100 is
   * calcification or contrast-filled vessel, never a lesion to suggest.
   */
  consolidationHu: [number, number];
  /**
   * 3×3 in-plane median (on the working grid, after the binning of workPixelMm) before
   * thresholding. Lung noise on a soft kernel is 20–40 HU, enough to push normal lung over -700 in
   * specks; the median removes them without blurring the lesion edge or spreading vessels the way
   * a mean would.
   */
  median3: boolean;
  /**
   * Dense voxels (consolidation band or brighter) that do not survive an in-plane opening with a
   * disc of this radius, mm, are vessels: segmental and subsegmental pulmonary vessels are up to
   * ~7 mm across and their partial volume widens them by a pixel or two, so tubes narrower than
   * 9 mm go, while COVID-19 consolidation is wider. Lobar and hilar vessels (10–20 mm) survive:
   * the lung mask is meant to leave the hila out. 4.5 mm.
   */
  vesselRadiusMm: number;
  /**
   * Ground glass within this distance, mm, in-plane, of a vessel voxel is the vessel's partial
   * volume rim, not a lesion: one working pixel (two CT pixels of 0.6 mm). 1.2 mm.
   */
  vesselRimMm: number;
  /**
   * Airway lumen: voxels at or below this (smoothed) HU. -950 is the emphysema index threshold
   * (LAA-950): only a small fraction of normal inspiratory lung lies below it, while the lumen of a
   * bronchus wider than ~2 mm does.
   */
  airwayLumenHu: number;
  /**
   * Candidates within this distance, mm, in-plane, of airway lumen are bronchial wall (1–2 mm thick
   * with its partial volume). 1.2 mm. In a consolidation an air bronchogram becomes a small hole.
   */
  airwayRimMm: number;
  /**
   * Final in-plane opening of all candidates with a disc of this radius, mm: what is thinner than
   * 4 mm in every in-plane direction is a fissure, a bronchial wall, a vessel rim or noise, not
   * a COVID-19 opacity (which are centimetres). 2 mm.
   */
  openingRadiusMm: number;
  /**
   * A candidate must lie in a run of at least this craniocaudal length, mm (at least one slice):
   * removes single-slice structures (fissures cut flat, noise, streaks). 4 mm.
   */
  minCraniocaudalMm: number;
  /**
   * Lung-edge zone, mm, from the lung mask boundary (in-plane disc, and the same distance in whole
   * slices through the plane): partial volume with the chest wall, mediastinum and diaphragm dome
   * has lesion HU there. Voxels of the zone are suggested only as part of a lesion found outside it.
   * 2 mm: one to three voxels of the partial-volume layer.
   */
  edgeMm: number;
  /**
   * Dependent density band, mm from the lung boundary in the dependent direction: in a supine
   * patient, gravity-dependent subpleural atelectasis is a band a few mm to ~1 cm thick along the
   * posterior lung edge. Its voxels are suggested only as part of a lesion found outside it. 8 mm.
   */
  dependentBandMm: number;
  /**
   * Which side is dependent: 'posterior' for supine (the usual chest CT), 'anterior' for prone, or
   * 'none'. The patient position is not in CtVolume, so the caller says.
   */
  dependentSide: 'posterior' | 'anterior' | 'none';
  /**
   * Components whose part outside the edge zone and the dependent band is smaller than this, mL,
   * are dropped: 0.5 mL is a ball of 10 mm, the size below which a focus is a nodule, a vessel
   * crossing or a speck rather than the patchy opacity of COVID-19 pneumonia.
   */
  minComponentMl: number;
  /**
   * A component is 'ggo' or 'consolidation' when at least this fraction of its voxels is in that
   * band, otherwise 'mixed'. 0.8. A label for the reader only; the biomarkers measure the fraction.
   */
  kindPurity: number;
  /**
   * Working pixel, mm: in-plane CT pixels are binned f×f, f = round(this / pixel), by mean HU
   * (2×2 for the usual 0.6–0.8 mm pixels) before the work: COVID-19 opacities are centimetres, the
   * binning halves the noise, and it cuts the work by four, which is what keeps 512×512×300 under
   * 3 s. Each CT voxel of the lung then takes its working pixel's label. 1.2 mm.
   */
  workPixelMm: number;
}

export const DEFAULT_SUGGESTION_OPTIONS: Readonly<SuggestionOptions> = {
  ggoHu: [-700, -300],
  consolidationHu: [-300, 100],
  median3: true,
  vesselRadiusMm: 4.5,
  vesselRimMm: 1.2,
  airwayLumenHu: -950,
  airwayRimMm: 1.2,
  openingRadiusMm: 2,
  minCraniocaudalMm: 4,
  edgeMm: 2,
  dependentBandMm: 8,
  dependentSide: 'posterior',
  minComponentMl: 0.5,
  kindPurity: 0.8,
  workPixelMm: 1.2,
};

export type LesionKind = 'ggo' | 'consolidation' | 'mixed';

export interface SuggestedComponent {
  /** 1..n, by volume descending */
  id: number;
  voxels: number;
  volume_ml: number;
  /** inclusive voxel bounds [i0, j0, k0, i1, j1, k1] */
  bbox: [number, number, number, number, number, number];
  centroid_ijk: [number, number, number];
  kind: LesionKind;
}

export interface Suggestion {
  /** component id per voxel of the CT grid, 0 = none, ids 1..n by volume descending */
  labels: Int32Array | Uint16Array;
  components: SuggestedComponent[];
  timingsMs: Record<string, number>;
}

/** Called between stages with the fraction done (0…1) and the stage just finished. */
export type SuggestionProgress = (fraction: number, stage: string) => void;

// Voxel classes in the box, before the shape tests.
const GGO = 1;
const DENSE = 2;
const BRIGHT = 3;
const AIR = 4;

/**
 * Lesion suggestion inside `lungs` (nonzero = lung, on the CT grid). See SuggestionOptions for each
 * step and why.
 */
export function suggestLesions(
  ct: CtVolume,
  lungs: Uint8Array,
  opts: Partial<SuggestionOptions> = {},
  onProgress?: SuggestionProgress,
): Suggestion {
  const o: SuggestionOptions = { ...DEFAULT_SUGGESTION_OPTIONS, ...opts };
  const [nx, ny, nz] = ct.dims;
  if (ct.hu.length !== nx * ny * nz || lungs.length !== nx * ny * nz) throw new Error('suggestLesions: CT and lung mask do not match the grid');
  const timingsMs: Record<string, number> = {};
  let t = performance.now();
  const stage = (name: string, fraction: number) => {
    const now = performance.now();
    timingsMs[name] = Math.round((now - t) * 10) / 10;
    t = now;
    onProgress?.(fraction, name);
  };

  const box = lungBox(lungs, nx, ny, nz);
  if (box === null) {
    stage('box', 1);
    return { labels: new Uint16Array(nx * ny * nz), components: [], timingsMs };
  }
  const w = workGrid(ct, lungs, box, o.workPixelMm);
  const { cx, cy, cz, lung } = w;
  const [sx, sy, sz] = w.spacing;
  const plane = cx * cy;
  const size = plane * cz;
  stage('box', 0.1);

  // Smoothed HU of the lung voxels, classified at once.
  const smooth = new Int16Array(size);
  const cls = new Uint8Array(size);
  smoothAndClassify(w.hu, cx, cy, cz, lung, o, smooth, cls);
  stage('smooth_threshold', 0.25);

  // Vessels: dense voxels thinner than the vessel disc, and anything brighter than consolidation.
  const dense = new Uint8Array(size);
  const air = new Uint8Array(size);
  const ggo = new Uint8Array(size);
  const lesionHu = new Uint8Array(size);
  for (let p = 0; p < size; p++) {
    const c = cls[p];
    dense[p] = c === DENSE || c === BRIGHT ? 1 : 0;
    air[p] = c === AIR ? 1 : 0;
    ggo[p] = c === GGO ? 1 : 0;
    lesionHu[p] = c === GGO || c === DENSE ? 1 : 0;
  }
  const denseKept = openInPlane(dense, cx, cy, cz, sx, sy, o.vesselRadiusMm);
  // Reuse `dense` for the vessels.
  for (let p = 0; p < size; p++) dense[p] = dense[p] === 1 && (denseKept[p] === 0 || cls[p] === BRIGHT) ? 1 : 0;
  const nearVessel = nearInPlane(dense, ggo, cx, cy, cz, sx, sy, o.vesselRimMm);
  const nearAir = nearInPlane(air, lesionHu, cx, cy, cz, sx, sy, o.airwayRimMm);
  const cand = ggo;
  for (let p = 0; p < size; p++) {
    const c = cls[p];
    const isCand = (c === GGO && nearVessel[p] === 0) || (c === DENSE && denseKept[p] === 1);
    cand[p] = isCand && nearAir[p] === 0 ? 1 : 0;
  }
  stage('vessels_airways', 0.5);

  const opened = openInPlane(cand, cx, cy, cz, sx, sy, o.openingRadiusMm);
  keepRunsAlongK(opened, plane, cz, Math.max(1, Math.round(o.minCraniocaudalMm / sz)));
  stage('shape', 0.6);

  // Edge zone and dependent band: voxels that count only when attached to a lesion found outside.
  const outside = air;
  for (let p = 0; p < size; p++) outside[p] = lung[p] === 0 ? 1 : 0;
  const zone = nearInPlane(outside, lung, cx, cy, cz, sx, sy, o.edgeMm, true);
  markNearAlongK(zone, lung, plane, cz, Math.max(0, Math.round(o.edgeMm / sz)));
  markDependentBand(zone, lung, cx, cy, cz, ct.direction, [sx, sy], o);
  const core = lesionHu;
  for (let p = 0; p < size; p++) core[p] = opened[p] === 1 && zone[p] === 0 ? 1 : 0;
  stage('edge_band', 0.7);

  const { labels: local, sizes } = componentsOf(core, [cx, cy, cz], 1);
  const minVoxels = o.minComponentMl / voxelMl(w.spacing);
  for (let p = 0; p < size; p++) {
    const c = local[p];
    if (c !== 0 && sizes[c - 1] < minVoxels) local[p] = 0;
  }
  // A lesion found outside the zone keeps its part in the zone, reached through candidates over
  // at most the band's depth, so the band itself cannot carry it along the whole lung surface.
  reattach(local, opened, zone, cx, cy, cz, w.spacing, Math.max(o.dependentBandMm, o.edgeMm) + Math.max(sx, sy, sz));
  stage('components', 0.85);

  const result = finish(local, smooth, sizes.length, o, ct, lungs, w);
  stage('labels', 1);
  return { ...result, timingsMs };
}

/**
 * The box of the lungs on the working grid: in-plane pixels binned f×f (mean HU) where the CT's
 * pixels are finer than workPixelMm, the slices as they are.
 */
interface WorkGrid {
  /** in-plane binning factor */
  f: number;
  /** first CT voxel of the box */
  i0: number;
  j0: number;
  k0: number;
  cx: number;
  cy: number;
  cz: number;
  spacing: [number, number, number];
  hu: Int16Array;
  /** 1 where at least half of a working pixel's CT pixels are lung */
  lung: Uint8Array;
}

function workGrid(ct: CtVolume, lungs: Uint8Array, box: number[], workPixelMm: number): WorkGrid {
  const [nx, ny] = ct.dims;
  const [sx, sy, sz] = ct.spacing;
  const f = Math.max(1, Math.round(workPixelMm / Math.max(sx, sy)));
  // One working pixel of margin in-plane, so the median has its neighbours.
  const i0 = Math.max(0, box[0] - f);
  const j0 = Math.max(0, box[1] - f);
  const k0 = box[2];
  const iEnd = Math.min(nx, box[3] + f + 1);
  const jEnd = Math.min(ny, box[4] + f + 1);
  const cx = Math.ceil((iEnd - i0) / f);
  const cy = Math.ceil((jEnd - j0) / f);
  const cz = box[5] - k0 + 1;
  const plane = cx * cy;
  const hu = new Int16Array(plane * cz);
  const lung = new Uint8Array(plane * cz);
  const src = ct.hu;
  // Per working pixel, its f×f CT pixels clamped to the box: read once each, row by row.
  const colLo = new Int32Array(cx);
  const colHi = new Int32Array(cx);
  for (let a = 0; a < cx; a++) {
    colLo[a] = i0 + f * a;
    colHi[a] = Math.min(iEnd, colLo[a] + f);
  }
  for (let k = 0; k < cz; k++) {
    for (let b = 0; b < cy; b++) {
      const jLo = j0 + f * b;
      const jHi = Math.min(jEnd, jLo + f);
      const p0 = cx * (b + cy * k);
      for (let a = 0; a < cx; a++) {
        let sum = 0;
        let inLung = 0;
        let n = 0;
        for (let j = jLo; j < jHi; j++) {
          const row = nx * (j + ny * (k0 + k));
          for (let i = row + colLo[a], end = row + colHi[a]; i < end; i++) {
            sum += src[i];
            inLung += lungs[i] !== 0 ? 1 : 0;
            n++;
          }
        }
        hu[p0 + a] = Math.round(sum / n);
        lung[p0 + a] = 2 * inLung >= n ? 1 : 0;
      }
    }
  }
  return { f, i0, j0, k0, cx, cy, cz, spacing: [sx * f, sy * f, sz], hu, lung };
}

function lungBox(lungs: Uint8Array, nx: number, ny: number, nz: number): [number, number, number, number, number, number] | null {
  let i0 = nx;
  let j0 = ny;
  let k0 = nz;
  let i1 = -1;
  let j1 = -1;
  let k1 = -1;
  // Most of a chest CT is not lung: four voxels per read where the layout allows.
  const words = lungs.byteOffset % 4 === 0 && nx % 4 === 0 ? new Uint32Array(lungs.buffer, lungs.byteOffset, lungs.length >> 2) : null;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k);
      if (words !== null) {
        let any = false;
        for (let w = row >> 2, end = (row + nx) >> 2; w < end; w++) {
          if (words[w] !== 0) {
            any = true;
            break;
          }
        }
        if (!any) continue;
      }
      let first = -1;
      let last = -1;
      for (let i = 0; i < nx; i++) {
        if (lungs[row + i] !== 0) {
          first = i;
          break;
        }
      }
      if (first < 0) continue;
      for (let i = nx - 1; i >= first; i--) {
        if (lungs[row + i] !== 0) {
          last = i;
          break;
        }
      }
      if (first < i0) i0 = first;
      if (last > i1) i1 = last;
      if (j < j0) j0 = j;
      if (j > j1) j1 = j;
      if (k < k0) k0 = k;
      if (k > k1) k1 = k;
    }
  }
  return i1 < 0 ? null : [i0, j0, k0, i1, j1, k1];
}

function smoothAndClassify(hu: Int16Array, cx: number, cy: number, cz: number, lung: Uint8Array, o: SuggestionOptions, smooth: Int16Array, cls: Uint8Array): void {
  const [ggoLo, ggoHi] = o.ggoHu;
  const [denseLo, denseHi] = o.consolidationHu;
  const airHu = o.airwayLumenHu;
  for (let k = 0; k < cz; k++) {
    for (let j = 0; j < cy; j++) {
      const row = cx * (j + cy * k);
      // Neighbour rows clamped to the box (whose edge is a margin outside the lungs).
      const up = j > 0 ? -cx : 0;
      const down = j < cy - 1 ? cx : 0;
      for (let i = 0; i < cx; i++) {
        const q = row + i;
        if (lung[q] === 0) continue;
        let v: number;
        if (o.median3) {
          const l = i > 0 ? -1 : 0;
          const r = i < cx - 1 ? 1 : 0;
          v = median9(
            hu[q + up + l], hu[q + up], hu[q + up + r],
            hu[q + l], hu[q], hu[q + r],
            hu[q + down + l], hu[q + down], hu[q + down + r],
          );
        } else {
          v = hu[q];
        }
        smooth[q] = v;
        cls[q] = v <= airHu ? AIR : v >= ggoLo && v < ggoHi ? GGO : v >= denseLo && v <= denseHi ? DENSE : v > denseHi ? BRIGHT : 0;
      }
    }
  }
}

/**
 * Median of nine numbers: the 19 compare-exchanges of Paeth's network (Graphics Gems, 1990, as
 * in Devillard's opt_med9), where an exchange whose other output is never read again is a min or max.
 */
function median9(a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number): number {
  let t: number;
  if (b > c) { t = b; b = c; c = t; }
  if (e > f) { t = e; e = f; f = t; }
  if (h > i) { t = h; h = i; i = t; }
  if (a > b) { t = a; a = b; b = t; }
  if (d > e) { t = d; d = e; e = t; }
  if (g > h) { t = g; g = h; h = t; }
  if (b > c) { t = b; b = c; c = t; }
  if (e > f) { t = e; e = f; f = t; }
  if (h > i) { t = h; h = i; i = t; }
  if (a > d) d = a;
  if (f > i) f = i;
  if (e > h) { t = e; e = h; h = t; }
  if (d > g) g = d;
  if (b > e) e = b;
  if (c > f) c = f;
  if (e > h) e = h;
  if (e > c) { t = e; e = c; c = t; }
  if (g > e) e = g;
  return e < c ? e : c;
}

/**
 * Half-widths in pixels of an in-plane disc of radius r mm, per row offset dy = -R..R:
 * pixel (i + dx, j + dy) is in the disc when |dx| <= half[dy + R].
 */
function discRows(radiusMm: number, sx: number, sy: number): Int32Array {
  const rows = Math.floor(radiusMm / sy + 1e-9);
  const half = new Int32Array(2 * rows + 1);
  for (let dy = -rows; dy <= rows; dy++) {
    const rest = radiusMm * radiusMm - dy * sy * (dy * sy);
    half[dy + rows] = Math.floor(Math.sqrt(Math.max(0, rest)) / sx + 1e-9);
  }
  return half;
}

/**
 * Per row of one slice: steps along i to the nearest pixel with set[p] === want, 0 on such a pixel,
 * `far` when the row has none. Outside the box counts as `outsideIs`.
 */
function rowDistances(set: Uint8Array, base: number, cx: number, cy: number, want: number, outsideIs: number, far: number, out: Uint16Array): void {
  const edge = outsideIs === want;
  for (let j = 0; j < cy; j++) {
    const row = base + cx * j;
    const o = cx * j;
    let d = edge ? 0 : far;
    for (let i = 0; i < cx; i++) {
      d = set[row + i] === want ? 0 : d < far ? d + 1 : far;
      out[o + i] = d;
    }
    d = edge ? 0 : far;
    for (let i = cx - 1; i >= 0; i--) {
      d = set[row + i] === want ? 0 : d < far ? d + 1 : far;
      if (d < out[o + i]) out[o + i] = d;
    }
  }
}

function anyOn(mask: Uint8Array, base: number, plane: number): boolean {
  const end = base + plane;
  for (let p = base; p < end; p++) if (mask[p] !== 0) return true;
  return false;
}

/** Opening of a 0/1 mask by an in-plane disc, slice by slice; the box's outside counts as 0. */
function openInPlane(mask: Uint8Array, cx: number, cy: number, cz: number, sx: number, sy: number, radiusMm: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  if (radiusMm <= 0) {
    out.set(mask);
    return out;
  }
  const half = discRows(radiusMm, sx, sy);
  const rows = (half.length - 1) / 2;
  const plane = cx * cy;
  const far = 0xffff;
  const toZero = new Uint16Array(plane);
  const eroded = new Uint8Array(plane);
  const toEroded = new Uint16Array(plane);
  for (let k = 0; k < cz; k++) {
    const base = plane * k;
    if (!anyOn(mask, base, plane)) continue;
    rowDistances(mask, base, cx, cy, 0, 0, far, toZero);
    // Erosion: every row of the disc lies inside the mask.
    let anyEroded = false;
    for (let j = 0; j < cy; j++) {
      for (let i = 0; i < cx; i++) {
        const p = i + cx * j;
        let inside = mask[base + p] === 1 && j >= rows && j < cy - rows;
        for (let dy = -rows; inside && dy <= rows; dy++) inside = toZero[p + cx * dy] > half[dy + rows];
        eroded[p] = inside ? 1 : 0;
        if (inside) anyEroded = true;
      }
    }
    if (!anyEroded) continue;
    rowDistances(eroded, 0, cx, cy, 1, 0, far, toEroded);
    // Dilation of the eroded set, asked only where the mask is (an opening lies within it).
    for (let j = 0; j < cy; j++) {
      const lo = Math.max(-rows, -j);
      const hi = Math.min(rows, cy - 1 - j);
      for (let i = 0; i < cx; i++) {
        const p = i + cx * j;
        if (mask[base + p] !== 1) continue;
        let hit = false;
        for (let dy = lo; !hit && dy <= hi; dy++) hit = toEroded[p + cx * dy] <= half[dy + rows];
        if (hit) out[base + p] = 1;
      }
    }
  }
  return out;
}

/**
 * 1 where a pixel of `set` lies within radiusMm in-plane (a disc), slice by slice. With
 * outsideCounts, the box's outside belongs to the set (for distances to the lung boundary).
 */
function nearInPlane(set: Uint8Array, query: Uint8Array, cx: number, cy: number, cz: number, sx: number, sy: number, radiusMm: number, outsideCounts = false): Uint8Array {
  const out = new Uint8Array(set.length);
  const half = discRows(Math.max(0, radiusMm), sx, sy);
  const rows = (half.length - 1) / 2;
  const plane = cx * cy;
  const far = 0xffff;
  const dist = new Uint16Array(plane);
  for (let k = 0; k < cz; k++) {
    const base = plane * k;
    if (!outsideCounts && !anyOn(set, base, plane)) continue;
    if (!anyOn(query, base, plane)) continue;
    rowDistances(set, base, cx, cy, 1, outsideCounts ? 1 : 0, far, dist);
    for (let j = 0; j < cy; j++) {
      for (let i = 0; i < cx; i++) {
        const p = i + cx * j;
        if (query[base + p] === 0) continue;
        let hit = false;
        for (let dy = -rows; !hit && dy <= rows; dy++) {
          const jj = j + dy;
          hit = jj < 0 || jj >= cy ? outsideCounts : dist[p + cx * dy] <= half[dy + rows];
        }
        if (hit) out[base + p] = 1;
      }
    }
  }
  return out;
}

/** Keeps only the voxels of a 0/1 mask that lie in a run of at least minRun along k. */
function keepRunsAlongK(mask: Uint8Array, plane: number, cz: number, minRun: number): void {
  if (minRun <= 1) return;
  // Slice by slice (memory order), with the start of each pixel's current run.
  const start = new Int32Array(plane).fill(-1);
  for (let k = 0; k <= cz; k++) {
    const base = plane * k;
    for (let p = 0; p < plane; p++) {
      const on = k < cz && mask[base + p] === 1;
      const s = start[p];
      if (on) {
        if (s < 0) start[p] = k;
      } else if (s >= 0) {
        if (k - s < minRun) for (let m = s; m < k; m++) mask[p + plane * m] = 0;
        start[p] = -1;
      }
    }
  }
}

/** Marks lung voxels with a non-lung voxel (or the box's end) within `slices` along k. */
function markNearAlongK(zone: Uint8Array, lung: Uint8Array, plane: number, cz: number, slices: number): void {
  if (slices <= 0) return;
  for (let k = 0; k < cz; k++) {
    for (let p = 0; p < plane; p++) {
      const q = p + plane * k;
      if (lung[q] === 0 || zone[q] === 1) continue;
      for (let d = 1; d <= slices; d++) {
        if (k - d < 0 || k + d >= cz || lung[q - plane * d] === 0 || lung[q + plane * d] === 0) {
          zone[q] = 1;
          break;
        }
      }
    }
  }
}

/**
 * Marks lung voxels within dependentBandMm of the lung boundary in the dependent direction, along
 * whichever in-plane grid axis runs closest to the patient's anteroposterior (LPS y) axis.
 */
function markDependentBand(
  zone: Uint8Array,
  lung: Uint8Array,
  cx: number,
  cy: number,
  cz: number,
  direction: readonly number[],
  spacingIj: [number, number],
  o: SuggestionOptions,
): void {
  if (o.dependentSide === 'none' || o.dependentBandMm <= 0) return;
  const yOfI = direction[1];
  const yOfJ = direction[4];
  const alongJ = Math.abs(yOfJ) >= Math.abs(yOfI);
  const cos = alongJ ? yOfJ : yOfI;
  if (Math.abs(cos) < 0.5) return;
  // +y is posterior in LPS: step toward the dependent side, look for the boundary.
  const toDependent = (cos > 0 ? 1 : -1) * (o.dependentSide === 'posterior' ? 1 : -1);
  const stepMm = alongJ ? spacingIj[1] : spacingIj[0];
  const depth = Math.max(1, Math.round(o.dependentBandMm / stepMm));
  const lineLen = alongJ ? cy : cx;
  const lines = alongJ ? cx : cy;
  const stride = alongJ ? cx : 1;
  const lineStride = alongJ ? 1 : cx;
  const plane = cx * cy;
  for (let k = 0; k < cz; k++) {
    for (let l = 0; l < lines; l++) {
      const base = plane * k + lineStride * l;
      // Walk from the dependent end: distance (steps) since the last non-lung voxel.
      let since = 0;
      for (let s = 0; s < lineLen; s++) {
        const pos = toDependent > 0 ? lineLen - 1 - s : s;
        const q = base + stride * pos;
        if (lung[q] === 0) {
          since = 0;
          continue;
        }
        since++;
        if (since <= depth) zone[q] = 1;
      }
    }
  }
}

/**
 * Grows the kept labels into the zone's candidates (opened & zone) up to reachMm of path length
 * (26-neighbour steps weighted by their length in mm), each voxel taking the label that reaches it
 * first along the shortest path.
 */
function reattach(local: Int32Array, opened: Uint8Array, zone: Uint8Array, cx: number, cy: number, cz: number, spacing: readonly number[], reachMm: number): void {
  const plane = cx * cy;
  const offsets: number[] = [];
  const steps: number[] = [];
  const di: number[] = [];
  const dj: number[] = [];
  const dk: number[] = [];
  for (let z = -1; z <= 1; z++) {
    for (let y = -1; y <= 1; y++) {
      for (let x = -1; x <= 1; x++) {
        if (x === 0 && y === 0 && z === 0) continue;
        offsets.push(x + cx * y + plane * z);
        steps.push(Math.hypot(x * spacing[0], y * spacing[1], z * spacing[2]));
        di.push(x);
        dj.push(y);
        dk.push(z);
      }
    }
  }
  const dist = new Map<number, number>();
  let queue: number[] = [];
  // Seeds: kept voxels (never in the zone) with a zone candidate among their 26 neighbours.
  for (let k = 0, p = 0; k < cz; k++) {
    for (let j = 0; j < cy; j++) {
      for (let i = 0; i < cx; i++, p++) {
        if (local[p] === 0) continue;
        if (i === 0 || j === 0 || k === 0 || i === cx - 1 || j === cy - 1 || k === cz - 1) {
          queue.push(p);
          continue;
        }
        for (let n = 0; n < 26; n++) {
          const q = p + offsets[n];
          if (opened[q] === 1 && zone[q] === 1) {
            queue.push(p);
            break;
          }
        }
      }
    }
  }
  // Label-correcting relaxation: the zone's candidates are a thin shell, so few voxels are revisited.
  while (queue.length > 0) {
    const next: number[] = [];
    for (const p of queue) {
      const d0 = dist.get(p) ?? 0;
      const i = p % cx;
      const j = Math.floor(p / cx) % cy;
      const k = Math.floor(p / plane);
      for (let n = 0; n < 26; n++) {
        const ii = i + di[n];
        const jj = j + dj[n];
        const kk = k + dk[n];
        if (ii < 0 || jj < 0 || kk < 0 || ii >= cx || jj >= cy || kk >= cz) continue;
        const q = p + offsets[n];
        if (opened[q] === 0 || zone[q] === 0) continue;
        const d = d0 + steps[n];
        if (d > reachMm) continue;
        const old = dist.get(q);
        if (old !== undefined && old <= d) continue;
        dist.set(q, d);
        local[q] = local[p];
        next.push(q);
      }
    }
    queue = next;
  }
}

/**
 * Writes the kept working-grid labels to the CT grid (a CT voxel takes its working pixel's label
 * where it is lung itself), numbers the components by volume and measures them on the CT grid.
 */
function finish(local: Int32Array, smooth: Int16Array, provisionalCount: number, o: SuggestionOptions, ct: CtVolume, lungs: Uint8Array, w: WorkGrid): Omit<Suggestion, 'timingsMs'> {
  const [nx, ny, nz] = ct.dims;
  const { f, i0, j0, k0, cx, cy } = w;
  const m = provisionalCount + 1;
  const count = new Float64Array(m);
  const denseCount = new Float64Array(m);
  const sum = new Float64Array(3 * m);
  const lo = new Int32Array(3 * m).fill(2 ** 30);
  const hi = new Int32Array(3 * m).fill(-1);
  const [denseLo] = o.consolidationHu;
  const iEnd = Math.min(nx, i0 + f * cx);
  const jEnd = Math.min(ny, j0 + f * cy);
  // The CT voxels of the labelled working pixels only (a few % of the box), twice: the sizes
  // first (for the ids by volume), then the labels.
  const labelled: number[] = [];
  for (let wp = 0; wp < local.length; wp++) if (local[wp] !== 0) labelled.push(wp);
  const visit = (fn: (index: number, c: number, wp: number, i: number, j: number, k: number) => void) => {
    for (const wp of labelled) {
      const c = local[wp];
      const a = wp % cx;
      const b = Math.floor(wp / cx) % cy;
      const k = k0 + Math.floor(wp / (cx * cy));
      const iLo = i0 + f * a;
      const iHi = Math.min(iEnd, iLo + f);
      const jLo = j0 + f * b;
      const jHi = Math.min(jEnd, jLo + f);
      for (let j = jLo; j < jHi; j++) {
        const row = nx * (j + ny * k);
        for (let i = iLo; i < iHi; i++) if (lungs[row + i] !== 0) fn(row + i, c, wp, i, j, k);
      }
    }
  };
  visit((_index, c, wp, i, j, gk) => {
    count[c]++;
    if (smooth[wp] >= denseLo) denseCount[c]++;
    const c3 = 3 * c;
    sum[c3] += i;
    sum[c3 + 1] += j;
    sum[c3 + 2] += gk;
    if (i < lo[c3]) lo[c3] = i;
    if (i > hi[c3]) hi[c3] = i;
    if (j < lo[c3 + 1]) lo[c3 + 1] = j;
    if (j > hi[c3 + 1]) hi[c3 + 1] = j;
    if (gk < lo[c3 + 2]) lo[c3 + 2] = gk;
    if (gk > hi[c3 + 2]) hi[c3 + 2] = gk;
  });
  const present: number[] = [];
  for (let c = 1; c < m; c++) if (count[c] > 0) present.push(c);
  // Largest first; ties in provisional order so the result does not depend on sort stability.
  present.sort((a, b) => count[b] - count[a] || a - b);
  const idOf = new Int32Array(m);
  const ml = voxelMl(ct.spacing);
  const components: SuggestedComponent[] = present.map((c, n) => {
    idOf[c] = n + 1;
    const v = count[c];
    const denseFraction = denseCount[c] / v;
    const kind: LesionKind = denseFraction >= o.kindPurity ? 'consolidation' : 1 - denseFraction >= o.kindPurity ? 'ggo' : 'mixed';
    return {
      id: n + 1,
      voxels: v,
      volume_ml: v * ml,
      bbox: [lo[3 * c], lo[3 * c + 1], lo[3 * c + 2], hi[3 * c], hi[3 * c + 1], hi[3 * c + 2]],
      centroid_ijk: [sum[3 * c] / v, sum[3 * c + 1] / v, sum[3 * c + 2] / v],
      kind,
    };
  });
  const labels = present.length <= 0xffff ? new Uint16Array(nx * ny * nz) : new Int32Array(nx * ny * nz);
  visit((index, c) => {
    labels[index] = idOf[c];
  });
  return { labels, components };
}

/** 1 where slice k of the grid holds any suggested voxel. */
export function sliceFlags(suggestion: Pick<Suggestion, 'labels'>, dims: readonly [number, number, number]): Uint8Array {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const flags = new Uint8Array(nz);
  const { labels } = suggestion;
  for (let k = 0; k < nz; k++) {
    const end = plane * (k + 1);
    for (let p = plane * k; p < end; p++) {
      if (labels[p] !== 0) {
        flags[k] = 1;
        break;
      }
    }
  }
  return flags;
}

export interface SliceSummary {
  k: number;
  lung_ml: number;
  /** 0 exactly when the suggestion has no voxel on the slice */
  lesion_ml: number;
}

/** Lung and suggested lesion volume of every slice k of the grid. */
export function sliceSummary(ct: CtVolume, lungs: Uint8Array, suggestion: Pick<Suggestion, 'labels'>): SliceSummary[] {
  const [nx, ny, nz] = ct.dims;
  const plane = nx * ny;
  const ml = voxelMl(ct.spacing);
  const { labels } = suggestion;
  const out: SliceSummary[] = [];
  for (let k = 0; k < nz; k++) {
    let lung = 0;
    let lesion = 0;
    const end = plane * (k + 1);
    for (let p = plane * k; p < end; p++) {
      if (lungs[p] !== 0) lung++;
      if (labels[p] !== 0) lesion++;
    }
    out.push({ k, lung_ml: lung * ml, lesion_ml: lesion * ml });
  }
  return out;
}
