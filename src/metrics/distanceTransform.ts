// Exact Euclidean distance transform of a set of "site" voxels, evaluated only where it is asked
// for. Definition: for a query voxel q, the squared distance (mm²) between the centre of q and the
// centre of the nearest site voxel s, with the grid's real spacing:
//   d²(q) = min over s of ((qi - si)·sx)² + ((qj - sj)·sy)² + ((qk - sk)·sz)².
//
// Method: Felzenszwalb & Huttenlocher's separable squared EDT (Theory of Computing 8, 2012): a 1D
// pass along i, then the lower envelope of parabolas along j, then along k, each exact, so their
// composition is the exact 3D transform. Weighting each axis by its spacing keeps it exact on
// anisotropic grids. Surface distances need the transform only at the other mask's surface
// voxels (~10⁵ of a 512×512×300 grid), so instead of filling a volume:
//   - pass i is read from each site row's sorted sites as the loop over i advances, never stored;
//   - pass j is evaluated only on the (i, j) columns that hold a query, for every plane k that
//     holds a site (planes without one are +∞ and drop out of pass k);
//   - pass k is run on those columns only, evaluated at their queries.
// Work is (query i values × site rows) + (query columns × site planes), not the grid's volume,
// and nothing volume-sized is allocated.
import type { Dims, Spacing } from '../contouring/labelmapGrid.ts';

export const DISTANCE_TRANSFORM_DEFINITION =
  'Squared Euclidean distance in mm² from the centre of a voxel to the centre of the nearest site voxel, with the grid\'s real (anisotropic) spacing; exact (separable lower-envelope transform of Felzenszwalb & Huttenlocher), not approximated by chamfer steps.';

/**
 * Lower envelope of the parabolas (x - pos[t])² + val[t], t < n, pos strictly increasing.
 * Writes the indices of the parabolas on the envelope to v and the boundaries between them to z
 * (parabola v[m] is lowest on [z[m], z[m + 1]]); returns how many there are.
 */
function lowerEnvelope(pos: Float64Array, val: Float64Array, n: number, v: Int32Array, z: Float64Array): number {
  let m = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    const fq = val[q] + pos[q] * pos[q];
    let s: number;
    for (;;) {
      const r = v[m];
      s = (fq - (val[r] + pos[r] * pos[r])) / (2 * (pos[q] - pos[r]));
      // z[0] = -∞, so m never drops below 0.
      if (s <= z[m]) m--;
      else break;
    }
    m++;
    v[m] = q;
    z[m] = s;
    z[m + 1] = Infinity;
  }
  return m + 1;
}

function ascending(indices: Int32Array): boolean {
  for (let n = 1; n < indices.length; n++) if (indices[n] <= indices[n - 1]) return false;
  return true;
}

/**
 * Squared distance in mm² from each query voxel to the nearest site voxel (see the file's
 * definition), exact. `sites` and `queries` are voxel indices (i + nx·(j + ny·k)) on a grid of
 * `dims`; a voxel may be both (distance 0). The result is parallel to `queries`; every entry is
 * +∞ when there are no sites.
 */
export function squaredDistancesToSites(dims: Dims, spacing: Spacing, sites: Int32Array, queries: Int32Array): Float64Array {
  const [nx, ny] = dims;
  const [sx, sy, sz] = spacing;
  const out = new Float64Array(queries.length);
  if (sites.length === 0) return out.fill(Infinity);
  if (queries.length === 0) return out;
  const siteList = ascending(sites) ? sites : Int32Array.from(new Set(sites)).sort();

  // Sites by plane k, then row j, then i (all ascending, as the indices are).
  const siteI = new Int32Array(siteList.length);
  const rowJ: number[] = [];
  const rowStart: number[] = [];
  const planeK: number[] = [];
  const planeRowStart: number[] = [];
  let lastRow = -1;
  let lastK = -1;
  for (let n = 0; n < siteList.length; n++) {
    const index = siteList[n];
    const r = Math.floor(index / nx);
    siteI[n] = index - r * nx;
    if (r !== lastRow) {
      const j = r % ny;
      const k = (r - j) / ny;
      if (k !== lastK) {
        planeK.push(k);
        planeRowStart.push(rowJ.length);
        lastK = k;
      }
      rowJ.push(j);
      rowStart.push(n);
      lastRow = r;
    }
  }
  rowStart.push(siteList.length);
  planeRowStart.push(rowJ.length);
  const planes = planeK.length;
  const rowPtr = Int32Array.from(rowStart.slice(0, -1));
  let maxRows = 0;
  for (let p = 0; p < planes; p++) maxRows = Math.max(maxRows, planeRowStart[p + 1] - planeRowStart[p]);

  // Queries by column (i, j), i then j ascending, each column's queries in ascending k: a stable
  // counting sort by i·ny + j of the queries in index order.
  const order = ascending(queries) ? null : Int32Array.from(queries.keys()).sort((x, y) => queries[x] - queries[y]);
  const columnCount = new Int32Array(nx * ny + 1);
  for (let n = 0; n < queries.length; n++) {
    const index = queries[n];
    const r = Math.floor(index / nx);
    columnCount[(index - r * nx) * ny + (r % ny) + 1]++;
  }
  const columns: number[] = [];
  for (let key = 0; key < nx * ny; key++) {
    if (columnCount[key + 1] !== 0) columns.push(key);
    columnCount[key + 1] += columnCount[key];
  }
  const slotOf = new Int32Array(queries.length);
  const kOf = new Float64Array(queries.length);
  const fill = columnCount.slice(0, nx * ny);
  for (let m = 0; m < queries.length; m++) {
    const n = order === null ? m : order[m];
    const index = queries[n];
    const r = Math.floor(index / nx);
    const j = r % ny;
    const at = fill[(index - r * nx) * ny + j]++;
    slotOf[at] = n;
    kOf[at] = ((r - j) / ny) * sz;
  }

  const rowPos = new Float64Array(maxRows);
  const rowVal = new Float64Array(maxRows);
  const rowV = new Int32Array(maxRows);
  const rowZ = new Float64Array(maxRows + 1);
  const planePos = new Float64Array(planes);
  for (let p = 0; p < planes; p++) planePos[p] = planeK[p] * sz;
  const planeV = new Int32Array(planes);
  const planeZ = new Float64Array(planes + 1);
  let maxColumnsPerI = 0;
  for (let c = 0, start = 0; c <= columns.length; c++) {
    if (c === columns.length || Math.floor(columns[c] / ny) !== Math.floor(columns[start] / ny)) {
      maxColumnsPerI = Math.max(maxColumnsPerI, c - start);
      start = c;
    }
  }
  // Pass j's result for the columns of one i: g[column offset · planes + p].
  const g = new Float64Array(maxColumnsPerI * planes);

  for (let c0 = 0; c0 < columns.length; ) {
    const i = Math.floor(columns[c0] / ny);
    let c1 = c0;
    while (c1 < columns.length && Math.floor(columns[c1] / ny) === i) c1++;

    // Pass i (nearest site along the row, from the row's sites) and pass j, plane by plane.
    for (let p = 0; p < planes; p++) {
      const r0 = planeRowStart[p];
      const rows = planeRowStart[p + 1] - r0;
      for (let t = 0; t < rows; t++) {
        const q = r0 + t;
        const end = rowStart[q + 1];
        let ptr = rowPtr[q];
        while (ptr + 1 < end && siteI[ptr + 1] <= i) ptr++;
        rowPtr[q] = ptr;
        let d = Math.abs(i - siteI[ptr]);
        if (ptr + 1 < end && siteI[ptr + 1] - i < d) d = siteI[ptr + 1] - i;
        rowPos[t] = rowJ[q] * sy;
        rowVal[t] = d * sx * (d * sx);
      }
      lowerEnvelope(rowPos, rowVal, rows, rowV, rowZ);
      let m = 0;
      for (let c = c0; c < c1; c++) {
        const y = (columns[c] % ny) * sy;
        while (rowZ[m + 1] < y) m++;
        const t = rowV[m];
        g[(c - c0) * planes + p] = (y - rowPos[t]) * (y - rowPos[t]) + rowVal[t];
      }
    }

    // Pass k on each column of this i, evaluated at its queries.
    for (let c = c0; c < c1; c++) {
      const val = g.subarray((c - c0) * planes, (c - c0 + 1) * planes);
      lowerEnvelope(planePos, val, planes, planeV, planeZ);
      let m = 0;
      for (let at = columnCount[columns[c]]; at < columnCount[columns[c] + 1]; at++) {
        const x = kOf[at];
        while (planeZ[m + 1] < x) m++;
        const t = planeV[m];
        out[slotOf[at]] = (x - planePos[t]) * (x - planePos[t]) + val[t];
      }
    }
    c0 = c1;
  }
  return out;
}
