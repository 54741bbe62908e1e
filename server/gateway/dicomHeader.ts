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
   * Elements from pos to end (or to the item delimiter when delimited). Strict, because the
   * archive parses the same bytes with its own rules and files the object by what it reads: an
   * element repeated or out of ascending order (PS3.5 7.1), or a group length that disagrees
   * with its group, is refused here, since the archive may take another of the two values than
   * this reader would. The whole top level is walked (values skipped, not read), so nothing can
   * hide past the attributes the gateway needs; values of sequences it does not need are skipped
   * by their length, or walked only to find their end.
   */
  dataSet(pos: number, end: number, delimited: boolean, depth: number, level = 'the data set'): { ds: DataSet; pos: number } {
    if (depth > 8) throw new DicomHeaderError('sequences nested too deep');
    const ds: DataSet = new Map();
    let previous = -1;
    let group: { id: number; end: number } | null = null;
    const closeGroup = (at: number, nextTag: number | null) => {
      if (group && (nextTag === null || nextTag >>> 16 !== group.id)) {
        if (at !== group.end) throw new DicomHeaderError(`a group length in ${level} disagrees with its group (${hex(group.id << 16)})`);
        group = null;
      }
    };
    while (pos < end) {
      if (!delimited && end - pos < 8) {
        // Trailing padding (zero bytes) only: anything else is a truncated element.
        if (this.bytes.subarray(pos, end).some((b) => b !== 0)) throw new DicomHeaderError('the object ends inside an element');
        break;
      }
      const tag = this.tag(pos);
      if (tag === ITEM_END) {
        if (!delimited) throw new DicomHeaderError('misplaced item delimiter');
        closeGroup(pos, null);
        return { ds, pos: pos + 8 };
      }
      if (tag <= previous) {
        throw new DicomHeaderError(tag === previous ? `the element ${hex(tag)} appears twice in ${level}` : `the element ${hex(tag)} is out of ascending order in ${level}`);
      }
      closeGroup(pos, tag);
      previous = tag;
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
      const wanted = SEQUENCES.has(tag) || depth > 0;
      if (vr === 'SQ' || length === UNDEFINED) {
        if (vr === 'UN' && this.explicit) {
          // A sequence of unknown VR, encoded as implicit VR little endian (PS3.5 6.2.2).
          pos = new Reader(this.bytes, false).sequence(at, undefined, depth, false, hex(tag)).pos;
          continue;
        }
        if (vr !== 'SQ') {
          // Encapsulated pixel data: its fragments are walked to find where it ends, since
          // elements may follow it.
          pos = this.fragments(at);
          continue;
        }
        const seqEnd = length === UNDEFINED ? undefined : at + length;
        if (seqEnd !== undefined && seqEnd > this.bytes.length) throw new DicomHeaderError('a sequence runs past the end of the object');
        if (!wanted && seqEnd !== undefined) {
          // Not read by the gateway, and the archive indexes no nested attribute: skipped whole.
          pos = seqEnd;
          continue;
        }
        const { items, pos: next } = this.sequence(at, seqEnd, depth, wanted, hex(tag));
        if (wanted) ds.set(tag, { items });
        pos = next;
        continue;
      }
      this.need(at, length);
      if ((tag & 0xffff) === 0 && length === 4 && (vr === 'UL' || !this.explicit)) {
        group = { id: tag >>> 16, end: at + 4 + this.view.getUint32(at, true) };
      }
      ds.set(tag, { bytes: this.bytes.subarray(at, at + length) });
      pos = at + length;
    }
    if (delimited) throw new DicomHeaderError('a sequence item is not closed');
    closeGroup(pos, null);
    return { ds, pos };
  }

  /** The file meta information (group 0002, explicit VR little endian): where it ends is where the
   * first element of another group starts. */
  metaGroup(pos: number): { ds: DataSet; pos: number } {
    let end = pos;
    while (end + 8 <= this.bytes.length && this.view.getUint16(end, true) === 0x0002) {
      const vr = String.fromCharCode(this.bytes[end + 4], this.bytes[end + 5]);
      end += LONG_VRS.has(vr) ? 12 + (end + 12 <= this.bytes.length ? this.view.getUint32(end + 8, true) : 0) : 8 + this.view.getUint16(end + 6, true);
    }
    if (end > this.bytes.length) throw new DicomHeaderError('the file meta information is truncated');
    return this.dataSet(pos, end, false, 0, 'the file meta information');
  }

  /** Where an encapsulated value (items of fragments, then a sequence delimiter) ends. */
  private fragments(pos: number): number {
    for (;;) {
      const tag = this.tag(pos);
      this.need(pos, 8);
      const length = this.view.getUint32(pos + 4, true);
      if (tag === SEQUENCE_END) return pos + 8;
      if (tag !== ITEM || length === UNDEFINED) throw new DicomHeaderError('encapsulated pixel data holds something other than fragments');
      this.need(pos + 8, length);
      pos += 8 + length;
    }
  }

  /** Items of a sequence; keep=false walks them only to find where the sequence ends. */
  private sequence(pos: number, end: number | undefined, depth: number, keep: boolean, name: string): { items: DataSet[]; pos: number } {
    const items: DataSet[] = [];
    const level = `an item of ${name}`;
    for (;;) {
      if (end !== undefined && pos >= end) {
        if (pos > end) throw new DicomHeaderError(`an item of ${name} runs past its sequence`);
        return { items, pos: end };
      }
      const tag = this.tag(pos);
      this.need(pos, 8);
      const itemLength = this.view.getUint32(pos + 4, true);
      if (tag === SEQUENCE_END) {
        if (end !== undefined) throw new DicomHeaderError('misplaced sequence delimiter');
        return { items, pos: pos + 8 };
      }
      if (tag !== ITEM) throw new DicomHeaderError('a sequence holds something other than items');
      if (itemLength === UNDEFINED) {
        const { ds, pos: next } = this.dataSet(pos + 8, end ?? this.bytes.length, true, depth + 1, level);
        if (keep) items.push(ds);
        pos = next;
      } else {
        const itemEnd = pos + 8 + itemLength;
        if (itemEnd > this.bytes.length || (end !== undefined && itemEnd > end)) throw new DicomHeaderError('an item runs past the end of its sequence');
        if (keep) items.push(this.dataSet(pos + 8, itemEnd, false, depth + 1, level).ds);
        pos = itemEnd;
      }
    }
  }
}

function hex(tag: number): string {
  const h = tag.toString(16).toUpperCase().padStart(8, '0');
  return `(${h.slice(0, 4)},${h.slice(4)})`;
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
  const { ds: meta, pos: afterMeta } = metaReader.metaGroup(132);
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
  const { ds } = new Reader(body, explicit).dataSet(0, body.length, false, 0);

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
