import type { Axis, Dims, Spacing } from './labelmapGrid.ts';
import { forEachRowHolding, sliceAddress, sliceSpacing } from './labelmapGrid.ts';

// Stands in for "no feature": large enough to lose every comparison, small enough that squaring it
// and adding stays finite, so no Infinity - Infinity can turn into NaN.
const FAR = 1e20;

// Distances on a grid are built from the same few spacings, so a blend that is exactly zero (the
// outline halfway between a key slice's inside and the other's outside) is common, and floating
// point rounding would decide it either way voxel by voxel. Counting anything within this (far below
// any voxel size, far above rounding on distances of a few hundred mm) as zero keeps "<= 0" meaning
// what it says.
const TIE_MM = 1e-6;

/**
 * Shape-based interpolation (Raya & Udupa): between each pair of consecutive slices across `axis`
 * that contain `value`, the signed distance maps (mm, negative inside) of the two key slices are
 * blended linearly by slice position and voxels with a blended distance <= 0 are filled.
 * Returns the voxels to set to `value` (only those now 0; key slices and slices outside the painted
 * range are never included) and the slice positions that receive any. Does not modify `data`.
 */
export function interpolateBetweenSlices(
  data: Uint8Array,
  dims: Dims,
  spacing: Spacing,
  value: number,
  axis: Axis,
): { indices: Uint32Array; filledSlices: number[] } {
  const [nx, ny, nz] = dims;
  if (data.length !== nx * ny * nz) throw new Error(`interpolateBetweenSlices: ${data.length} voxels for a ${nx}x${ny}x${nz} grid`);
  const depth = dims[axis];
  const { width, height } = sliceAddress(dims, axis, 0);

  // In-plane bounds of `value` on every slice across `axis`, from one pass over the volume
  // (uMax < 0 marks an unpainted slice).
  const uMin = new Int32Array(depth).fill(width);
  const uMax = new Int32Array(depth).fill(-1);
  const vMin = new Int32Array(depth).fill(height);
  const vMax = new Int32Array(depth).fill(-1);
  // Across axis 1 or 2 a grid row (constant j, k) lies in one slice with v fixed, so its first and
  // last hit are all that matter; across axis 0 every voxel of the row is on a different slice, so
  // the stretch between them is read.
  forEachRowHolding(data, dims, value, (rowIndex, first, last, j, k) => {
    if (axis === 0) {
      const row = rowIndex * nx;
      for (let i = first; i <= last; i++) {
        if (data[row + i] !== value) continue;
        if (j < uMin[i]) uMin[i] = j;
        if (j > uMax[i]) uMax[i] = j;
        if (k < vMin[i]) vMin[i] = k;
        if (k > vMax[i]) vMax[i] = k;
      }
      return;
    }
    const p = axis === 2 ? k : j;
    const v = axis === 2 ? j : k;
    if (first < uMin[p]) uMin[p] = first;
    if (last > uMax[p]) uMax[p] = last;
    if (v < vMin[p]) vMin[p] = v;
    if (v > vMax[p]) vMax[p] = v;
  });

  const [su, sv] = sliceSpacing(spacing, axis);
  const out = new GrowableIndices();
  const filledSlices: number[] = [];
  let previous = -1;
  for (let p = 0; p < depth; p++) {
    if (uMax[p] < 0) continue;
    if (previous >= 0 && p - previous > 1) {
      // The blended shape lies inside the union of the two key shapes (outside both, both distances
      // are positive, so is any blend), hence inside their joint bounding box. One voxel of margin
      // puts a ring of background around the box, which makes the inside distances exact too: the
      // nearest background of a box voxel is never farther than that ring.
      const u0 = Math.max(0, Math.min(uMin[previous], uMin[p]) - 1);
      const u1 = Math.min(width - 1, Math.max(uMax[previous], uMax[p]) + 1);
      const v0 = Math.max(0, Math.min(vMin[previous], vMin[p]) - 1);
      const v1 = Math.min(height - 1, Math.max(vMax[previous], vMax[p]) + 1);
      fillGap(data, dims, axis, value, previous, p, u0, u1, v0, v1, su, sv, out, filledSlices);
    }
    previous = p;
  }
  return { indices: out.result(), filledSlices };
}

function fillGap(
  data: Uint8Array,
  dims: Dims,
  axis: Axis,
  value: number,
  p0: number,
  p1: number,
  u0: number,
  u1: number,
  v0: number,
  v1: number,
  su: number,
  sv: number,
  out: GrowableIndices,
  filledSlices: number[],
): void {
  const w = u1 - u0 + 1;
  const h = v1 - v0 + 1;
  const d0 = signedDistance(data, dims, axis, p0, value, u0, v0, w, h, su, sv);
  const d1 = signedDistance(data, dims, axis, p1, value, u0, v0, w, h, su, sv);
  for (let p = p0 + 1; p < p1; p++) {
    const t = (p - p0) / (p1 - p0);
    const { base, strideU, strideV } = strides(dims, axis, p);
    const before = out.length;
    for (let y = 0; y < h; y++) {
      const rowIndex = base + strideV * (v0 + y) + strideU * u0;
      for (let x = 0; x < w; x++) {
        const c = x + w * y;
        if ((1 - t) * d0[c] + t * d1[c] > TIE_MM) continue;
        const index = rowIndex + strideU * x;
        if (data[index] === 0) out.push(index);
      }
    }
    if (out.length > before) filledSlices.push(p);
  }
}

/** Voxel index of (u, v) on slice `position` is base + strideU * u + strideV * v. */
function strides(dims: Dims, axis: Axis, position: number): { base: number; strideU: number; strideV: number } {
  // Derived from the shared slice addressing (which is affine in u and v) instead of restating the
  // per-axis layout, and without a closure call per voxel.
  const slice = sliceAddress(dims, axis, position);
  const base = slice.index(0, 0);
  return { base, strideU: slice.index(1, 0) - base, strideV: slice.index(0, 1) - base };
}

/**
 * Signed distance (mm) over the w x h window at (u0, v0) of one slice: minus the distance from an
 * inside voxel centre to the nearest outside centre, plus the distance from an outside centre to the
 * nearest inside one. Voxels outside the window count as neither, so a shape cut by the image edge is
 * not pulled away from that edge.
 */
function signedDistance(
  data: Uint8Array,
  dims: Dims,
  axis: Axis,
  position: number,
  value: number,
  u0: number,
  v0: number,
  w: number,
  h: number,
  su: number,
  sv: number,
): Float64Array {
  const { base, strideU, strideV } = strides(dims, axis, position);
  const inside = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const rowIndex = base + strideV * (v0 + y) + strideU * u0;
    for (let x = 0; x < w; x++) inside[x + w * y] = data[rowIndex + strideU * x] === value ? 1 : 0;
  }
  const toInside = squaredDistanceTo(inside, 1, w, h, su, sv);
  const toOutside = squaredDistanceTo(inside, 0, w, h, su, sv);
  const signed = new Float64Array(w * h);
  for (let c = 0; c < w * h; c++) signed[c] = inside[c] === 1 ? -Math.sqrt(toOutside[c]) : Math.sqrt(toInside[c]);
  return signed;
}

/**
 * Exact squared Euclidean distance (mm^2) from every cell to the nearest cell whose mask equals `target`,
 * separably: along u by two sweeps (exact in 1D on a binary mask), then along v as the lower envelope
 * of parabolas (Felzenszwalb & Huttenlocher), with the cell sizes su and sv folded into the coordinates.
 */
function squaredDistanceTo(mask: Uint8Array, target: number, w: number, h: number, su: number, sv: number): Float64Array {
  const g = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = w * y;
    let last = -1;
    for (let x = 0; x < w; x++) {
      if (mask[row + x] === target) last = x;
      g[row + x] = last < 0 ? FAR : (x - last) * su;
    }
    last = -1;
    for (let x = w - 1; x >= 0; x--) {
      if (mask[row + x] === target) last = x;
      if (last >= 0) {
        const d = (last - x) * su;
        if (d < g[row + x]) g[row + x] = d;
      }
    }
    for (let x = 0; x < w; x++) {
      const d = g[row + x];
      g[row + x] = d >= FAR ? FAR : d * d;
    }
  }

  const out = new Float64Array(w * h);
  // Envelope state per column: the parabolas' apex positions (cell index) and the boundaries between them.
  const apex = new Int32Array(h);
  const bound = new Float64Array(h + 1);
  for (let x = 0; x < w; x++) {
    // Rows with no feature carry no parabola; leaving them out keeps FAR out of the intersection maths.
    let n = -1;
    for (let y = 0; y < h; y++) {
      const f = g[x + w * y];
      if (f >= FAR) continue;
      const py = y * sv;
      while (n >= 0) {
        const q = apex[n];
        const qy = q * sv;
        const s = (f + py * py - (g[x + w * q] + qy * qy)) / (2 * (py - qy));
        if (s > bound[n]) {
          bound[n + 1] = s;
          break;
        }
        n--;
      }
      if (n < 0) {
        n = 0;
        bound[0] = -Infinity;
      } else {
        n++;
      }
      apex[n] = y;
      bound[n + 1] = Infinity;
    }
    if (n < 0) {
      for (let y = 0; y < h; y++) out[x + w * y] = FAR;
      continue;
    }
    let m = 0;
    for (let y = 0; y < h; y++) {
      const py = y * sv;
      while (bound[m + 1] < py) m++;
      const q = apex[m];
      const dy = py - q * sv;
      out[x + w * y] = dy * dy + g[x + w * q];
    }
  }
  return out;
}

/** Append-only Uint32Array that doubles when full, so no per-voxel boxing into a JS array. */
class GrowableIndices {
  private buffer = new Uint32Array(1024);
  length = 0;

  push(index: number): void {
    if (this.length === this.buffer.length) {
      const grown = new Uint32Array(this.buffer.length * 2);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    this.buffer[this.length++] = index;
  }

  result(): Uint32Array {
    return this.buffer.slice(0, this.length);
  }
}
