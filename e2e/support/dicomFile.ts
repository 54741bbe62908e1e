// Reads a DICOM file independently of the app: dcmtk decompresses, dcmjs parses, and the HU
// of a pixel comes from the stored value and the Modality LUT (rescale slope/intercept).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs from 'dcmjs';

export interface CtSlice {
  file: string;
  sopInstanceUid: string;
  rows: number;
  columns: number;
  positionMm: [number, number, number];
  rowDirection: [number, number, number];
  columnDirection: [number, number, number];
  /** [row spacing, column spacing] in mm (PS3.3 C.7.6.2.1.1: first value is between rows) */
  pixelSpacingMm: [number, number];
  hu: Float64Array; // row-major
}

const UNCOMPRESSED = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1']);
const DECOMPRESSOR: Record<string, string> = {
  '1.2.840.10008.1.2.4.70': 'dcmdjpeg', '1.2.840.10008.1.2.4.57': 'dcmdjpeg', '1.2.840.10008.1.2.4.50': 'dcmdjpeg', '1.2.840.10008.1.2.4.51': 'dcmdjpeg',
  '1.2.840.10008.1.2.4.80': 'dcmdjpls', '1.2.840.10008.1.2.4.81': 'dcmdjpls', '1.2.840.10008.1.2.5': 'dcmdrle',
};

function parse(file: string) {
  const buf = readFileSync(file);
  return dcmjs.data.DicomMessage.readFile(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

export function readCtSlice(file: string): CtSlice {
  let dict = parse(file);
  const ts = dict.meta['00020010'].Value[0] as string;
  if (!UNCOMPRESSED.has(ts)) {
    const tool = DECOMPRESSOR[ts];
    if (!tool) throw new Error(`no decompressor for ${ts}`);
    const dir = mkdtempSync(join(tmpdir(), 'ctaw-dcm-'));
    try {
      execFileSync(tool, [file, join(dir, 'raw.dcm')]);
      dict = parse(join(dir, 'raw.dcm'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const ds = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict) as Record<string, unknown>;
  const rows = ds.Rows as number;
  const columns = ds.Columns as number;
  const signed = ds.PixelRepresentation === 1;
  const slope = Number(ds.RescaleSlope ?? 1);
  const intercept = Number(ds.RescaleIntercept ?? 0);
  const raw = (ds.PixelData as ArrayBuffer[])[0];
  const stored = signed ? new Int16Array(raw, 0, rows * columns) : new Uint16Array(raw, 0, rows * columns);
  const hu = new Float64Array(rows * columns);
  for (let i = 0; i < hu.length; i++) hu[i] = stored[i] * slope + intercept;
  const iop = (ds.ImageOrientationPatient as number[]).map(Number);
  return {
    file,
    sopInstanceUid: ds.SOPInstanceUID as string,
    rows,
    columns,
    positionMm: (ds.ImagePositionPatient as number[]).map(Number) as [number, number, number],
    rowDirection: iop.slice(0, 3) as [number, number, number],
    columnDirection: iop.slice(3, 6) as [number, number, number],
    pixelSpacingMm: (ds.PixelSpacing as number[]).map(Number) as [number, number],
    hu,
  };
}

export function readSopInstanceUid(file: string): string {
  const text = execFileSync('dcmdump', ['+P', '0008,0018', file], { encoding: 'utf8' });
  return /\[([0-9.]+)\]/.exec(text)![1];
}

/** Patient coordinates (mm) of the centre of pixel (column i, row j) (PS3.3 C.7.6.2.1.1). */
export function pixelToWorld(s: CtSlice, i: number, j: number): [number, number, number] {
  const [rowSpacing, colSpacing] = s.pixelSpacingMm;
  return [0, 1, 2].map((a) => s.positionMm[a] + s.rowDirection[a] * colSpacing * i + s.columnDirection[a] * rowSpacing * j) as [number, number, number];
}

export function huAt(s: CtSlice, i: number, j: number): number {
  return s.hu[j * s.columns + i];
}

/** True when every pixel in the (2r+1)² square around (i, j) satisfies the test. */
export function neighbourhoodAll(s: CtSlice, i: number, j: number, r: number, test: (hu: number) => boolean): boolean {
  for (let dj = -r; dj <= r; dj++) for (let di = -r; di <= r; di++) if (!test(huAt(s, i + di, j + dj))) return false;
  return true;
}
