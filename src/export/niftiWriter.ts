// NIfTI-1 single-file images (.nii) of a CT (int16 HU) or a labelmap (uint8) on the viewer's grid,
// for the research export: what nibabel, SimpleITK, nnU-Net and MONAI read. Pure: the caller
// gzips the bytes (node:zlib in a command, CompressionStream in a page) to make a .nii.gz.
//
// Geometry (NIfTI-1 header, nifti1.h "3D IMAGE (VOLUME) ORIENTATION AND LOCATION IN SPACE"):
//   the grid's origin is the centre of voxel (0,0,0) in DICOM patient coordinates (LPS), its
//   direction the row cosines (i), column cosines (j) and slice normal (k); NIfTI's world is RAS,
//   so x and y are negated. Both the sform (method 3, the full affine) and the qform (method 2,
//   quaternion + qfac) are written with code 1 (scanner-anatomical): readers differ in which
//   they prefer, and both say the same here since the viewer's axes are orthonormal.
import type { SegGrid } from '../seg/segModel.ts';

export const NIFTI_HEADER_BYTES = 348;
/** 348-byte header + 4-byte extension flag (all zero: no extensions), so vox_offset = 352. */
export const NIFTI_VOX_OFFSET = 352;

const DT_UINT8 = 2;
const DT_INT16 = 4;
const NIFTI_XFORM_SCANNER_ANAT = 1;
const NIFTI_UNITS_MM = 2;
// Typed arrays use the host's byte order; on a little-endian host the int16 voxels are copied as they are.
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The 4x4 voxel-to-RAS affine (row-major rows 0..2; row 3 is 0 0 0 1). */
export function rasAffine(grid: SegGrid): number[][] {
  const { direction: d, spacing: s, origin: o } = grid;
  const rows: number[][] = [];
  for (let r = 0; r < 3; r++) {
    const sign = r < 2 ? -1 : 1;
    // + 0: no −0 in the header (the same affine either way, but tools print and compare it).
    rows.push([sign * d[r] * s[0] + 0, sign * d[3 + r] * s[1] + 0, sign * d[6 + r] * s[2] + 0, sign * o[r] + 0]);
  }
  return rows;
}

/**
 * The qform of a rotation (columns = unit RAS axes of i, j, k): quaternion b, c, d and qfac, as
 * nifti1_io.c nifti_mat44_to_quatern does (a left-handed grid has qfac -1 and its k column negated).
 */
export function quaternOf(r: number[][]): { b: number; c: number; d: number; qfac: number } {
  const m = r.map((row) => [...row]);
  const det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const qfac = det < 0 ? -1 : 1;
  if (qfac < 0) for (let i = 0; i < 3; i++) m[i][2] = -m[i][2];
  let a = 1 + m[0][0] + m[1][1] + m[2][2];
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (m[2][1] - m[1][2])) / a;
    c = (0.25 * (m[0][2] - m[2][0])) / a;
    d = (0.25 * (m[1][0] - m[0][1])) / a;
  } else {
    const xd = 1 + m[0][0] - (m[1][1] + m[2][2]);
    const yd = 1 + m[1][1] - (m[0][0] + m[2][2]);
    const zd = 1 + m[2][2] - (m[0][0] + m[1][1]);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (m[0][1] + m[1][0])) / b;
      d = (0.25 * (m[0][2] + m[2][0])) / b;
      a = (0.25 * (m[2][1] - m[1][2])) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (m[0][1] + m[1][0])) / c;
      d = (0.25 * (m[1][2] + m[2][1])) / c;
      a = (0.25 * (m[0][2] - m[2][0])) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (m[0][2] + m[2][0])) / d;
      c = (0.25 * (m[1][2] + m[2][1])) / d;
      a = (0.25 * (m[1][0] - m[0][1])) / d;
    }
    // The header keeps b, c, d with a = sqrt(1 - b² - c² - d²) ≥ 0: flip the sign when a < 0.
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { b, c, d, qfac };
}

export interface NiftiOptions {
  /** descrip (80 bytes, ASCII): what the image is */
  description?: string;
  /** intent_name (16 bytes): "labels" for a labelmap, as ITK-SNAP and 3D Slicer write it */
  intentName?: string;
}

/**
 * A NIfTI-1 file (uncompressed) of the voxels on the grid: int16 (DT_INT16, HU as stored, slope
 * 1 intercept 0) for an Int16Array, uint8 (DT_UINT8) for a Uint8Array; index i + nx·(j + ny·k),
 * NIfTI's own voxel order, little endian.
 */
export function niftiImage(voxels: Int16Array | Uint8Array, grid: SegGrid, options: NiftiOptions = {}): Uint8Array {
  const [nx, ny, nz] = grid.dims;
  if (voxels.length !== nx * ny * nz) throw new Error(`nifti: ${voxels.length} voxels for a ${nx}x${ny}x${nz} grid`);
  if (![nx, ny, nz].every((n) => Number.isInteger(n) && n > 0 && n <= 32767)) throw new Error(`nifti: dimensions ${nx}x${ny}x${nz} do not fit a NIfTI-1 header`);
  const int16 = voxels instanceof Int16Array;
  const bytesPer = int16 ? 2 : 1;
  const out = new Uint8Array(NIFTI_VOX_OFFSET + voxels.length * bytesPer);
  const h = new DataView(out.buffer);
  const le = true;
  h.setInt32(0, NIFTI_HEADER_BYTES, le); // sizeof_hdr
  h.setUint8(38, 0x72); // regular = 'r', as nibabel writes it (unused by NIfTI-1)
  [3, nx, ny, nz, 1, 1, 1, 1].forEach((v, n) => h.setInt16(40 + 2 * n, v, le)); // dim
  h.setInt16(70, int16 ? DT_INT16 : DT_UINT8, le); // datatype
  h.setInt16(72, 8 * bytesPer, le); // bitpix

  const affine = rasAffine(grid);
  const rot = [0, 1, 2].map((r) => [0, 1, 2].map((c) => affine[r][c] / grid.spacing[c]));
  const q = quaternOf(rot);
  [q.qfac, grid.spacing[0], grid.spacing[1], grid.spacing[2], 0, 0, 0, 0].forEach((v, n) => h.setFloat32(76 + 4 * n, v, le)); // pixdim
  h.setFloat32(108, NIFTI_VOX_OFFSET, le); // vox_offset
  h.setFloat32(112, 1, le); // scl_slope: the stored values are the values (HU, label)
  h.setFloat32(116, 0, le); // scl_inter
  h.setUint8(123, NIFTI_UNITS_MM); // xyzt_units: mm, no time unit
  if (int16) {
    let min = 0;
    let max = 0;
    if (voxels.length > 0) {
      min = max = voxels[0];
      for (let n = 1; n < voxels.length; n++) {
        const v = voxels[n];
        if (v < min) min = v;
        else if (v > max) max = v;
      }
    }
    h.setFloat32(124, max, le); // cal_max: what a viewer shows at full white without a window
    h.setFloat32(128, min, le); // cal_min
  }
  ascii(out, 148, 80, options.description ?? '');
  h.setInt16(252, NIFTI_XFORM_SCANNER_ANAT, le); // qform_code
  h.setInt16(254, NIFTI_XFORM_SCANNER_ANAT, le); // sform_code
  [q.b, q.c, q.d, affine[0][3], affine[1][3], affine[2][3]].forEach((v, n) => h.setFloat32(256 + 4 * n, v, le)); // quatern_b..qoffset_z
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) h.setFloat32(280 + 16 * r + 4 * c, affine[r][c], le); // srow_x/y/z
  ascii(out, 328, 16, options.intentName ?? '');
  out.set([0x6e, 0x2b, 0x31, 0], 344); // magic "n+1\0": header and data in one file
  // bytes 348..351: extension flag 0 (no extensions), already zero.
  if (int16 && !LITTLE_ENDIAN_HOST) {
    const body = new DataView(out.buffer, NIFTI_VOX_OFFSET);
    for (let n = 0; n < voxels.length; n++) body.setInt16(2 * n, voxels[n], le);
  } else {
    out.set(new Uint8Array(voxels.buffer, voxels.byteOffset, voxels.byteLength), NIFTI_VOX_OFFSET);
  }
  return out;
}

/** Printable ASCII only, cut to the field (NUL-terminated when shorter). */
function ascii(out: Uint8Array, at: number, length: number, text: string): void {
  const clean = text.replace(/[^\x20-\x7e]/g, '?').slice(0, length - 1);
  for (let n = 0; n < clean.length; n++) out[at + n] = clean.charCodeAt(n);
}
