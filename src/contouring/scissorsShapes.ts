// In-plane cells a scissors shape covers on one slice. Coordinates are continuous cell coordinates in
// which cell (u, v) has its centre at (u, v); a cell is covered when its centre lies in the shape,
// boundary included, so the rectangle, ellipse and lasso agree on a shape's edge. Results are
// in-plane offsets u + width * v in ascending order, clipped to the width x height slice.

type Point = readonly [number, number];

// Slack for "centre lies exactly on an edge" after the division in an edge's crossing; cell
// coordinates are at most a few thousand, so this is far below any real distance.
const ON_EDGE = 1e-9;

/**
 * Cells whose centre lies inside the closed polygon through `points` (the last point joins the
 * first) by the even-odd rule, or on its outline. Scanline: each edge drops its crossing into the
 * rows it spans, then per row the crossings are sorted and the spans between alternate crossings
 * filled, so a long freehand lasso costs its edges plus its crossings, not edges x rows.
 */
export function polygonCells(points: ReadonlyArray<Point>, width: number, height: number): Uint32Array {
  const n = points.length;
  if (n === 0 || width <= 0 || height <= 0) return new Uint32Array(0);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let yMin = Infinity;
  let yMax = -Infinity;
  let xMin = Infinity;
  let xMax = -Infinity;
  for (let e = 0; e < n; e++) {
    const x = (xs[e] = points[e][0]);
    const y = (ys[e] = points[e][1]);
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
    if (x < xMin) xMin = x;
    if (x > xMax) xMax = x;
  }
  const vStart = Math.max(0, Math.ceil(yMin));
  const vEnd = Math.min(height - 1, Math.floor(yMax));
  const uStart = Math.max(0, Math.ceil(xMin));
  const uEnd = Math.min(width - 1, Math.floor(xMax));
  if (!(vStart <= vEnd && uStart <= uEnd)) return new Uint32Array(0);
  const rows = vEnd - vStart + 1;
  const bw = uEnd - uStart + 1;
  // Coverage over the polygon's clipped box, so a cell reached both as interior and as outline is
  // emitted once, and the result comes out in ascending order.
  const covered = new Uint8Array(bw * rows);
  const mark = (v: number, from: number, to: number): void => {
    const row = bw * (v - vStart) - uStart;
    const a = Math.max(from, uStart);
    const b = Math.min(to, uEnd);
    for (let u = a; u <= b; u++) covered[row + u] = 1;
  };

  // Crossings are counted half-open in y, so a vertex shared by two edges is counted once when the
  // outline passes through its row and twice (or not at all) when it only touches it: an edge crosses
  // rows ceil(yLow) .. ceil(yHigh) - 1. Horizontal edges never cross.
  const start = new Int32Array(rows + 1);
  for (let e = 0; e < n; e++) {
    const f = e + 1 === n ? 0 : e + 1;
    const a = Math.max(vStart, Math.ceil(Math.min(ys[e], ys[f])));
    const b = Math.min(vEnd, Math.ceil(Math.max(ys[e], ys[f])) - 1);
    for (let v = a; v <= b; v++) start[v - vStart + 1]++;
  }
  for (let r = 0; r < rows; r++) start[r + 1] += start[r];
  const crossings = new Float64Array(start[rows]);
  const filled = start.slice(0, rows);

  for (let e = 0; e < n; e++) {
    const f = e + 1 === n ? 0 : e + 1;
    const x0 = xs[e];
    const y0 = ys[e];
    const x1 = xs[f];
    const y1 = ys[f];
    if (y0 === y1) {
      // Its own cells are outline.
      if (Number.isInteger(y0) && y0 >= vStart && y0 <= vEnd) mark(y0, Math.ceil(Math.min(x0, x1)), Math.floor(Math.max(x0, x1)));
      continue;
    }
    const low = Math.min(y0, y1);
    const high = Math.max(y0, y1);
    const a = Math.max(vStart, Math.ceil(low));
    const b = Math.min(vEnd, Math.floor(high));
    for (let v = a; v <= b; v++) {
      const x = x0 + ((v - y0) * (x1 - x0)) / (y1 - y0);
      const nearest = Math.round(x);
      if (Math.abs(x - nearest) <= ON_EDGE) mark(v, nearest, nearest);
      if (v < high) crossings[filled[v - vStart]++] = x;
    }
  }

  for (let r = 0; r < rows; r++) {
    const row = crossings.subarray(start[r], start[r + 1]).sort();
    // A centre at x is inside when an odd number of crossings lie to its right: x in [x_2m, x_2m+1).
    for (let m = 0; m + 1 < row.length; m += 2) mark(r + vStart, Math.ceil(row[m]), Math.ceil(row[m + 1]) - 1);
  }

  let count = 0;
  for (let c = 0; c < covered.length; c++) count += covered[c];
  const out = new Uint32Array(count);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    const row = bw * r;
    const offset = width * (r + vStart) + uStart;
    for (let u = 0; u < bw; u++) if (covered[row + u] !== 0) out[k++] = offset + u;
  }
  return out;
}

/** Cells whose centre lies in the axis-aligned rectangle with corners `a` and `b` (inclusive, any order). */
export function rectangleCells(a: Point, b: Point, width: number, height: number): Uint32Array {
  const u0 = Math.max(0, Math.ceil(Math.min(a[0], b[0])));
  const u1 = Math.min(width - 1, Math.floor(Math.max(a[0], b[0])));
  const v0 = Math.max(0, Math.ceil(Math.min(a[1], b[1])));
  const v1 = Math.min(height - 1, Math.floor(Math.max(a[1], b[1])));
  if (!(u0 <= u1 && v0 <= v1)) return new Uint32Array(0);
  const out = new Uint32Array((u1 - u0 + 1) * (v1 - v0 + 1));
  let count = 0;
  for (let v = v0; v <= v1; v++) for (let u = u0; u <= u1; u++) out[count++] = u + width * v;
  return out;
}

/**
 * Cells whose centre satisfies ((u-cu)/ru)^2 + ((v-cv)/rv)^2 <= 1, radii in cells (a circle in mm at
 * anisotropic pixel spacing is an ellipse here). A zero radius degenerates to the segment along the
 * other axis; a negative or non-finite one covers nothing.
 */
export function ellipseCells(center: Point, radiusU: number, radiusV: number, width: number, height: number): Uint32Array {
  const [cu, cv] = center;
  const ru = radiusU;
  const rv = radiusV;
  if (!(ru >= 0 && rv >= 0 && Number.isFinite(ru) && Number.isFinite(rv))) return new Uint32Array(0);
  const v0 = Math.max(0, Math.ceil(cv - rv));
  const v1 = Math.min(height - 1, Math.floor(cv + rv));
  const uLo = Math.max(0, Math.ceil(cu - ru));
  const uHi = Math.min(width - 1, Math.floor(cu + ru));
  if (!(v0 <= v1 && uLo <= uHi)) return new Uint32Array(0);
  const ru2 = ru * ru;
  const rv2 = rv * rv;
  const out = new Uint32Array((v1 - v0 + 1) * (uHi - uLo + 1));
  let count = 0;
  for (let v = v0; v <= v1; v++) {
    const dv = v - cv;
    // The square root only narrows the candidates (one cell of slack for its rounding); membership
    // is decided by the division-free test, which is exact for integer centres and radii, so cells
    // exactly on the outline (e.g. (3, 4) on a radius-5 circle) are not lost to rounding.
    const half = rv > 0 ? ru * Math.sqrt(Math.max(0, 1 - (dv * dv) / rv2)) : ru;
    const a = Math.max(uLo, Math.ceil(cu - half) - 1);
    const b = Math.min(uHi, Math.floor(cu + half) + 1);
    for (let u = a; u <= b; u++) {
      const du = u - cu;
      // |du| <= ru and |dv| <= rv are implied for positive radii and keep a zero radius a segment.
      if (du * du * rv2 + dv * dv * ru2 <= ru2 * rv2 && Math.abs(du) <= ru && Math.abs(dv) <= rv) out[count++] = u + width * v;
    }
  }
  return out.slice(0, count);
}
