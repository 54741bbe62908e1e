// The lesion candidates of the suggestion: the voxels of the lesion HU bands less what is vessel
// (dense and thinner than the vessel disc, or brighter than consolidation, with its ground-glass
// rim) or bronchial wall (next to airway air).
import { AIR, BRIGHT, DENSE, GGO } from './huClasses.ts';
import type { SuggestionOptions } from './options.ts';
import { nearInPlane, openInPlane } from './shape.ts';
import type { WorkGrid } from './workBox.ts';

/** 1 where a voxel of class `cls` is a lesion candidate: in a lesion band, not vessel, not airway wall. */
export function lesionCandidates(cls: Uint8Array, w: WorkGrid, o: SuggestionOptions): Uint8Array {
  const { cx, cy, cz } = w;
  const [sx, sy] = w.spacing;
  const size = cx * cy * cz;
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
  return cand;
}
