// Lesion suggestion: a first draft of COVID-19 lesion voxels inside the lung masks, for the reader to
// accept whole, per component, or discard. Classic image processing, no model: smooth, threshold
// the ground-glass and consolidation HU bands, take away what a threshold picks up that is not a
// lesion (vessels, bronchial walls, fissures, noise specks, the dependent density band, partial
// volume at the lung surface), then label 3D components. Pure, over typed arrays, so the same code
// runs in the worker and in `npm run quant`.
//
// All the work is done on the box around the lungs (about a third of a chest CT grid), and every
// shape test is a disc in the axial plane plus a run length along the slices (lesionSuggestion/shape.ts).
// Each step is a module of lesionSuggestion/ over that box (workBox.ts): huClasses.ts,
// vesselsAirways.ts, shape.ts, edgeZone.ts, components.ts, ctGridLabels.ts; options.ts says why
// each default is what it is. This file runs the steps in order, times them, and is the module's
// public face: what callers import is exported here.
import type { CtVolume } from './ctVolume.ts';
import { lesionComponents } from './lesionSuggestion/components.ts';
import { ctGridLabels, type Suggestion } from './lesionSuggestion/ctGridLabels.ts';
import { edgeZone } from './lesionSuggestion/edgeZone.ts';
import { smoothAndClassify } from './lesionSuggestion/huClasses.ts';
import { DEFAULT_SUGGESTION_OPTIONS, type SuggestionOptions } from './lesionSuggestion/options.ts';
import { keepRunsAlongK, openInPlane } from './lesionSuggestion/shape.ts';
import { lesionCandidates } from './lesionSuggestion/vesselsAirways.ts';
import { lungBox, workGrid } from './lesionSuggestion/workBox.ts';

export type { LesionKind, SuggestedComponent, Suggestion } from './lesionSuggestion/ctGridLabels.ts';
export { DEFAULT_SUGGESTION_OPTIONS, type SuggestionOptions } from './lesionSuggestion/options.ts';
export { sliceFlags, sliceSummary, type SliceSummary } from './lesionSuggestion/sliceSummary.ts';

/** Called between stages with the fraction done (0…1) and the stage just finished. */
export type SuggestionProgress = (fraction: number, stage: string) => void;

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

  const cand = lesionCandidates(cls, w, o);
  stage('vessels_airways', 0.5);

  const opened = openInPlane(cand, cx, cy, cz, sx, sy, o.openingRadiusMm);
  keepRunsAlongK(opened, plane, cz, Math.max(1, Math.round(o.minCraniocaudalMm / sz)));
  stage('shape', 0.6);

  // Edge zone and dependent band: voxels that count only when attached to a lesion found outside.
  const { zone, core } = edgeZone(opened, w, ct.direction, o);
  stage('edge_band', 0.7);

  const { local, count } = lesionComponents(core, opened, zone, w, o);
  stage('components', 0.85);

  const result = ctGridLabels(local, smooth, count, o, ct, lungs, w);
  stage('labels', 1);
  return { ...result, timingsMs };
}
