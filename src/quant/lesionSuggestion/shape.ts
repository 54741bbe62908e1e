// The shape tests of the lesion suggestion: an opening and a distance with a disc in the axial
// plane, and runs along the slices. A tube of any direction cuts an axial slice in a band or an
// ellipse whose width is the tube's diameter, so an in-plane disc tells vessels and walls from
// lesions whatever their course, at two row passes per slice instead of a 3D distance transform.

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
export function openInPlane(mask: Uint8Array, cx: number, cy: number, cz: number, sx: number, sy: number, radiusMm: number): Uint8Array {
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
export function nearInPlane(set: Uint8Array, query: Uint8Array, cx: number, cy: number, cz: number, sx: number, sy: number, radiusMm: number, outsideCounts = false): Uint8Array {
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
export function keepRunsAlongK(mask: Uint8Array, plane: number, cz: number, minRun: number): void {
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
