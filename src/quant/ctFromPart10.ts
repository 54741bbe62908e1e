// One CT series as Part 10 files → a CtVolume on the viewer's grid, for `npm run quant` and the
// quantification tests. The files are read by the project's one strict reader (part10Reader),
// the series is checked and stacked by the viewer's own rules (checkSeries, buildVolumeGrid), so
// the command and the viewer agree on which slice is where. Pure: no node:* imports.
import { Decoder } from '@cornerstonejs/jpeg-lossless-decoder-js';
import { DicomParseError, type DataSet, type DicomReader, EXPLICIT_VR_LE, IMPLICIT_VR_LE, parsePart10 } from '../dicom/part10Reader.ts';
import { IMPLICIT_VRS } from '../dicom/dicomDictionary.ts';
import type { DicomJsonDataset } from '../dicomweb/dicomJson.ts';
import { checkSeries } from '../dicomweb/seriesValidation.ts';
import { TAG as JSON_TAG } from '../dicomweb/tags.ts';
import { storedToHu, type PixelFormat } from '../viewer/storedToHu.ts';
import { buildVolumeGrid } from '../viewer/volumeGrid.ts';
import type { CtVolume } from './ctVolume.ts';

/** The input cannot be quantified (not CT, not one series, unreadable); the message is for the user. */
export class QuantInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantInputError';
  }
}

/** The source slice of a grid slice, for per-slice outputs. */
export interface CtSliceSource {
  sopInstanceUid: string;
  instanceNumber: number | undefined;
  /** patient z (LPS, mm) of the slice's position */
  zMm: number;
  /** index of the file in the caller's list */
  fileIndex: number;
}

export interface CtSeries {
  ct: CtVolume;
  /** per grid slice k; null where a slice is missing (its voxels are -1024) */
  slices: Array<CtSliceSource | null>;
  /** what checkSeries warned about (missing or uneven slices, a localizer left out) */
  warnings: string[];
}

const T = {
  Modality: 0x00080060,
  SOPClassUID: 0x00080016,
  SOPInstanceUID: 0x00080018,
  SeriesInstanceUID: 0x0020000e,
  InstanceNumber: 0x00200013,
  ImagePositionPatient: 0x00200032,
  ImageOrientationPatient: 0x00200037,
  FrameOfReferenceUID: 0x00200052,
  SliceThickness: 0x00180050,
  SamplesPerPixel: 0x00280002,
  NumberOfFrames: 0x00280008,
  Rows: 0x00280010,
  Columns: 0x00280011,
  PixelSpacing: 0x00280030,
  BitsAllocated: 0x00280100,
  BitsStored: 0x00280101,
  PixelRepresentation: 0x00280103,
  RescaleIntercept: 0x00281052,
  RescaleSlope: 0x00281053,
  PixelData: 0x7fe00010,
} as const;

// Implicit VR files carry no VRs: the binary ones must be known to be read as numbers.
const READ_VRS: ReadonlyMap<number, string> = new Map([
  ...IMPLICIT_VRS,
  [T.Modality, 'CS'],
  [T.InstanceNumber, 'IS'],
  [T.SliceThickness, 'DS'],
  [T.SamplesPerPixel, 'US'],
  [T.BitsStored, 'US'],
  [T.PixelRepresentation, 'US'],
  [T.RescaleIntercept, 'DS'],
  [T.RescaleSlope, 'DS'],
  [T.PixelData, 'OW'],
]);

const JPEG_LOSSLESS = new Set(['1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70']);
const SYNTAX_NAMES: Record<string, string> = {
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.51': 'JPEG Extended',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.4.201': 'HTJ2K Lossless',
  '1.2.840.10008.1.2.4.203': 'HTJ2K',
};
const MISSING_HU = -1024;

interface ReadFile {
  reader: DicomReader;
  ds: DataSet;
  transferSyntaxUid: string;
  json: DicomJsonDataset;
  index: number;
}

function syntaxName(uid: string): string {
  return SYNTAX_NAMES[uid] ? `${SYNTAX_NAMES[uid]} (${uid})` : `transfer syntax ${uid}`;
}

// checkSeries reads the DICOM JSON model (what the viewer gets from the archive); the few
// attributes it looks at are given to it in that form.
function toJson(reader: DicomReader, ds: DataSet): DicomJsonDataset {
  const json: DicomJsonDataset = {};
  const str = (key: string, vr: string, tag: number) => {
    const v = reader.string(ds, tag);
    if (v !== undefined && v !== '') json[key] = { vr, Value: [v] };
  };
  const nums = (key: string, vr: string, tag: number) => {
    const v = reader.numbers(ds, tag);
    if (v && v.length > 0 && v.every(Number.isFinite)) json[key] = { vr, Value: v };
  };
  str(JSON_TAG.Modality, 'CS', T.Modality);
  str(JSON_TAG.SOPClassUID, 'UI', T.SOPClassUID);
  str(JSON_TAG.SOPInstanceUID, 'UI', T.SOPInstanceUID);
  str(JSON_TAG.FrameOfReferenceUID, 'UI', T.FrameOfReferenceUID);
  nums(JSON_TAG.InstanceNumber, 'IS', T.InstanceNumber);
  nums(JSON_TAG.ImagePositionPatient, 'DS', T.ImagePositionPatient);
  nums(JSON_TAG.ImageOrientationPatient, 'DS', T.ImageOrientationPatient);
  nums(JSON_TAG.PixelSpacing, 'DS', T.PixelSpacing);
  nums(JSON_TAG.SliceThickness, 'DS', T.SliceThickness);
  nums(JSON_TAG.Rows, 'US', T.Rows);
  nums(JSON_TAG.Columns, 'US', T.Columns);
  nums(JSON_TAG.NumberOfFrames, 'IS', T.NumberOfFrames);
  return json;
}

function readFile(bytes: Uint8Array, index: number, name: string): ReadFile {
  let parsed;
  try {
    parsed = parsePart10(bytes, { implicitVrs: READ_VRS, objectName: 'CT image', encapsulated: true, allowMissingFileMeta: true });
  } catch (e) {
    if (e instanceof DicomParseError) throw new QuantInputError(`${name}: ${e.message}`);
    throw new QuantInputError(`${name}: the file cannot be read as DICOM (${e instanceof Error ? e.message : String(e)}).`);
  }
  const { reader, ds, transferSyntaxUid } = parsed;
  return { reader, ds, transferSyntaxUid, json: toJson(reader, ds), index };
}

function decodeSlice(f: ReadFile, name: string, out: Int16Array): void {
  const { reader, ds, transferSyntaxUid: ts } = f;
  const format: PixelFormat = {
    bitsAllocated: reader.number(ds, T.BitsAllocated) ?? 16,
    bitsStored: reader.number(ds, T.BitsStored) ?? 16,
    pixelRepresentation: reader.number(ds, T.PixelRepresentation) ?? 0,
    rescaleSlope: reader.number(ds, T.RescaleSlope) ?? 1,
    rescaleIntercept: reader.number(ds, T.RescaleIntercept) ?? 0,
  };
  if ((reader.number(ds, T.SamplesPerPixel) ?? 1) !== 1) throw new QuantInputError(`${name}: a CT image with colour pixels cannot be quantified.`);
  if (format.bitsAllocated !== 16) throw new QuantInputError(`${name}: ${format.bitsAllocated}-bit CT pixels are not supported (16-bit only).`);
  const element = ds.get(T.PixelData);
  if (!element) throw new QuantInputError(`${name}: the image has no pixel data.`);
  let raw: Uint8Array;
  if (ts === IMPLICIT_VR_LE || ts === EXPLICIT_VR_LE) {
    const bulk = reader.bulk(ds, T.PixelData);
    if (!bulk) throw new QuantInputError(`${name}: the image has no pixel data.`);
    raw = bulk;
  } else if (JPEG_LOSSLESS.has(ts)) {
    // Fragment 0 is the Basic Offset Table; one frame may span the others (PS3.5 A.4).
    const fragments = element.fragments?.slice(1) ?? [];
    if (fragments.length === 0) throw new QuantInputError(`${name}: the compressed image has no pixel data.`);
    const total = fragments.reduce((n, fr) => n + fr.length, 0);
    const jpeg = new Uint8Array(total);
    let at = 0;
    for (const fr of fragments) {
      jpeg.set(reader.bytes.subarray(fr.offset, fr.offset + fr.length), at);
      at += fr.length;
    }
    let words: Uint16Array | Uint8Array;
    try {
      words = new Decoder().decode(jpeg.buffer, 0, jpeg.length, 2) as Uint16Array;
    } catch (e) {
      throw new QuantInputError(`${name}: the JPEG Lossless pixel data do not decode (${e instanceof Error ? e.message : String(e)}).`);
    }
    raw = new Uint8Array(words.buffer, words.byteOffset, words.byteLength);
  } else {
    throw new QuantInputError(`${name}: the pixels are stored as ${syntaxName(ts)}, which the quantification cannot decode; it reads uncompressed little endian and JPEG Lossless.`);
  }
  try {
    storedToHu(raw, out, format);
  } catch (e) {
    throw new QuantInputError(`${name}: ${e instanceof Error ? e.message : String(e)}.`);
  }
}

/**
 * Reads, checks and stacks one CT series. `names` (same order as files) name files in messages.
 * Throws QuantInputError for anything that is not one stackable CT series.
 */
export function ctSeriesFromPart10(files: Uint8Array[], names?: string[]): CtSeries {
  const nameOf = (i: number) => names?.[i] ?? `file ${i + 1}`;
  if (files.length === 0) throw new QuantInputError('No DICOM files were given.');
  const read = files.map((bytes, i) => readFile(bytes, i, nameOf(i)));

  const modalities = new Set(read.map((f) => f.reader.string(f.ds, T.Modality) ?? ''));
  const notCt = [...modalities].find((m) => m !== 'CT');
  if (notCt !== undefined) throw new QuantInputError(notCt === '' ? 'This series has no modality; only CT can be quantified.' : `This series is ${notCt}, not CT.`);
  const series = new Set(read.map((f) => f.reader.string(f.ds, T.SeriesInstanceUID) ?? ''));
  if (series.size > 1) throw new QuantInputError(`The files hold ${series.size} series; give the files of one CT series.`);

  const check = checkSeries(read.map((f) => f.json));
  if (!check.ok) throw new QuantInputError(check.message);
  const fileOf = new Map(read.map((f) => [f.json, f]));
  const grid = buildVolumeGrid(check.slices, check.rows, check.columns, check.pixelSpacingMm, check.sliceSpacingMm, getOrientation(fileOf.get(check.slices[0].dataset)!));
  const [nx, ny, nz] = grid.dimensions;
  const nxy = nx * ny;
  const hu = new Int16Array(nxy * nz);
  const slices: Array<CtSliceSource | null> = [];
  for (let k = 0; k < nz; k++) {
    const s = grid.sliceAt[k];
    const target = hu.subarray(k * nxy, (k + 1) * nxy);
    if (!s) {
      target.fill(MISSING_HU);
      slices.push(null);
      continue;
    }
    const f = fileOf.get(s.dataset)!;
    decodeSlice(f, nameOf(f.index), target);
    slices.push({ sopInstanceUid: s.sopInstanceUid, instanceNumber: s.instanceNumber, zMm: s.positionMm[2], fileIndex: f.index });
  }
  const ct: CtVolume = { dims: [nx, ny, nz], spacing: grid.spacingMm, origin: grid.origin, direction: grid.direction, hu };
  return { ct, slices, warnings: check.warnings };
}

function getOrientation(f: ReadFile): number[] {
  return f.reader.numbers(f.ds, T.ImageOrientationPatient) ?? [1, 0, 0, 0, 1, 0];
}

/** The series as HU on the viewer's grid; see ctSeriesFromPart10. */
export function ctVolumeFromPart10(files: Uint8Array[]): CtVolume {
  return ctSeriesFromPart10(files).ct;
}
