// For tests and the bench, in Node only: a CT series whose files hold an identifying value in
// every attribute of the de-identification table (deidentify.ts ACTIONS) that can carry text,
// private tags, and a PatientName inside a sequence item, so that a test can look for each of
// those values in what comes out. Not part of the app.
import { createHash } from 'node:crypto';
import dcmjs from 'dcmjs';
import { type DicomElement, writePart10 } from '../../scripts/data/dicomWriter.ts';
import { phantomSliceHu } from '../../scripts/data/phantomHu.ts';
import { ACTIONS } from './deidentify.ts';

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

export function uidFrom(seed: string, label: string): string {
  const digest = createHash('sha256').update(`${seed}/${label}`).digest();
  return `2.25.${BigInt('0x' + digest.subarray(0, 15).toString('hex')).toString()}`;
}

const TEXT_VRS = new Set(['AE', 'CS', 'LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT', 'DA', 'DT', 'TM', 'DS', 'IS', 'AS', 'UI', 'UR', 'SQ']);

function vrOf(tag: number): string | undefined {
  const key = `(${(tag >>> 16).toString(16).toUpperCase().padStart(4, '0')},${(tag & 0xffff).toString(16).toUpperCase().padStart(4, '0')})`;
  return (dcmjs.data.DicomMetaDictionary as unknown as { dictionary: Record<string, { vr?: string } | undefined> }).dictionary[key]?.vr;
}

const BASE_TAGS = new Set([0x00080018, 0x0020000d, 0x0020000e, 0x00200052]);

export interface IdentifiedSeries {
  files: Uint8Array[];
  /** Text that must not be found anywhere in a de-identified file. */
  secrets: string[];
  /** The source UIDs (study, series, frame of reference, instances). */
  sourceUids: string[];
  studyUid: string;
  seriesUid: string;
  sopUids: string[];
  /** Source dates that are kept shifted: StudyDate, SeriesDate, AcquisitionDate, ContentDate. */
  dates: Record<string, string>;
  patientName: string;
  patientId: string;
}

export interface IdentifiedOptions {
  seed: string;
  slices?: number;
  rows?: number;
  pixelSpacingMm?: number;
  sliceSpacingMm?: number;
  /** another patient: another name and ID */
  patient?: string;
}

/** A value for an attribute of the table, distinct per attribute so that each can be looked for. */
function secretValue(name: string, vr: string, n: number): string | null {
  const mark = `SECRET${n}${name.slice(0, 6).toUpperCase()}`;
  switch (vr) {
    case 'PN':
      return `${mark}^PERSON`;
    case 'CS':
      return mark.slice(0, 16);
    case 'AE':
    case 'SH':
      return mark.slice(0, 16);
    case 'DA':
      return `1961${String(1 + (n % 12)).padStart(2, '0')}${String(10 + (n % 18)).padStart(2, '0')}`;
    case 'DT':
      return `1962${String(1 + (n % 12)).padStart(2, '0')}15101010`;
    case 'TM':
      return null;
    case 'DS':
      return `${700 + n}.123`;
    case 'IS':
      return null;
    case 'AS':
      return null;
    case 'UI':
    case 'UR':
      return null;
    default:
      return `${mark} free text`;
  }
}

export function identifiedSeries(opts: IdentifiedOptions): IdentifiedSeries {
  const slices = opts.slices ?? 4;
  const rows = opts.rows ?? 32;
  const spacing = opts.pixelSpacingMm ?? 10;
  const step = opts.sliceSpacingMm ?? 10;
  const who = opts.patient ?? 'A';
  const patientName = `DOEMARKER${who}^JANEMARKER`;
  const patientId = `MRN-77${who}4219`;
  const studyUid = uidFrom(opts.seed, 'study');
  const seriesUid = uidFrom(opts.seed, 'series');
  const forUid = uidFrom(opts.seed, 'for');
  const secrets = new Set<string>([patientName, patientId, 'DOEMARKER', 'JANEMARKER', 'MRN-77', 'PRIVATESECRET', 'SEQSECRET']);
  const identifying: DicomElement[] = [];
  const covered = new Set<number>();
  ACTIONS.forEach(([tag, action, name], n) => {
    // The base attributes of every slice (its own UIDs, the type 2 dates) are written below.
    if (action === 'K' || tag >>> 16 >= 0xfffa || BASE_TAGS.has(tag)) return;
    const vr = vrOf(tag);
    if (!vr || !TEXT_VRS.has(vr)) return;
    covered.add(tag);
    if (vr === 'SQ') {
      identifying.push({ tag, vr, value: [[{ tag: 0x00100010, vr: 'PN', value: `SEQSECRET${n}^${name.slice(0, 8)}` }]] });
      secrets.add(`SEQSECRET${n}`);
      return;
    }
    if (action === 'U') {
      const uid = uidFrom(opts.seed, `table-${name}`);
      identifying.push({ tag, vr, value: uid });
      secrets.add(uid);
      return;
    }
    if (action === 'C') {
      // A descriptor: what it says is kept, the patient's name, numbers and dates in it are not.
      identifying.push({ tag, vr, value: `CHEST ${patientName.split('^')[0]} 7712345 2020-04-15` });
      return;
    }
    if (action === 'D') return; // PatientName, PatientID below
    const value = secretValue(name, vr, n);
    if (value === null) return;
    identifying.push({ tag, vr, value });
    secrets.add(value.split(' ')[0].split('^')[0]);
  });
  const dates = { StudyDate: '20200415', SeriesDate: '20200415', AcquisitionDate: '20200416', ContentDate: '20200420' };
  const sopUids: string[] = [];
  const files: Uint8Array[] = [];
  const pixels = new Uint16Array(rows * rows);
  const lengthMm = slices * step;
  const x0 = -((rows - 1) / 2) * spacing;
  for (let k = 0; k < slices; k++) {
    const z = lengthMm - k * step;
    phantomSliceHu({ rows, columns: rows, pixelSpacingMm: spacing, k, zMm: z, lengthMm, seedNum: 7 }, (i, hu) => {
      pixels[i] = Math.max(0, Math.min(4095, Math.round(hu + 1024)));
    });
    const sopUid = uidFrom(opts.seed, `instance-${k}`);
    sopUids.push(sopUid);
    const base: DicomElement[] = [
      { tag: 0x00080005, vr: 'CS', value: 'ISO_IR 100' },
      { tag: 0x00080008, vr: 'CS', value: 'ORIGINAL\\PRIMARY\\AXIAL' },
      { tag: 0x00080016, vr: 'UI', value: CT_IMAGE_STORAGE },
      { tag: 0x00080018, vr: 'UI', value: sopUid },
      { tag: 0x00080020, vr: 'DA', value: dates.StudyDate },
      { tag: 0x00080021, vr: 'DA', value: dates.SeriesDate },
      { tag: 0x00080022, vr: 'DA', value: dates.AcquisitionDate },
      { tag: 0x00080023, vr: 'DA', value: dates.ContentDate },
      { tag: 0x0008002a, vr: 'DT', value: '20200416101530' },
      { tag: 0x00080030, vr: 'TM', value: '101500' },
      { tag: 0x00080033, vr: 'TM', value: '101600' },
      { tag: 0x00080060, vr: 'CS', value: 'CT' },
      { tag: 0x00080070, vr: 'LO', value: 'CTAW synthetic phantom' },
      { tag: 0x00100010, vr: 'PN', value: patientName },
      { tag: 0x00100020, vr: 'LO', value: patientId },
      { tag: 0x00180050, vr: 'DS', value: step.toFixed(2) },
      { tag: 0x00180060, vr: 'DS', value: '120' },
      { tag: 0x00185100, vr: 'CS', value: 'HFS' },
      { tag: 0x0020000d, vr: 'UI', value: studyUid },
      { tag: 0x0020000e, vr: 'UI', value: seriesUid },
      { tag: 0x00200011, vr: 'IS', value: '1' },
      { tag: 0x00200012, vr: 'IS', value: '1' },
      { tag: 0x00200013, vr: 'IS', value: String(k + 1) },
      { tag: 0x00200020, vr: 'CS', value: 'L\\P' },
      { tag: 0x00200032, vr: 'DS', value: [x0, x0, z] },
      { tag: 0x00200037, vr: 'DS', value: [1, 0, 0, 0, 1, 0] },
      { tag: 0x00200052, vr: 'UI', value: forUid },
      { tag: 0x00200060, vr: 'CS', value: '' },
      { tag: 0x00201040, vr: 'LO', value: '' },
      { tag: 0x00201041, vr: 'DS', value: z },
      { tag: 0x00280002, vr: 'US', value: 1 },
      { tag: 0x00280004, vr: 'CS', value: 'MONOCHROME2' },
      { tag: 0x00280010, vr: 'US', value: rows },
      { tag: 0x00280011, vr: 'US', value: rows },
      { tag: 0x00280030, vr: 'DS', value: [spacing, spacing] },
      { tag: 0x00280100, vr: 'US', value: 16 },
      { tag: 0x00280101, vr: 'US', value: 12 },
      { tag: 0x00280102, vr: 'US', value: 11 },
      { tag: 0x00280103, vr: 'US', value: 0 },
      { tag: 0x00281050, vr: 'DS', value: '-600' },
      { tag: 0x00281051, vr: 'DS', value: '1500' },
      { tag: 0x00281052, vr: 'DS', value: '-1024' },
      { tag: 0x00281053, vr: 'DS', value: '1' },
      // A source image reference: its UID must be mapped like the others.
      { tag: 0x00082112, vr: 'SQ', value: [[{ tag: 0x00081150, vr: 'UI', value: CT_IMAGE_STORAGE }, { tag: 0x00081155, vr: 'UI', value: uidFrom(opts.seed, 'source-image') }, { tag: 0x00100010, vr: 'PN', value: `SEQSECRET^${patientName}` }]] },
      // Private tags: a creator and a value that names the patient.
      { tag: 0x00190010, vr: 'LO', value: 'ACME PRIVATESECRET' },
      { tag: 0x00191001, vr: 'LO', value: `PRIVATESECRET ${patientId}` },
      { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(pixels.buffer.slice(0)) },
    ];
    const withTable = [...base, ...identifying.filter((e) => !base.some((b) => b.tag === e.tag))];
    files.push(writePart10(withTable, CT_IMAGE_STORAGE, sopUid));
  }
  secrets.add(uidFrom(opts.seed, 'source-image'));
  return { files, secrets: [...secrets], sourceUids: [studyUid, seriesUid, forUid, ...sopUids], studyUid, seriesUid, sopUids, dates, patientName, patientId };
}
