// Reads what the gateway decides a STOW-RS on from one DICOM Part 10 object: its identity (SOP
// class and instance, study, series, modality, patient) and the series it references. The bytes
// are read by the app's one Part 10 reader (src/dicom/part10Reader.ts), the one the browser's
// SEG and SR decoders use, strict where the archive could read them otherwise; this file adds
// the gateway's own rules: which attributes it needs, UID syntax, and that the data set is the
// object its file meta names. Little endian (implicit, explicit, deflated via node:zlib) and
// every encapsulated syntax, so compressed CTs read too (their fragments are walked, not decoded).
import { inflateRawSync } from 'node:zlib';
import { type DataSet, DicomParseError, items, type ParsedFile, parsePart10 } from '../../src/dicom/part10Reader.ts';

export class DicomHeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DicomHeaderError';
  }
}

export interface DicomHeader {
  transferSyntaxUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality: string;
  /** Patient ID (0010,0020): Orthanc files objects by patient and study, so a result with another
   * Patient ID than its CT would land in a second study resource with the same Study UID. */
  patientId: string;
  /**
   * Series the object says it was made from: a SEG's Referenced Series Sequence (0008,1115)
   * (PS3.3 C.7.6.16, the Common Instance Reference module), an SR's Current Requested Procedure
   * Evidence Sequence (0040,A375) (PS3.3 C.17.2). In file order, without repeats.
   */
  referencedSeriesUids: string[];
}

const T = {
  metaSopClass: 0x00020002,
  metaSopInstance: 0x00020003,
  sopClass: 0x00080016,
  sopInstance: 0x00080018,
  modality: 0x00080060,
  patientId: 0x00100020,
  referencedSeries: 0x00081115,
  studyUid: 0x0020000d,
  seriesUid: 0x0020000e,
  evidence: 0x0040a375,
} as const;
const PIXEL_DATA = 0x7fe00010;

// The attributes the gateway reads, with their VRs for Implicit VR files. Only these two
// sequences are indexed; the bulk of a SEG (per-frame groups) or an SR (content tree) is skipped
// by its length, or walked to find its end, so a 300-frame SEG is judged in well under a millisecond.
const GATEWAY_VRS: ReadonlyMap<number, string> = new Map([
  [T.sopClass, 'UI'],
  [T.sopInstance, 'UI'],
  [T.modality, 'CS'],
  [T.patientId, 'LO'],
  [T.referencedSeries, 'SQ'],
  [T.studyUid, 'UI'],
  [T.seriesUid, 'UI'],
  [T.evidence, 'SQ'],
]);

// A deflated data set inflates to at most this: the STOW body is capped, its inflation must be too.
const MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

function inflateRaw(bytes: Uint8Array): Uint8Array {
  return inflateRawSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
}

/** Throws DicomHeaderError when the bytes are not a readable Part 10 object with the identity above. */
export function readDicomHeader(bytes: Uint8Array): DicomHeader {
  return headerOf(parseObject(bytes));
}

/**
 * As readDicomHeader, for the bytes of a large object of which [hole.start, hole.end) were not
 * read from the file (they are zeros here; partHeader.ts): the header, exactly as readDicomHeader
 * gives it for the whole file, when the hole lies inside the value of the top-level Pixel Data of
 * a native (not encapsulated) encoding and the data set was read in place (not deflated). The
 * reader walks a data set forwards and never looks into a value it skips, so then it read only
 * bytes from the file. Otherwise null (the reader may have looked into the hole, an error it
 * found may be the zeros'): the caller reads the object whole instead.
 */
export function readDicomHeaderAround(bytes: Uint8Array, hole: { start: number; end: number }): DicomHeader | null {
  let file: ParsedFile;
  try {
    file = parseObject(bytes);
  } catch {
    return null;
  }
  const pixels = file.ds.get(PIXEL_DATA);
  const inPixels = !!pixels && pixels.vr !== 'SQ' && !pixels.fragments && pixels.offset <= hole.start && pixels.offset + pixels.length >= hole.end;
  return inPixels && file.reader.bytes === bytes ? headerOf(file) : null;
}

function parseObject(bytes: Uint8Array): ParsedFile {
  try {
    // STOW-RS application/dicom parts are Part 10 files (PS3.18 8.6.1.2.1): preamble, DICM, meta.
    return parsePart10(bytes, { implicitVrs: GATEWAY_VRS, objectName: 'object', inflateRaw, encapsulated: true });
  } catch (err) {
    if (err instanceof DicomParseError) throw new DicomHeaderError(err.detail);
    throw err;
  }
}

function headerOf(file: ParsedFile): DicomHeader {
  const { reader, ds, meta } = file;
  const text = (set: DataSet | undefined, tag: number): string => reader.string(set, tag) ?? '';

  const referenced: string[] = [];
  const add = (uid: string) => {
    if (uid && !referenced.includes(uid)) referenced.push(uid);
  };
  for (const series of items(ds, T.referencedSeries)) add(text(series, T.seriesUid));
  for (const study of items(ds, T.evidence)) for (const series of items(study, T.referencedSeries)) add(text(series, T.seriesUid));

  const header: DicomHeader = {
    transferSyntaxUid: file.transferSyntaxUid,
    sopClassUid: text(ds, T.sopClass) || text(meta, T.metaSopClass),
    sopInstanceUid: text(ds, T.sopInstance) || text(meta, T.metaSopInstance),
    studyInstanceUid: text(ds, T.studyUid),
    seriesInstanceUid: text(ds, T.seriesUid),
    modality: text(ds, T.modality),
    patientId: text(ds, T.patientId),
    referencedSeriesUids: referenced,
  };
  for (const [name, value] of [
    ['SOP Class UID', header.sopClassUid],
    ['SOP Instance UID', header.sopInstanceUid],
    ['Study Instance UID', header.studyInstanceUid],
    ['Series Instance UID', header.seriesInstanceUid],
  ] as const) {
    if (!/^[0-9.]{1,64}$/.test(value)) throw new DicomHeaderError(`the object has no valid ${name}`);
  }
  // The data set's SOP identity must be what the meta says it is (PS3.10 7.1), else Orthanc and
  // this check could disagree on which object this is.
  const metaSop = text(meta, T.metaSopInstance);
  if (metaSop && metaSop !== header.sopInstanceUid) throw new DicomHeaderError('the file meta names another SOP instance');
  return header;
}
