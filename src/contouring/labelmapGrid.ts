// The voxel grid a labelmap shares with its CT: one byte per voxel, x fastest (i + j*nx + k*nx*ny),
// the layout Cornerstone and DICOM frames use, so a slice of constant k is one contiguous run.
export type Axis = 0 | 1 | 2;
export type Dims = readonly [number, number, number];
export type Spacing = readonly [number, number, number];

export interface Labelmap {
  readonly data: Uint8Array;
  readonly dims: Dims;
  /** Voxel size in mm along i, j, k. */
  readonly spacing: Spacing;
}

export function voxelIndex(dims: Dims, i: number, j: number, k: number): number {
  return i + dims[0] * (j + dims[1] * k);
}

export function voxelIJK(dims: Dims, index: number): [number, number, number] {
  const plane = dims[0] * dims[1];
  const k = Math.floor(index / plane);
  const r = index - k * plane;
  const j = Math.floor(r / dims[0]);
  return [r - j * dims[0], j, k];
}

/**
 * A 2D slice of the grid across `axis` at `position`, addressed by in-plane (u, v):
 * axis 2 (axial): u = i, v = j; axis 1 (coronal): u = i, v = k; axis 0 (sagittal): u = j, v = k.
 */
export interface SliceAddress {
  axis: Axis;
  position: number;
  width: number;
  height: number;
  /** Voxel index of in-plane (u, v). */
  index(u: number, v: number): number;
}

export function sliceAddress(dims: Dims, axis: Axis, position: number): SliceAddress {
  const [nx, ny] = dims;
  const plane = nx * ny;
  if (axis === 2) return { axis, position, width: nx, height: ny, index: (u, v) => u + nx * v + plane * position };
  if (axis === 1) return { axis, position, width: nx, height: dims[2], index: (u, v) => u + nx * position + plane * v };
  return { axis, position, width: ny, height: dims[2], index: (u, v) => position + nx * u + plane * v };
}

/** In-plane voxel size (mm) of a slice across `axis`: [along u, along v]. */
export function sliceSpacing(spacing: Spacing, axis: Axis): [number, number] {
  if (axis === 2) return [spacing[0], spacing[1]];
  if (axis === 1) return [spacing[0], spacing[2]];
  return [spacing[1], spacing[2]];
}
