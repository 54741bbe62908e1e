// A minimal NIfTI-1 writer for the tests (the app only reads NIfTI): uint8 voxels, or int16 with a
// scale, sform from a DICOM grid (LPS) to NIfTI's RAS.
import type { SegGrid } from '../seg/segModel.ts';

/** A NIfTI-1 file of the labels on the grid (sform: DICOM LPS to NIfTI RAS). */
export function niftiBytes(labels: Uint8Array | Int16Array, grid: SegGrid, options: { sclSlope?: number; sclInter?: number; bigEndian?: boolean } = {}): Uint8Array {
  const le = !options.bigEndian;
  const bytesPer = labels instanceof Int16Array ? 2 : 1;
  const header = new DataView(new ArrayBuffer(352));
  header.setInt32(0, 348, le);
  [3, ...grid.dims, 1, 1, 1, 1].forEach((d, n) => header.setInt16(40 + 2 * n, d, le));
  header.setInt16(70, bytesPer === 2 ? 4 : 2, le); // DT_INT16 or DT_UINT8
  header.setInt16(72, 8 * bytesPer, le);
  [1, ...grid.spacing, 1, 1, 1, 1].forEach((p, n) => header.setFloat32(76 + 4 * n, p, le));
  header.setFloat32(108, 352, le); // vox_offset
  header.setFloat32(112, options.sclSlope ?? 1, le);
  header.setFloat32(116, options.sclInter ?? 0, le);
  header.setUint8(123, 2); // mm
  header.setInt16(254, 1, le); // sform_code: scanner
  const { direction: d, spacing: s, origin: o } = grid;
  for (let row = 0; row < 3; row++) {
    const sign = row < 2 ? -1 : 1;
    for (let c = 0; c < 3; c++) header.setFloat32(280 + 16 * row + 4 * c, sign * d[3 * c + row] * s[c], le);
    header.setFloat32(280 + 16 * row + 12, sign * o[row], le);
  }
  [0x6e, 0x2b, 0x31, 0].forEach((b, n) => header.setUint8(344 + n, b)); // "n+1\0"
  const out = new Uint8Array(352 + labels.length * bytesPer);
  out.set(new Uint8Array(header.buffer), 0);
  const body = new DataView(out.buffer, 352);
  labels.forEach((v, n) => (bytesPer === 2 ? body.setInt16(2 * n, v, le) : body.setUint8(n, v)));
  return out;
}
