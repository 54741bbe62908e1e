// A NIfTI-1/2 labelmap (as nnU-Net, MONAI, SimpleITK and nibabel write them) as a mask on its grid.
//   voxel (i, j, k) is the file's voxel i + dim1·(j + dim2·k), the same layout as our labelmaps;
//   spacing: pixdim[1..3] in mm (xyzt_units metres or microns converted), as nibabel's zooms;
//   placement: the header's affine (sform or qform, as nifti-reader-js picks) from RAS to DICOM's
//     LPS patient coordinates (x and y negated), so a NIfTI made from a CT series lies on that
//     series' grid and a SEG of the same CT can be placed on it;
//   inside: every nonzero value, or the voxels equal to one label value (after scl_slope/inter);
//     read value by value into a 0/1 mask, so an int16 or float labelmap never costs more than
//     one byte per voxel.
// Decompressing a .nii.gz is the caller's (node:zlib in a command, DecompressionStream in a page).
import * as nifti from 'nifti-reader-js';
import type { SegGrid } from '../seg/segModel.ts';

export interface NiftiMask {
  grid: SegGrid;
  /** 1 where the voxel is selected, 0 elsewhere; i fastest */
  mask: Uint8Array;
}

/** A file that is not a NIfTI labelmap this reads; the message says why. */
export class NiftiError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NiftiError';
  }
}

type Reader = (view: DataView, at: number, little: boolean) => number;
const TYPES: Record<number, { bytes: number; read: Reader }> = {
  2: { bytes: 1, read: (v, at) => v.getUint8(at) },
  256: { bytes: 1, read: (v, at) => v.getInt8(at) },
  4: { bytes: 2, read: (v, at, le) => v.getInt16(at, le) },
  512: { bytes: 2, read: (v, at, le) => v.getUint16(at, le) },
  8: { bytes: 4, read: (v, at, le) => v.getInt32(at, le) },
  768: { bytes: 4, read: (v, at, le) => v.getUint32(at, le) },
  16: { bytes: 4, read: (v, at, le) => v.getFloat32(at, le) },
  64: { bytes: 8, read: (v, at, le) => v.getFloat64(at, le) },
};

/**
 * Reads an uncompressed NIfTI labelmap as a mask (every nonzero value, or the voxels equal to
 * `segment`) and its grid; see the file's definitions. Throws NiftiError.
 */
export function readNiftiMask(bytes: Uint8Array, segment?: number): NiftiMask {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  if (!nifti.isNIFTI(buffer)) throw new NiftiError('not a NIfTI file (no NIfTI-1 or NIfTI-2 header)');
  const header = nifti.readHeader(buffer);
  const [ndim, nx, ny0, nz0, ...rest] = header.dims;
  const ny = ndim >= 2 ? ny0 : 1;
  const nz = ndim >= 3 ? nz0 : 1;
  if (ndim > 3 && rest.slice(0, ndim - 3).some((n) => n > 1)) throw new NiftiError(`a ${header.dims.slice(1, ndim + 1).join('x')} image is not a 3D labelmap`);
  if (![nx, ny, nz].every((n) => Number.isInteger(n) && n > 0)) throw new NiftiError(`invalid dimensions ${header.dims.slice(1, 4).join('x')}`);
  const type = TYPES[header.datatypeCode];
  if (!type) throw new NiftiError(`voxels of NIfTI data type ${header.datatypeCode} (${header.getDatatypeCodeString(header.datatypeCode)}) are not read as a labelmap`);
  const voxels = nx * ny * nz;
  const offset = Math.max(header.vox_offset, 0);
  if (offset + voxels * type.bytes > buffer.byteLength) throw new NiftiError(`the file is truncated: ${voxels} voxels need ${voxels * type.bytes} bytes after offset ${offset}, it has ${buffer.byteLength - offset}`);
  const units = header.xyzt_units & 7;
  const toMm = units === 1 ? 1000 : units === 3 ? 0.001 : 1;
  const spacing = [1, 2, 3].map((n) => Math.abs(header.pixDims[n] || 1) * toMm) as [number, number, number];

  const view = new DataView(buffer, offset, voxels * type.bytes);
  const slope = header.scl_slope;
  const scaled = Number.isFinite(slope) && slope !== 0 && (slope !== 1 || header.scl_inter !== 0);
  const mask = new Uint8Array(voxels);
  const little = header.littleEndian;
  for (let n = 0; n < voxels; n++) {
    let v = type.read(view, n * type.bytes, little);
    if (scaled) v = v * slope + header.scl_inter;
    mask[n] = segment === undefined ? (v !== 0 && !Number.isNaN(v) ? 1 : 0) : v === segment ? 1 : 0;
  }

  // Columns of the affine are the grid axes in RAS mm; DICOM patient coordinates are LPS.
  const m = header.affine;
  const lps = (v: number[]): number[] => [-v[0], -v[1], v[2]];
  const axis = (c: number): number[] => {
    const col = lps([m[0][c], m[1][c], m[2][c]].map((x) => x * toMm));
    const norm = Math.hypot(...col) || 1;
    return col.map((x) => x / norm);
  };
  const origin = lps([m[0][3], m[1][3], m[2][3]].map((x) => x * toMm));
  return {
    grid: { dims: [nx, ny, nz], spacing, origin: [origin[0], origin[1], origin[2]], direction: [...axis(0), ...axis(1), ...axis(2)] },
    mask,
  };
}
