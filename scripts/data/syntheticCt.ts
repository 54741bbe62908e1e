// Deterministic chest-like CT phantom, written as a real DICOM CT series.
// Used when ../shared/data is absent (npm start), for the 512x512x300 benchmark volume,
// and for test series with known defects (missing slices, uneven spacing, hostile text).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePart10, type DicomElement } from './dicomWriter.ts';

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

function inEllipse(x: number, y: number, cx: number, cy: number, rx: number, ry: number): boolean {
  const dx = (x - cx) / rx;
  const dy = (y - cy) / ry;
  return dx * dx + dy * dy <= 1;
}

/**
 * HU of the phantom at a point in mm (x right-to-left of patient, y anterior-to-posterior,
 * z along the body). Body ellipse with a fat rim, two lungs, lesions, heart, spine, sternum.
 */
export function phantomHu(xMm: number, yMm: number, zMm: number, lengthMm: number): number {
  const zRel = zMm / lengthMm; // 0..1 from inferior to superior
  const taper = 1 - 0.25 * Math.abs(zRel - 0.45);
  if (!inEllipse(xMm, yMm, 0, 0, 160 * taper, 110 * taper)) return -1000;
  if (!inEllipse(xMm, yMm, 0, 0, 148 * taper, 98 * taper)) return -100; // subcutaneous fat
  if (inEllipse(xMm, yMm, 0, 78 * taper, 14, 14)) return 700; // vertebral body
  if (inEllipse(xMm, yMm, 0, -90 * taper, 12, 5)) return 600; // sternum
  const lungRx = 55 * taper;
  const lungRy = 75 * taper;
  const inLeftLung = inEllipse(xMm, yMm, 70 * taper, 0, lungRx, lungRy);
  const inRightLung = inEllipse(xMm, yMm, -70 * taper, 0, lungRx, lungRy);
  if (inLeftLung || inRightLung) {
    // lesions: ground-glass (-450) and consolidation (+10) spheres in both lungs
    const lesions: Array<[number, number, number, number, number]> = [
      [75, 20, 0.55, 18, -450],
      [-60, -25, 0.4, 12, 10],
      [-80, 30, 0.65, 20, -450],
      [60, -35, 0.3, 10, 10],
    ];
    for (const [lx, ly, lz, r, hu] of lesions) {
      const dz = zMm - lz * lengthMm;
      if ((xMm - lx * taper) ** 2 + (yMm - ly * taper) ** 2 + dz * dz <= r * r) return hu;
    }
    return -850;
  }
  if (inEllipse(xMm, yMm, 10, -20 * taper, 45 * taper, 40 * taper) && zRel < 0.7) return 40; // heart
  return 30; // mediastinum / muscle
}

/** Deterministic small noise, so the image is not flat but identical on every run. */
function noise(i: number, seedNum: number): number {
  let h = (i ^ seedNum) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
  return ((h & 0xff) / 255 - 0.5) * 20;
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
  const x0 = -((opts.columns - 1) / 2) * opts.pixelSpacingMm;
  const y0 = -((opts.rows - 1) / 2) * opts.pixelSpacingMm;
  let instanceNumber = 0;
  for (let k = 0; k < opts.slices; k++) {
    if (omit.has(k)) continue;
    instanceNumber++;
    // Slice 0 is the most superior (as in the shared CT): z decreases with the instance number.
    const z = lengthMm - k * opts.sliceSpacingMm + (opts.zJitterMm?.[k] ?? 0);
    for (let r = 0; r < opts.rows; r++) {
      const y = y0 + r * opts.pixelSpacingMm;
      for (let c = 0; c < opts.columns; c++) {
        const x = x0 + c * opts.pixelSpacingMm;
        const i = r * opts.columns + c;
        const hu = phantomHu(x, y, z, lengthMm) + noise(i + k * 7919, seedNum);
        pixels[i] = Math.max(0, Math.min(4095, Math.round(hu + 1024)));
      }
    }
    const sopUid = derivedUid(opts.seed, `instance-${k}`);
    const ds: DicomElement[] = [
      { tag: 0x00080008, vr: 'CS', value: 'ORIGINAL\\PRIMARY\\AXIAL' },
      { tag: 0x00080016, vr: 'UI', value: CT_IMAGE_STORAGE },
      { tag: 0x00080018, vr: 'UI', value: sopUid },
      { tag: 0x00080020, vr: 'DA', value: '20200415' },
      { tag: 0x00080030, vr: 'TM', value: '101500' },
      { tag: 0x00080050, vr: 'SH', value: derivedUid(opts.seed, 'accession').slice(5, 15) },
      { tag: 0x00080060, vr: 'CS', value: opts.modality ?? 'CT' },
      { tag: 0x00080070, vr: 'LO', value: 'CTAW synthetic phantom' },
      { tag: 0x00080090, vr: 'PN', value: '' },
      { tag: 0x00185100, vr: 'CS', value: 'HFS' },
      { tag: 0x00200012, vr: 'IS', value: '1' },
      { tag: 0x00200060, vr: 'CS', value: '' },
      { tag: 0x00201040, vr: 'LO', value: '' },
      { tag: 0x00081030, vr: 'LO', value: opts.studyDescription },
      { tag: 0x0008103e, vr: 'LO', value: opts.seriesDescription },
      { tag: 0x00100010, vr: 'PN', value: opts.patientName },
      { tag: 0x00100020, vr: 'LO', value: opts.patientId },
      { tag: 0x00100030, vr: 'DA', value: '' },
      { tag: 0x00100040, vr: 'CS', value: 'O' },
      { tag: 0x00180050, vr: 'DS', value: opts.sliceSpacingMm.toFixed(2) },
      { tag: 0x00180060, vr: 'DS', value: '120' },
      { tag: 0x0020000d, vr: 'UI', value: studyUid },
      { tag: 0x0020000e, vr: 'UI', value: seriesUid },
      { tag: 0x00200010, vr: 'SH', value: '1' },
      { tag: 0x00200011, vr: 'IS', value: '1' },
      { tag: 0x00200013, vr: 'IS', value: String(instanceNumber) },
      { tag: 0x00200032, vr: 'DS', value: [x0, y0, z].map((v) => Number(v.toFixed(4))) },
      { tag: 0x00200037, vr: 'DS', value: [1, 0, 0, 0, 1, 0] },
      { tag: 0x00200052, vr: 'UI', value: forUid },
      { tag: 0x00201041, vr: 'DS', value: Number(z.toFixed(4)) },
      { tag: 0x00280002, vr: 'US', value: 1 },
      { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
      { tag: 0x00280010, vr: 'US', value: opts.rows },
      { tag: 0x00280011, vr: 'US', value: opts.columns },
      { tag: 0x00280030, vr: 'DS', value: [opts.pixelSpacingMm, opts.pixelSpacingMm] },
      { tag: 0x00280100, vr: 'US', value: 16 },
      { tag: 0x00280101, vr: 'US', value: 12 },
      { tag: 0x00280102, vr: 'US', value: 11 },
      { tag: 0x00280103, vr: 'US', value: 0 },
      { tag: 0x00281050, vr: 'DS', value: '-600' },
      { tag: 0x00281051, vr: 'DS', value: '1500' },
      { tag: 0x00281052, vr: 'DS', value: '-1024' },
      { tag: 0x00281053, vr: 'DS', value: '1' },
      { tag: 0x00281054, vr: 'LO', value: 'HU' },
      { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(pixels.buffer.slice(0)) },
    ];
    const file = join(dir, `IM${String(instanceNumber).padStart(4, '0')}.dcm`);
    writeFileSync(file, writePart10(ds, CT_IMAGE_STORAGE, sopUid));
    files.push(file);
  }
  return { studyUid, seriesUid, files };
}
