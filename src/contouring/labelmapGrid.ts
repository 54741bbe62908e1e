// The voxel grid a labelmap shares with its CT: one byte per voxel, x fastest (i + j*nx + k*nx*ny),
// the layout Cornerstone and DICOM frames use, so a slice of constant k is one contiguous run.
export type Axis = 0 | 1 | 2;
export type Dims = readonly [number, number, number];
export type Spacing = readonly [number, number, number];

/** A box of voxels, inclusive, in ijk. */
export interface VoxelBox {
  lo: [number, number, number];
  hi: [number, number, number];
}

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

/**
 * Visits each grid row (constant j, k) holding `value`, with the first and last i where it
 * does. The native searches skip unpainted stretches several times faster than a JS loop, and
 * a row is searched from both ends so its middle is never read.
 */
export function forEachRowHolding(data: Uint8Array, dims: Dims, value: number, visit: (rowIndex: number, first: number, last: number, j: number, k: number) => void): void {
  const [nx, ny] = dims;
  let from = 0;
  for (;;) {
    const hit = data.indexOf(value, from);
    if (hit < 0) return;
    const rowIndex = Math.floor(hit / nx);
    const row = rowIndex * nx;
    const j = rowIndex % ny;
    visit(rowIndex, hit - row, data.lastIndexOf(value, row + nx - 1) - row, j, (rowIndex - j) / ny);
    from = row + nx;
  }
}

/** Whether any voxel is labelled; reads four voxels at a time where the buffer allows. */
export function labelmapHasVoxels(labels: Uint8Array): boolean {
  const head = labels.byteOffset % 4 === 0 ? 0 : Math.min(labels.length, 4 - (labels.byteOffset % 4));
  for (let n = 0; n < head; n++) if (labels[n] !== 0) return true;
  if (head === labels.length) return false;
  const words = new Uint32Array(labels.buffer, labels.byteOffset + head, Math.floor((labels.length - head) / 4));
  for (let n = 0; n < words.length; n++) if (words[n] !== 0) return true;
  for (let n = head + words.length * 4; n < labels.length; n++) if (labels[n] !== 0) return true;
  return false;
}
