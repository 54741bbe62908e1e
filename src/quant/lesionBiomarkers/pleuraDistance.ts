// Distance from a lesion to the pleura (lesionBiomarkers.ts, distance_to_pleura_mm): the lung mask's
// boundary stands for the pleura, built once from the lungs' runs, and each lesion searches only the
// boundary in a box around it, grown until the nearest is certain.
import { LUNG } from '../ctVolume.ts';
import { maskRuns } from '../../metrics/maskRuns.ts';
import { squaredDistancesToSites } from '../../metrics/distanceTransform.ts';

/**
 * The lung mask's boundary (the lung voxels with a face neighbour outside their lung or off the
 * grid), which stands for the pleura: per grid row r = j + ny·k, the ascending i of its boundary
 * voxels are i[rowStart[r]] … i[rowStart[r + 1] - 1]. Built from the runs of each lung, so the
 * work follows the lung's runs and boundary rather than its ~10 M voxels, and a lesion's search
 * box then reads only its rows.
 */
export interface LungBoundary {
  rowStart: Int32Array;
  i: Int32Array;
}

export function lungBoundary(lungs: Uint8Array, dims: readonly [number, number, number]): LungBoundary {
  const [nx, ny, nz] = dims;
  const rows = ny * nz;
  const sides = [maskRuns(lungs, dims, { segment: LUNG.right }), maskRuns(lungs, dims, { segment: LUNG.left })];
  const rowStart = new Int32Array(rows + 1);
  let out = new Int32Array(1 << 16);
  let n = 0;
  const mark = new Uint8Array(nx);
  const marked: number[] = [];
  const put = (i: number) => {
    if (mark[i] !== 0) return;
    mark[i] = 1;
    marked.push(i);
  };
  for (let r = 0; r < rows; r++) {
    rowStart[r] = n;
    const j = r % ny;
    const k = (r - j) / ny;
    for (const runs of sides) {
      const { rowStart: rs, runFirst, runLast } = runs;
      for (let p = rs[r]; p < rs[r + 1]; p++) {
        const f = runFirst[p];
        const l = runLast[p];
        put(f);
        put(l);
        // Each face-neighbour row: the stretches of [f, l] that its runs of the same lung leave uncovered.
        for (let t = 0; t < 4; t++) {
          const nr = t === 0 ? (j > 0 ? r - 1 : -1) : t === 1 ? (j < ny - 1 ? r + 1 : -1) : t === 2 ? (k > 0 ? r - ny : -1) : k < nz - 1 ? r + ny : -1;
          let from = f;
          if (nr >= 0) {
            for (let q = rs[nr]; q < rs[nr + 1] && from <= l; q++) {
              if (runLast[q] < from) continue;
              if (runFirst[q] > l) break;
              for (let i = from; i < runFirst[q]; i++) put(i);
              from = runLast[q] + 1;
            }
          }
          for (let i = from; i <= l; i++) put(i);
        }
      }
    }
    if (marked.length === 0) continue;
    marked.sort((x, y) => x - y);
    if (n + marked.length > out.length) {
      const grown = new Int32Array(Math.max(out.length * 2, n + marked.length));
      grown.set(out);
      out = grown;
    }
    for (const i of marked) {
      out[n++] = i;
      mark[i] = 0;
    }
    marked.length = 0;
  }
  rowStart[rows] = n;
  return { rowStart, i: out.subarray(0, n) };
}

/** The boundary voxels in box [lo, hi] (inclusive), as ascending indices on the box's own grid. */
function boundaryInBox(boundary: LungBoundary, dims: readonly [number, number, number], lo: number[], hi: number[]): Int32Array {
  const ny = dims[1];
  const bx = hi[0] - lo[0] + 1;
  const by = hi[1] - lo[1] + 1;
  let out = new Int32Array(1024);
  let n = 0;
  for (let k = lo[2]; k <= hi[2]; k++) {
    for (let j = lo[1]; j <= hi[1]; j++) {
      const r = j + ny * k;
      const local = bx * (j - lo[1] + by * (k - lo[2])) - lo[0];
      for (let p = boundary.rowStart[r]; p < boundary.rowStart[r + 1]; p++) {
        const i = boundary.i[p];
        if (i < lo[0]) continue;
        if (i > hi[0]) break;
        if (n === out.length) {
          const grown = new Int32Array(out.length * 2);
          grown.set(out);
          out = grown;
        }
        out[n++] = local + i;
      }
    }
  }
  return out.subarray(0, n);
}

/**
 * First search margin around a lesion for the lung boundary, mm, doubled until the nearest is
 * found: most pneumonia lesions are subpleural, and a small box keeps both the scan and the
 * distance transform's sites few.
 */
const PLEURA_SEARCH_START_MM = 3;

/**
 * Smallest distance (mm) from the voxels `surface` of one lesion inside the lung (box lo-hi) to the
 * lung boundary. Only the boundary inside the lesion's box grown by a margin is searched: any
 * boundary voxel beyond it lies more than the margin away along some axis, so a nearest distance
 * within the margin is the true one. Until the box holds boundary the margin doubles; once a
 * nearest candidate at d is found the true distance is at most d, so one more search with the
 * margin d settles it.
 */
export function distanceToPleuraMm(boundary: LungBoundary, dims: readonly [number, number, number], spacing: readonly [number, number, number], surface: Int32Array, lo: number[], hi: number[]): number {
  for (let margin = PLEURA_SEARCH_START_MM; ; ) {
    const boxLo = [0, 1, 2].map((a) => Math.max(0, lo[a] - Math.ceil(margin / spacing[a])));
    const boxHi = [0, 1, 2].map((a) => Math.min(dims[a] - 1, hi[a] + Math.ceil(margin / spacing[a])));
    const whole = [0, 1, 2].every((a) => boxLo[a] === 0 && boxHi[a] === dims[a] - 1);
    const sites = boundaryInBox(boundary, dims, boxLo, boxHi);
    if (sites.length > 0) {
      const box = [boxHi[0] - boxLo[0] + 1, boxHi[1] - boxLo[1] + 1, boxHi[2] - boxLo[2] + 1] as const;
      const queries = new Int32Array(surface.length);
      for (let q = 0; q < surface.length; q++) {
        const index = surface[q];
        const r = Math.floor(index / dims[0]);
        const j = r % dims[1];
        const k = (r - j) / dims[1];
        queries[q] = index - r * dims[0] - boxLo[0] + box[0] * (j - boxLo[1] + box[1] * (k - boxLo[2]));
      }
      const d2 = squaredDistancesToSites(box, spacing, sites, queries);
      let best = Infinity;
      for (let q = 0; q < d2.length; q++) if (d2[q] < best) best = d2[q];
      const d = Math.sqrt(best);
      if (d <= margin || whole) return d;
      margin = d;
    } else if (whole) {
      // A lung mask always has a boundary (at worst the grid's faces); unreachable.
      return Infinity;
    } else {
      margin *= 2;
    }
  }
}
