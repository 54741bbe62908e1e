// Reads what the gateway decides a STOW-RS on from one DICOM Part 10 object: its identity (SOP
// class and instance, study, series, modality) and the series it references. It stops before the
// first element past (0040,A375), so the bulk of a SEG (per-frame groups, pixel data) or an SR
// (content tree) is never walked. Little endian only (implicit, explicit 1.2.840.10008.1.2.1, deflated); encapsulated
// pixel data comes after where it stops, so compressed CTs read too.
import { inflateRawSync } from 'node:zlib';

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
  transferSyntax: 0x00020010,
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

const IMPLICIT_LE = '1.2.840.10008.1.2';
const DEFLATED_LE = '1.2.840.10008.1.2.1.99';
const EXPLICIT_BE = '1.2.840.10008.1.2.2';

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const UNDEFINED = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;
// Implicit VR carries no VR: the sequences this reader descends into.
const SEQUENCES = new Set<number>([T.referencedSeries, T.evidence]);
// Past this tag nothing the gateway needs can follow (elements are in ascending order, PS3.5 7.1).
const LAST_WANTED = T.evidence;

type Value = { bytes: Uint8Array } | { items: DataSet[] };
type DataSet = Map<number, Value>;

class Reader {
  private readonly view: DataView;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly explicit: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(pos: number, n: number): void {
    if (pos + n > this.bytes.length) throw new DicomHeaderError('the object ends inside an element');
  }

  private tag(pos: number): number {
    this.need(pos, 4);
    return this.view.getUint16(pos, true) * 0x10000 + this.view.getUint16(pos + 2, true);
  }

  /**
   * Elements from pos to end (or to the item delimiter when delimited); at the top level it stops
   * at the first tag past `stopAfter`. Values of sequences it does not need are skipped, not read.
   */
  dataSet(pos: number, end: number, delimited: boolean, stopAfter: number, depth: number): { ds: DataSet; pos: number } {
    if (depth > 8) throw new DicomHeaderError('sequences nested too deep');
    const ds: DataSet = new Map();
    while (pos < end) {
      if (!delimited && end - pos < 8) break; // trailing padding
      const tag = this.tag(pos);
      if (tag === ITEM_END) {
        if (!delimited) throw new DicomHeaderError('misplaced item delimiter');
        return { ds, pos: pos + 8 };
      }
      if (tag > stopAfter) return { ds, pos };
      this.need(pos, 8);
      let vr: string;
      let length: number;
      let at: number;
      if (this.explicit) {
        vr = String.fromCharCode(this.bytes[pos + 4], this.bytes[pos + 5]);
        if (!/^[A-Z]{2}$/.test(vr)) throw new DicomHeaderError(`invalid value representation at byte ${pos}`);
        if (LONG_VRS.has(vr)) {
          this.need(pos, 12);
          length = this.view.getUint32(pos + 8, true);
          at = pos + 12;
        } else {
          length = this.view.getUint16(pos + 6, true);
          at = pos + 8;
        }
      } else {
        length = this.view.getUint32(pos + 4, true);
        at = pos + 8;
        vr = SEQUENCES.has(tag) || length === UNDEFINED ? 'SQ' : 'UN';
      }
      if (vr === 'SQ' || length === UNDEFINED) {
        // An undefined-length value that is not a sequence (encapsulated pixel data, or a UN holding
        // implicit VR items) is never before anything wanted in the objects this reads: stop there.
        if (vr !== 'SQ') return { ds, pos };
        const seqEnd = length === UNDEFINED ? undefined : at + length;
        if (seqEnd !== undefined && seqEnd > this.bytes.length) throw new DicomHeaderError('a sequence runs past the end of the object');
        const { items, pos: next } = this.sequence(at, seqEnd, depth, SEQUENCES.has(tag) || depth > 0);
        if (SEQUENCES.has(tag) || depth > 0) ds.set(tag, { items });
        pos = next;
        continue;
      }
      this.need(at, length);
      ds.set(tag, { bytes: this.bytes.subarray(at, at + length) });
      pos = at + length;
    }
    if (delimited) throw new DicomHeaderError('a sequence item is not closed');
    return { ds, pos };
  }

  /** Items of a sequence; keep=false walks them only to find where the sequence ends. */
  private sequence(pos: number, end: number | undefined, depth: number, keep: boolean): { items: DataSet[]; pos: number } {
    const items: DataSet[] = [];
    for (;;) {
      if (end !== undefined && pos >= end) return { items, pos: end };
      const tag = this.tag(pos);
      this.need(pos, 8);
      const itemLength = this.view.getUint32(pos + 4, true);
      if (tag === SEQUENCE_END) {
        if (end !== undefined) throw new DicomHeaderError('misplaced sequence delimiter');
        return { items, pos: pos + 8 };
      }
      if (tag !== ITEM) throw new DicomHeaderError('a sequence holds something other than items');
      if (itemLength === UNDEFINED) {
        const { ds, pos: next } = this.dataSet(pos + 8, end ?? this.bytes.length, true, 0xffffffff, depth + 1);
        if (keep) items.push(ds);
        pos = next;
      } else {
        const itemEnd = pos + 8 + itemLength;
        if (itemEnd > this.bytes.length) throw new DicomHeaderError('an item runs past the end of the object');
        if (keep) items.push(this.dataSet(pos + 8, itemEnd, false, 0xffffffff, depth + 1).ds);
        pos = itemEnd;
      }
    }
  }
}

function text(ds: DataSet | undefined, tag: number): string {
  const v = ds?.get(tag);
  if (!v || !('bytes' in v)) return '';
  return Buffer.from(v.bytes.buffer, v.bytes.byteOffset, v.bytes.byteLength).toString('latin1').replace(/[\0 ]+$/, '').replace(/^ +/, '');
}

function items(ds: DataSet | undefined, tag: number): DataSet[] {
  const v = ds?.get(tag);
  return v && 'items' in v ? v.items : [];
}

/** Throws DicomHeaderError when the bytes are not a readable Part 10 object with the identity above. */
export function readDicomHeader(bytes: Uint8Array): DicomHeader {
  // STOW-RS application/dicom parts are Part 10 files (PS3.18 8.6.1.2.1): preamble, DICM, meta.
  if (bytes.length < 144 || bytes[128] !== 0x44 || bytes[129] !== 0x49 || bytes[130] !== 0x43 || bytes[131] !== 0x4d) {
    throw new DicomHeaderError('not a DICOM Part 10 object (no DICM prefix)');
  }
  const metaReader = new Reader(bytes, true);
  const { ds: meta, pos: afterMeta } = metaReader.dataSet(132, bytes.length, false, 0x0002ffff, 0);
  const transferSyntaxUid = text(meta, T.transferSyntax);
  let body = bytes.subarray(afterMeta);
  let explicit: boolean;
  if (transferSyntaxUid === IMPLICIT_LE) explicit = false;
  else if (transferSyntaxUid === DEFLATED_LE) {
    try {
      body = inflateRawSync(body);
    } catch {
      throw new DicomHeaderError('the deflated data set does not inflate');
    }
    explicit = true;
  } else if (transferSyntaxUid === EXPLICIT_BE) throw new DicomHeaderError('big endian objects are not accepted');
  else if (transferSyntaxUid) explicit = true; // explicit LE and every encapsulated syntax
  else throw new DicomHeaderError('the file meta information has no transfer syntax');
  const { ds } = new Reader(body, explicit).dataSet(0, body.length, false, LAST_WANTED, 0);

  const referenced: string[] = [];
  const add = (uid: string) => {
    if (uid && !referenced.includes(uid)) referenced.push(uid);
  };
  for (const series of items(ds, T.referencedSeries)) add(text(series, T.seriesUid));
  for (const study of items(ds, T.evidence)) for (const series of items(study, T.referencedSeries)) add(text(series, T.seriesUid));

  const header: DicomHeader = {
    transferSyntaxUid,
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
