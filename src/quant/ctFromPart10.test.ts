import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { concat, encapsulatedPixelData, ex, im, part10 } from '../dicom/part10Bytes.testSupport.ts';
import { ctSeriesFromPart10, ctVolumeFromPart10, QuantInputError } from './ctFromPart10.ts';

const SHARED = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const IMPLICIT = '1.2.840.10008.1.2';

function us(v: number): Uint8Array {
  return new Uint8Array([v & 0xff, v >> 8]);
}

interface SliceSpec {
  z: number;
  pixels: number[]; // stored values, 2×3 image (rows 2, columns 3)
  modality?: string;
  series?: string;
  instance?: number;
  transferSyntax?: string;
  pixelRepresentation?: number;
  slope?: string;
  intercept?: string;
  encapsulated?: Uint8Array;
}

function slice(s: SliceSpec): Uint8Array {
  const ts = s.transferSyntax ?? EXPLICIT;
  const e = ts === IMPLICIT ? (tag: number, _vr: string, v: string | Uint8Array) => im(tag, v) : ex;
  const pixels = new Uint8Array(new Uint16Array(s.pixels.map((v) => v & 0xffff)).buffer);
  const uid = `1.2.3.${s.instance ?? Math.round(s.z * 10 + 1000)}`;
  const body = concat(
    e(0x00080016, 'UI', CT_IMAGE),
    e(0x00080018, 'UI', uid),
    e(0x00080060, 'CS', s.modality ?? 'CT'),
    e(0x00180050, 'DS', '2'),
    e(0x0020000e, 'UI', s.series ?? '1.2.3.99'),
    e(0x00200013, 'IS', String(s.instance ?? 1)),
    e(0x00200032, 'DS', `-1\\-2\\${s.z}`),
    e(0x00200037, 'DS', '1\\0\\0\\0\\1\\0'),
    e(0x00200052, 'UI', '1.2.3.98'),
    e(0x00280002, 'US', us(1)),
    e(0x00280010, 'US', us(2)),
    e(0x00280011, 'US', us(3)),
    e(0x00280030, 'DS', '0.5\\0.7'),
    e(0x00280100, 'US', us(16)),
    e(0x00280101, 'US', us(12)),
    e(0x00280103, 'US', us(s.pixelRepresentation ?? 0)),
    e(0x00281052, 'DS', s.intercept ?? '-1024'),
    e(0x00281053, 'DS', s.slope ?? '1'),
    s.encapsulated ? encapsulatedPixelData(s.encapsulated) : e(0x7fe00010, 'OW', pixels),
  );
  return part10(body, ts, uid, CT_IMAGE);
}

const PIX = [0, 24, 1024, 1064, 2048, 4000];

describe('ctVolumeFromPart10', () => {
  it('stacks slices along the normal, in HU, on the viewer grid', () => {
    const files = [4, 0, 2].map((z, n) => slice({ z, pixels: PIX.map((v) => v + n), instance: n + 1 }));
    const { ct, slices, warnings } = ctSeriesFromPart10(files);
    expect(ct.dims).toEqual([3, 2, 3]);
    expect(ct.spacing).toEqual([0.7, 0.5, 2]);
    expect(ct.origin).toEqual([-1, -2, 0]);
    expect(ct.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(warnings).toEqual([]);
    // Grid slice 0 is z = 0, the second file (stored + 1).
    expect(Array.from(ct.hu.subarray(0, 6))).toEqual(PIX.map((v) => v + 1 - 1024));
    expect(Array.from(ct.hu.subarray(12, 18))).toEqual(PIX.map((v) => v - 1024));
    expect(slices.map((s) => s?.zMm)).toEqual([0, 2, 4]);
    expect(slices.map((s) => s?.fileIndex)).toEqual([1, 2, 0]);
  });

  it('reads Implicit VR Little Endian, signed pixels and a non-integer slope', () => {
    const files = [0, 2].map((z) => slice({ z, pixels: [-1000 & 0xfff, 0, 40, 100, 2047, -2048 & 0xfff], transferSyntax: IMPLICIT, pixelRepresentation: 1, slope: '0.5', intercept: '10' }));
    const ct = ctVolumeFromPart10(files);
    expect(Array.from(ct.hu.subarray(0, 6))).toEqual([-490, 10, 30, 60, 1034, -1014]);
  });

  it('leaves a missing slice empty (-1024) where it belongs and says so', () => {
    const files = [0, 2, 4, 8].map((z, n) => slice({ z, pixels: PIX, instance: n + 1 }));
    const { ct, slices, warnings } = ctSeriesFromPart10(files);
    expect(ct.dims[2]).toBe(5);
    expect(slices[3]).toBeNull();
    expect(Array.from(ct.hu.subarray(18, 24))).toEqual(new Array(6).fill(-1024));
    expect(warnings.join(' ')).toMatch(/Missing slices/);
  });

  it('warns about uneven spacing and keeps each slice at its nearest grid index', () => {
    const files = [0, 2, 4.3, 6].map((z, n) => slice({ z, pixels: PIX, instance: n + 1 }));
    const { ct, slices, warnings } = ctSeriesFromPart10(files);
    expect(ct.dims[2]).toBe(4);
    expect(slices.map((s) => s?.zMm)).toEqual([0, 2, 4.3, 6]);
    expect(warnings.join(' ')).toMatch(/Uneven slice spacing/);
  });

  it('refuses what is not one CT series with one clear sentence', () => {
    const mr = [0, 2].map((z) => slice({ z, pixels: PIX, modality: 'MR' }));
    expect(() => ctVolumeFromPart10(mr)).toThrow(new QuantInputError('This series is MR, not CT.'));
    const two = [slice({ z: 0, pixels: PIX }), slice({ z: 2, pixels: PIX, series: '1.2.3.77' })];
    expect(() => ctVolumeFromPart10(two)).toThrow(/2 series/);
    expect(() => ctVolumeFromPart10([])).toThrow(QuantInputError);
    expect(() => ctSeriesFromPart10([new Uint8Array(200)], ['junk.dcm'])).toThrow(/^junk\.dcm: /);
  });

  it('names a transfer syntax it cannot decode', () => {
    const j2k = slice({ z: 0, pixels: PIX, transferSyntax: '1.2.840.10008.1.2.4.90', encapsulated: new Uint8Array([0xff, 0x4f, 0xff, 0x51]) });
    expect(() => ctSeriesFromPart10([j2k], ['a.dcm'])).toThrow(/a\.dcm: .*JPEG 2000 Lossless \(1\.2\.840\.10008\.1\.2\.4\.90\)/);
    const bigEndian = new Uint8Array(readFileSync(`${SHARED}odd_dicom/pydicom/MR_small_bigendian.dcm`));
    expect(() => ctVolumeFromPart10([bigEndian])).toThrow(QuantInputError);
  });

  it('decodes the JPEG Lossless (1.2.840.10008.1.2.4.70) COVID-19 CT', () => {
    const dir = `${SHARED}COVID-CT-01/dicom/`;
    const names = readdirSync(dir).filter((f) => f.endsWith('.dcm')).sort().slice(60, 63);
    const { ct, slices } = ctSeriesFromPart10(names.map((f) => new Uint8Array(readFileSync(dir + f))), names);
    expect(ct.dims).toEqual([512, 512, 3]);
    expect(ct.spacing[0]).toBeCloseTo(0.6035, 4);
    expect(ct.spacing[2]).toBeCloseTo(2, 6);
    let min = Infinity;
    let max = -Infinity;
    for (const v of ct.hu) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    // The data README: unsigned 12-bit, intercept -1024; HU -1024 to about 1250.
    expect(min).toBe(-1024);
    expect(max).toBeGreaterThan(600);
    expect(max).toBeLessThan(3072);
    // Outside the body, air: the corner of the image.
    expect(ct.hu[0]).toBeLessThan(-900);
    expect(slices.map((s) => s?.instanceNumber)).toEqual([63, 62, 61]);
  });
});
