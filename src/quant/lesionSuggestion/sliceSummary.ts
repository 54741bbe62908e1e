// Per-slice figures of a suggestion (which slices hold any, lung and lesion mL per slice), for the
// comparison with slice-level labels and the slice strip of the panel.
import { voxelMl, type CtVolume } from '../ctVolume.ts';
import type { Suggestion } from './ctGridLabels.ts';

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
