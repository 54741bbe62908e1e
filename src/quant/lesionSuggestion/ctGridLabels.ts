// The result of the lesion suggestion on the CT grid: the box's component labels written back to
// the CT voxels of the lung, renumbered by volume, and each component measured on the CT grid.
import { voxelMl, type CtVolume } from '../ctVolume.ts';
import type { SuggestionOptions } from './options.ts';
import type { WorkGrid } from './workBox.ts';

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

/**
 * Writes the kept working-grid labels to the CT grid (a CT voxel takes its working pixel's label
 * where it is lung itself), numbers the components by volume and measures them on the CT grid.
 */
export function ctGridLabels(local: Int32Array, smooth: Int16Array, provisionalCount: number, o: SuggestionOptions, ct: CtVolume, lungs: Uint8Array, w: WorkGrid): Omit<Suggestion, 'timingsMs'> {
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
