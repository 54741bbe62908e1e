// Deterministic chest-like CT phantom, written as a real DICOM CT series.
// Used when ../shared/data is absent (npm start), for the 512x512x300 benchmark volume,
// and for test series with known defects (missing slices, uneven spacing, hostile text).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePart10, type DicomElement } from './dicomWriter.ts';
import { phantomCornerMm, phantomHu, phantomSliceHu } from './phantomHu.ts';

export { phantomHu };

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

export interface PhantomOptions {
  rows: number;
  columns: number;
  slices: number;
  pixelSpacingMm: number;
  sliceSpacingMm: number;
  seed: string;
  patientName: string;
  patientId: string;
  studyDescription: string;
  seriesDescription: string;
  modality?: string;
  /** slice indices left out of the series (a gap) */
  omitSlices?: number[];
  /** extra z offset (mm) added to these slice indices (uneven spacing) */
  zJitterMm?: Record<number, number>;
}

/** 2.25.<decimal> UID derived from the seed and a label, so the same phantom keeps its UIDs. */
export function derivedUid(seed: string, label: string): string {
  const digest = createHash('sha256').update(`${seed}/${label}`).digest();
  return `2.25.${BigInt('0x' + digest.subarray(0, 15).toString('hex')).toString()}`;
}

export function writePhantomSeries(dir: string, opts: PhantomOptions): { studyUid: string; seriesUid: string; files: string[] } {
  mkdirSync(dir, { recursive: true });
  const studyUid = derivedUid(opts.seed, 'study');
  const seriesUid = derivedUid(opts.seed, 'series');
  const forUid = derivedUid(opts.seed, 'frame-of-reference');
  const seedNum = parseInt(createHash('sha1').update(opts.seed).digest('hex').slice(0, 8), 16);
  const lengthMm = opts.slices * opts.sliceSpacingMm;
  const files: string[] = [];
  const omit = new Set(opts.omitSlices ?? []);
  const pixels = new Uint16Array(opts.rows * opts.columns);
  const [x0, y0] = phantomCornerMm(opts);
  let instanceNumber = 0;
  for (let k = 0; k < opts.slices; k++) {
    if (omit.has(k)) continue;
    instanceNumber++;
    // Slice 0 is the most superior (as in the shared CT): z decreases with the instance number.
    const z = lengthMm - k * opts.sliceSpacingMm + (opts.zJitterMm?.[k] ?? 0);
    phantomSliceHu({ rows: opts.rows, columns: opts.columns, pixelSpacingMm: opts.pixelSpacingMm, k, zMm: z, lengthMm, seedNum }, (i, hu) => {
      pixels[i] = Math.max(0, Math.min(4095, Math.round(hu + 1024)));
    });
    const sopUid = derivedUid(opts.seed, `instance-${k}`);
    const ds = ctSliceElements({
      ...opts,
      sopUid,
      studyUid,
      seriesUid,
      frameOfReferenceUid: forUid,
      accession: derivedUid(opts.seed, 'accession').slice(5, 15),
      instanceNumber,
      positionMm: [x0, y0, z],
      pixels: new Uint8Array(pixels.buffer.slice(0)),
    });
    const file = join(dir, `IM${String(instanceNumber).padStart(4, '0')}.dcm`);
    writeFileSync(file, writePart10(ds, CT_IMAGE_STORAGE, sopUid));
    files.push(file);
  }
  return { studyUid, seriesUid, files };
}

export interface CtSlice {
  sopUid: string;
  studyUid: string;
  seriesUid: string;
  frameOfReferenceUid: string;
  accession: string;
  instanceNumber: number;
  /** ImagePositionPatient of the first pixel, mm */
  positionMm: [number, number, number];
  rows: number;
  columns: number;
  pixelSpacingMm: number;
  sliceSpacingMm: number;
  patientName: string;
  patientId: string;
  studyDescription: string;
  seriesDescription: string;
  modality?: string;
  /** stored values (HU + 1024), 16-bit little-endian, rows x columns */
  pixels: Uint8Array;
}

/** The elements of one axial CT slice as the phantom writes it (also the scale bench's tiny studies). */
export function ctSliceElements(slice: CtSlice): DicomElement[] {
  return [
    { tag: 0x00080008, vr: 'CS', value: 'ORIGINAL\\PRIMARY\\AXIAL' },
    { tag: 0x00080016, vr: 'UI', value: CT_IMAGE_STORAGE },
    { tag: 0x00080018, vr: 'UI', value: slice.sopUid },
    { tag: 0x00080020, vr: 'DA', value: '20200415' },
    { tag: 0x00080030, vr: 'TM', value: '101500' },
    { tag: 0x00080050, vr: 'SH', value: slice.accession },
    { tag: 0x00080060, vr: 'CS', value: slice.modality ?? 'CT' },
    { tag: 0x00080070, vr: 'LO', value: 'CTAW synthetic phantom' },
    { tag: 0x00080090, vr: 'PN', value: '' },
    { tag: 0x00185100, vr: 'CS', value: 'HFS' },
    { tag: 0x00200012, vr: 'IS', value: '1' },
    { tag: 0x00200060, vr: 'CS', value: '' },
    { tag: 0x00201040, vr: 'LO', value: '' },
    { tag: 0x00081030, vr: 'LO', value: slice.studyDescription },
    { tag: 0x0008103e, vr: 'LO', value: slice.seriesDescription },
    { tag: 0x00100010, vr: 'PN', value: slice.patientName },
    { tag: 0x00100020, vr: 'LO', value: slice.patientId },
    { tag: 0x00100030, vr: 'DA', value: '' },
    { tag: 0x00100040, vr: 'CS', value: 'O' },
    { tag: 0x00180050, vr: 'DS', value: slice.sliceSpacingMm.toFixed(2) },
    { tag: 0x00180060, vr: 'DS', value: '120' },
    { tag: 0x0020000d, vr: 'UI', value: slice.studyUid },
    { tag: 0x0020000e, vr: 'UI', value: slice.seriesUid },
    { tag: 0x00200010, vr: 'SH', value: '1' },
    { tag: 0x00200011, vr: 'IS', value: '1' },
    { tag: 0x00200013, vr: 'IS', value: String(slice.instanceNumber) },
    { tag: 0x00200032, vr: 'DS', value: slice.positionMm.map((v) => Number(v.toFixed(4))) },
    { tag: 0x00200037, vr: 'DS', value: [1, 0, 0, 0, 1, 0] },
    { tag: 0x00200052, vr: 'UI', value: slice.frameOfReferenceUid },
    { tag: 0x00201041, vr: 'DS', value: Number(slice.positionMm[2].toFixed(4)) },
    { tag: 0x00280002, vr: 'US', value: 1 },
    { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
    { tag: 0x00280010, vr: 'US', value: slice.rows },
    { tag: 0x00280011, vr: 'US', value: slice.columns },
    { tag: 0x00280030, vr: 'DS', value: [slice.pixelSpacingMm, slice.pixelSpacingMm] },
    { tag: 0x00280100, vr: 'US', value: 16 },
    { tag: 0x00280101, vr: 'US', value: 12 },
    { tag: 0x00280102, vr: 'US', value: 11 },
    { tag: 0x00280103, vr: 'US', value: 0 },
    { tag: 0x00281050, vr: 'DS', value: '-600' },
    { tag: 0x00281051, vr: 'DS', value: '1500' },
    { tag: 0x00281052, vr: 'DS', value: '-1024' },
    { tag: 0x00281053, vr: 'DS', value: '1' },
    { tag: 0x00281054, vr: 'LO', value: 'HU' },
    { tag: 0x7fe00010, vr: 'OW', value: slice.pixels },
  ];
}
