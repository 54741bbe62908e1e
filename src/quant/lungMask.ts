// Automatic right and left lung masks by classic image processing (no model), the same module in
// the browser's worker and in `npm run quant`. The steps follow the usual threshold-based
// pipeline (Hu, Hoffman, Reinhardt, IEEE TMI 20:490, 2001): air/tissue threshold, the body and the
// air outside it, the airways grown from the trachea and removed, the two lungs as the largest air
// components (split by erosion where they touch at a junction), then each slice's lung filled to
// its outline so that vessels, nodules and consolidation against the chest wall stay inside (the
// outline's curvature continued across a pleural-based consolidation's bite), but not the hilum.
// Each stage is a module of lungMask/ over the one work grid (lungMask/workGrid.ts): body.ts,
// airways.ts, sides.ts (the right and the left lung), outlineFill.ts with enclosedHoles.ts and
// costalDips.ts (the fills); this file runs them in order and times them.
import { LUNG, cranialStep, voxelMl, type CtVolume } from './ctVolume.ts';
import { clearAirways } from './lungMask/airways.ts';
import { bodyAndAir } from './lungMask/body.ts';
import { fillToOutline } from './lungMask/outlineFill.ts';
import { labelLungs } from './lungMask/sides.ts';
import { countLabels, upsample, workGrid } from './lungMask/workGrid.ts';

export interface LungMask {
  /** LUNG values per voxel of the CT grid */
  labels: Uint8Array;
  rightMl: number;
  leftMl: number;
  timingsMs: Record<string, number>;
}

type Progress = ((fraction: number, stage: string) => void) | undefined;

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
  const nz = w.dims[2];
  lap('resample', 0.05);

  const { body, candidate } = bodyAndAir(w.hu, w.dims);
  lap('body', 0.3);

  // Grid slices in cranial order: LPS +z is the head.
  const cranialFirst = Array.from({ length: nz }, (_, k) => k);
  if (cranialStep(ct.direction) >= 0) cranialFirst.reverse();
  const cranialRank = new Int32Array(nz);
  cranialFirst.forEach((k, r) => (cranialRank[k] = r));

  clearAirways(w, candidate, body, cranialFirst);
  lap('airways', 0.45);

  const labels = labelLungs(w, candidate, body, cranialRank);
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
