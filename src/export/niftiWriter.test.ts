import { gunzipSync, gzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { describe, expect, it } from 'vitest';
import { readNiftiMask } from '../metrics/niftiLabelmap.ts';
import { tiltedGrid } from '../seg/segTestData.ts';
import type { SegGrid } from '../seg/segModel.ts';
import { NIFTI_VOX_OFFSET, niftiImage, rasAffine } from './niftiWriter.ts';

const toBuffer = (b: Uint8Array): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

function read(bytes: Uint8Array) {
  const buffer = toBuffer(bytes);
  expect(nifti.isNIFTI1(buffer)).toBe(true);
  const header = nifti.readHeader(buffer) as nifti.NIFTI1;
  return { header, image: nifti.readImage(header, buffer) };
}

/** The affine nibabel would give: rows of RAS mm per voxel step, from the grid by hand (LPS → RAS negates x and y). */
function expectedAffine(g: SegGrid): number[][] {
  const d = g.direction;
  const s = g.spacing;
  const o = g.origin;
  return [
    [-d[0] * s[0], -d[3] * s[1], -d[6] * s[2], -o[0]],
    [-d[1] * s[0], -d[4] * s[1], -d[7] * s[2], -o[1]],
    [d[2] * s[0], d[5] * s[1], d[8] * s[2], o[2]],
    [0, 0, 0, 1],
  ].map((row) => row.map((x) => x + 0));
}

function expectClose(a: number[][], b: number[][], digits: number): void {
  for (let r = 0; r < b.length; r++) for (let c = 0; c < b[r].length; c++) expect(a[r][c], `[${r}][${c}]`).toBeCloseTo(b[r][c], digits);
}

// The viewer's axial grid: rows left→right (+x), columns anterior→posterior (+y), slices head→feet (−z).
const axial: SegGrid = { dims: [4, 3, 5], spacing: [0.75, 0.875, 2.5], origin: [-150.5, -120.25, 40], direction: [1, 0, 0, 0, 1, 0, 0, 0, -1] };

describe('niftiImage', () => {
  it('writes a NIfTI-1 header nifti-reader-js reads back exactly: dims, type, pixdim, units, offset, codes', () => {
    const hu = Int16Array.from({ length: 60 }, (_, n) => n * 37 - 1024);
    const bytes = niftiImage(hu, axial, { description: 'CT test HU' });
    expect(bytes.length).toBe(NIFTI_VOX_OFFSET + 120);
    const { header } = read(bytes);
    expect(new DataView(bytes.buffer).getInt32(0, true)).toBe(348);
    expect(header.dims).toEqual([3, 4, 3, 5, 1, 1, 1, 1]);
    expect(header.datatypeCode).toBe(nifti.NIFTI1.TYPE_INT16);
    expect(header.numBitsPerVoxel).toBe(16);
    expect(header.pixDims.slice(1, 4)).toEqual([0.75, 0.875, 2.5]);
    expect(header.xyzt_units).toBe(nifti.NIFTI1.UNITS_MM);
    expect(header.vox_offset).toBe(352);
    expect(header.scl_slope).toBe(1);
    expect(header.scl_inter).toBe(0);
    expect(header.sform_code).toBe(nifti.NIFTI1.XFORM_SCANNER_ANAT);
    expect(header.qform_code).toBe(nifti.NIFTI1.XFORM_SCANNER_ANAT);
    expect(header.magic).toBe('n+1');
    expect(header.description).toBe('CT test HU');
    expect(header.littleEndian).toBe(true);
    expect(header.cal_min).toBe(-1024);
    expect(header.cal_max).toBe(59 * 37 - 1024);
  });

  it('has the RAS affine of the DICOM grid in the sform exactly and in the qform (float32)', () => {
    const { header } = read(niftiImage(new Uint8Array(60), axial));
    // Every value of this grid is exact in float32.
    expect(header.affine).toEqual(expectedAffine(axial));
    expect(rasAffine(axial)).toEqual(expectedAffine(axial).slice(0, 3));
    // The slices run head→feet, a left-handed grid in RAS: qfac (pixdim[0]) −1.
    expect(header.pixDims[0]).toBe(-1);
    expectClose(header.getQformMat(), expectedAffine(axial), 6);
  });

  it('keeps a tilted, oblique grid in both forms', () => {
    const tilted = tiltedGrid(5, 4, 3);
    const { header } = read(niftiImage(new Uint8Array(60), tilted));
    expectClose(header.affine, expectedAffine(tilted), 4);
    expectClose(header.getQformMat(), expectedAffine(tilted), 4);
    expect(header.pixDims[0]).toBe(1);
    // And the project's own NIfTI reader (npm run agreement) places it back on the grid.
    const back = readNiftiMask(niftiImage(new Uint8Array(60), tilted)).grid;
    back.direction.forEach((d, n) => expect(d).toBeCloseTo(tilted.direction[n], 6));
    back.origin.forEach((o, n) => expect(o).toBeCloseTo(tilted.origin[n], 4));
  });

  it('round-trips int16 HU and uint8 labels voxel for voxel, also through gzip', () => {
    const hu = Int16Array.from({ length: 60 }, (_, n) => ((n * 7919) % 4096) - 2048);
    const back = read(gunzipSync(gzipSync(niftiImage(hu, axial)))).image;
    expect([...new Int16Array(back)]).toEqual([...hu]);
    const labels = Uint8Array.from({ length: 60 }, (_, n) => n % 4);
    const { header, image } = read(niftiImage(labels, axial, { intentName: 'labels' }));
    expect(header.datatypeCode).toBe(nifti.NIFTI1.TYPE_UINT8);
    expect(header.intent_name).toBe('labels');
    expect([...new Uint8Array(image)]).toEqual([...labels]);
  });

  it('refuses voxels that are not the grid', () => {
    expect(() => niftiImage(new Uint8Array(59), axial)).toThrow(/59 voxels/);
  });
});
