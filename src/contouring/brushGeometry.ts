// Which voxels a brush covers. A stroke is painted as capsules (the disc or ball swept between
// two successive pointer positions), so a fast drag leaves no gaps and the painted set depends
// only on the path, the radius and the voxel spacing.
import type { Axis, Dims, Spacing } from './labelmapGrid.ts';
import { sliceAddress, sliceSpacing } from './labelmapGrid.ts';

/** Where the voxel grid lies in patient space (Cornerstone's volume geometry). */
export interface GridFrame {
  dims: Dims;
  spacing: Spacing;
  origin: readonly number[];
  /** Row-major 3×3: the world directions of i, j and k. */
  direction: readonly number[];
}

/** Continuous voxel coordinates (voxel centres at integers) of a world point in mm. */
export function worldToIJK(frame: GridFrame, world: readonly number[]): [number, number, number] {
  const d = [world[0] - frame.origin[0], world[1] - frame.origin[1], world[2] - frame.origin[2]];
  const out: [number, number, number] = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const dir = frame.direction;
    out[a] = (d[0] * dir[a * 3] + d[1] * dir[a * 3 + 1] + d[2] * dir[a * 3 + 2]) / frame.spacing[a];
  }
  return out;
}

export function ijkToWorld(frame: GridFrame, ijk: readonly number[]): [number, number, number] {
  const out: [number, number, number] = [frame.origin[0], frame.origin[1], frame.origin[2]];
  for (let a = 0; a < 3; a++) {
    for (let c = 0; c < 3; c++) out[c] += ijk[a] * frame.spacing[a] * frame.direction[a * 3 + c];
  }
  return out;
}

/** The grid axis a view looks along: the one closest to its plane normal. */
export function axisOfNormal(frame: GridFrame, normal: readonly number[]): Axis {
  let best: Axis = 2;
  let bestDot = -1;
  for (const a of [0, 1, 2] as const) {
    const dot = Math.abs(normal[0] * frame.direction[a * 3] + normal[1] * frame.direction[a * 3 + 1] + normal[2] * frame.direction[a * 3 + 2]);
    if (dot > bestDot) {
      bestDot = dot;
      best = a;
    }
  }
  return best;
}

/** In-plane (u, v) of continuous ijk on a slice across `axis` (see sliceAddress). */
export function inPlane(axis: Axis, ijk: readonly number[]): [number, number] {
  if (axis === 2) return [ijk[0], ijk[1]];
  if (axis === 1) return [ijk[0], ijk[2]];
  return [ijk[1], ijk[2]];
}

/** Squared distance from p to the segment ab (all in mm). */
function segmentDistanceSq(px: number, py: number, pz: number, ax: number, ay: number, az: number, bx: number, by: number, bz: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const dz = bz - az;
  const len2 = dx * dx + dy * dy + dz * dz;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy + (pz - az) * dz) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = px - (ax + t * dx);
  const ey = py - (ay + t * dy);
  const ez = pz - (az + t * dz);
  return ex * ex + ey * ey + ez * ez;
}

/**
 * Visits each voxel of slice `position` across `axis` whose centre lies within `radiusMm` of the
 * segment a→b (in-plane voxel coordinates), distances measured in mm.
 */
export function forEachInDiscStroke(dims: Dims, spacing: Spacing, axis: Axis, position: number, a: readonly [number, number], b: readonly [number, number], radiusMm: number, visit: (index: number) => void): void {
  const slice = sliceAddress(dims, axis, position);
  if (position < 0 || position >= dims[axis]) return;
  const [su, sv] = sliceSpacing(spacing, axis);
  const u0 = Math.max(0, Math.ceil(Math.min(a[0], b[0]) - radiusMm / su));
  const u1 = Math.min(slice.width - 1, Math.floor(Math.max(a[0], b[0]) + radiusMm / su));
  const v0 = Math.max(0, Math.ceil(Math.min(a[1], b[1]) - radiusMm / sv));
  const v1 = Math.min(slice.height - 1, Math.floor(Math.max(a[1], b[1]) + radiusMm / sv));
  const r2 = radiusMm * radiusMm;
  const ax = a[0] * su, ay = a[1] * sv, bx = b[0] * su, by = b[1] * sv;
  for (let v = v0; v <= v1; v++) {
    for (let u = u0; u <= u1; u++) {
      if (segmentDistanceSq(u * su, v * sv, 0, ax, ay, 0, bx, by, 0) <= r2) visit(slice.index(u, v));
    }
  }
}

/** Visits each voxel whose centre lies within `radiusMm` of the segment a→b (continuous ijk). */
export function forEachInBallStroke(dims: Dims, spacing: Spacing, a: readonly number[], b: readonly number[], radiusMm: number, visit: (index: number) => void): void {
  const [sx, sy, sz] = spacing;
  const lo = [0, 1, 2].map((c) => Math.max(0, Math.ceil(Math.min(a[c], b[c]) - radiusMm / spacing[c])));
  const hi = [0, 1, 2].map((c) => Math.min(dims[c] - 1, Math.floor(Math.max(a[c], b[c]) + radiusMm / spacing[c])));
  const r2 = radiusMm * radiusMm;
  const ax = a[0] * sx, ay = a[1] * sy, az = a[2] * sz, bx = b[0] * sx, by = b[1] * sy, bz = b[2] * sz;
  const nx = dims[0];
  const plane = dims[0] * dims[1];
  for (let k = lo[2]; k <= hi[2]; k++) {
    for (let j = lo[1]; j <= hi[1]; j++) {
      const row = k * plane + j * nx;
      for (let i = lo[0]; i <= hi[0]; i++) {
        if (segmentDistanceSq(i * sx, j * sy, k * sz, ax, ay, az, bx, by, bz) <= r2) visit(row + i);
      }
    }
  }
}
