// Where two reads differ, region by region, largest first: the 26-connected components of the
// voxels one reader painted and the other did not (A∖B ∪ B∖A), each with its size and its centre
// (mean voxel index), so a lead can step from the largest disagreement to the next.
import { componentsOf } from '../contouring/connectedComponents.ts';
import { OVERLAY } from './consensusStart.ts';

export interface DisagreementRegion {
  voxels: number;
  /** mean (i, j, k) of its voxels */
  centre: [number, number, number];
  /** how many of its voxels only A painted (the rest only B) */
  onlyA: number;
}

export function disagreementRegions(overlay: Uint8Array, dims: readonly [number, number, number]): DisagreementRegion[] {
  const [nx, ny] = dims;
  const differ = new Uint8Array(overlay.length);
  for (let n = 0; n < overlay.length; n++) if (overlay[n] === OVERLAY.aOnly || overlay[n] === OVERLAY.bOnly) differ[n] = 1;
  const { labels, sizes } = componentsOf(differ, [dims[0], dims[1], dims[2]], 1);
  const sum = new Float64Array(sizes.length * 3);
  const onlyA = new Float64Array(sizes.length);
  for (let n = 0; n < labels.length; n++) {
    const id = labels[n];
    if (id === 0) continue;
    const c = id - 1;
    const i = n % nx;
    const j = Math.floor(n / nx) % ny;
    const k = Math.floor(n / (nx * ny));
    sum[c * 3] += i;
    sum[c * 3 + 1] += j;
    sum[c * 3 + 2] += k;
    if (overlay[n] === OVERLAY.aOnly) onlyA[c]++;
  }
  return sizes
    .map((voxels, c) => ({ voxels, centre: [sum[c * 3] / voxels, sum[c * 3 + 1] / voxels, sum[c * 3 + 2] / voxels] as [number, number, number], onlyA: onlyA[c] }))
    .sort((a, b) => b.voxels - a.voxels);
}
