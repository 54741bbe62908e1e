// A minimal DICOM Part 10 reader (little endian, uncompressed), shared by the SEG and SR decoders.
// It indexes elements (values decoded on demand, bulk data addressed in place), so a 300-slice SEG
// reads fast, and every way the bytes can be wrong ends in a DicomParseError whose message is meant
// for the user; each decoder rethrows it as its own error class.

/** The bytes are not readable DICOM; the message is meant for the user. */
export class DicomParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DicomParseError';
  }
}

export interface DicomElement {
  vr: string;
  offset: number;
  length: number;
  items?: DataSet[];
}
export type DataSet = Map<number, DicomElement>;

export const IMPLICIT_VR_LE = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';

const SPECIFIC_CHARACTER_SET = 0x00080005;
const TRANSFER_SYNTAX_UID = 0x00020010;
const MEDIA_STORAGE_SOP_CLASS_UID = 0x00020002;
const PIXEL_DATA = 0x7fe00010;

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const UNDEFINED = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;

export const DAMAGED = 'The file is damaged or truncated and cannot be read as DICOM';

export interface Part10ReadOptions {
  /**
   * Implicit VR carries no VR: the VRs of the tags the caller looks at. Sequences it does not
   * descend into may stay opaque bytes.
   */
  implicitVrs: ReadonlyMap<number, string>;
  /** What the file should be, for messages: "segmentation", "report". */
  objectName: string;
}

export class DicomReader {
  readonly view: DataView;
  explicit = true;
  textDecoder: TextDecoder = new TextDecoder('latin1');

  constructor(
    readonly bytes: Uint8Array,
    readonly options: Part10ReadOptions,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  tagAt(pos: number): number {
    if (pos + 4 > this.bytes.length) throw new DicomParseError(`${DAMAGED} (it ends inside an element).`);
    return this.view.getUint16(pos, true) * 0x10000 + this.view.getUint16(pos + 2, true);
  }

  /**
   * Elements from pos until end; an undefined-length item (delimited) runs until its delimiter,
   * the file meta (stopAtGroup 2) until the first element of another group.
   */
  readDataSet(pos: number, end: number, delimited = false, stopAtGroup?: number): { ds: DataSet; pos: number } {
    const ds: DataSet = new Map();
    while (pos < end) {
      // A few stray bytes after the last element (some writers pad files) are not an element.
      if (!delimited && end === this.bytes.length && end - pos < 8) break;
      const tag = this.tagAt(pos);
      if (tag === ITEM_END) {
        if (!delimited) throw new DicomParseError(`${DAMAGED} (misplaced item delimiter).`);
        return { ds, pos: pos + 8 };
      }
      if (stopAtGroup !== undefined && Math.floor(tag / 0x10000) !== stopAtGroup) return { ds, pos };
      const explicit = this.explicit || Math.floor(tag / 0x10000) === 0x0002;
      let vr: string;
      let length: number;
      let valueAt: number;
      if (pos + 8 > this.bytes.length) throw new DicomParseError(`${DAMAGED} (it ends inside an element header).`);
      if (explicit) {
        vr = String.fromCharCode(this.bytes[pos + 4], this.bytes[pos + 5]);
        if (!/^[A-Z]{2}$/.test(vr)) throw new DicomParseError(`${DAMAGED} (invalid value representation at byte ${pos}).`);
        if (LONG_VRS.has(vr)) {
          if (pos + 12 > this.bytes.length) throw new DicomParseError(`${DAMAGED} (it ends inside an element header).`);
          length = this.view.getUint32(pos + 8, true);
          valueAt = pos + 12;
        } else {
          length = this.view.getUint16(pos + 6, true);
          valueAt = pos + 8;
        }
      } else {
        length = this.view.getUint32(pos + 4, true);
        valueAt = pos + 8;
        vr = this.options.implicitVrs.get(tag) ?? (length === UNDEFINED ? 'SQ' : 'UN');
      }
      if (vr === 'SQ' || (vr === 'UN' && length === UNDEFINED)) {
        // An undefined-length UN is a sequence in Implicit VR Little Endian (PS3.5 6.2.2).
        const wasExplicit = this.explicit;
        if (vr === 'UN') this.explicit = false;
        const { items, pos: next } = this.readSequence(valueAt, length);
        this.explicit = wasExplicit;
        ds.set(tag, { vr: 'SQ', offset: valueAt, length: next - valueAt, items });
        pos = next;
        continue;
      }
      if (length === UNDEFINED) {
        if (tag === PIXEL_DATA) {
          throw new DicomParseError(`The ${this.options.objectName}'s pixel data are compressed (encapsulated), which this viewer cannot read; export it uncompressed.`);
        }
        throw new DicomParseError(`${DAMAGED} (undefined length outside a sequence).`);
      }
      if (valueAt + length > this.bytes.length) throw new DicomParseError(`${DAMAGED} (an element runs past the end of the file).`);
      ds.set(tag, { vr, offset: valueAt, length });
      pos = valueAt + length;
    }
    if (delimited) throw new DicomParseError(`${DAMAGED} (a sequence item is not closed).`);
    return { ds, pos };
  }

  readSequence(pos: number, length: number): { items: DataSet[]; pos: number } {
    const items: DataSet[] = [];
    const end = length === UNDEFINED ? undefined : pos + length;
    if (end !== undefined && end > this.bytes.length) throw new DicomParseError(`${DAMAGED} (a sequence runs past the end of the file).`);
    for (;;) {
      if (end !== undefined && pos >= end) return { items, pos: end };
      const tag = this.tagAt(pos);
      if (pos + 8 > this.bytes.length) throw new DicomParseError(`${DAMAGED} (it ends inside a sequence).`);
      const itemLength = this.view.getUint32(pos + 4, true);
      if (tag === SEQUENCE_END) {
        if (end !== undefined) throw new DicomParseError(`${DAMAGED} (misplaced sequence delimiter).`);
        return { items, pos: pos + 8 };
      }
      if (tag !== ITEM) throw new DicomParseError(`${DAMAGED} (a sequence holds something other than items).`);
      if (itemLength === UNDEFINED) {
        const { ds, pos: next } = this.readDataSet(pos + 8, end ?? this.bytes.length, true);
        items.push(ds);
        pos = next;
      } else {
        const itemEnd = pos + 8 + itemLength;
        if (itemEnd > this.bytes.length) throw new DicomParseError(`${DAMAGED} (an item runs past the end of the file).`);
        items.push(this.readDataSet(pos + 8, itemEnd).ds);
        pos = itemEnd;
      }
    }
  }

  /** A short string value, its padding and leading spaces removed. */
  string(ds: DataSet | undefined, tag: number): string | undefined {
    const e = ds?.get(tag);
    if (!e || e.items) return undefined;
    const raw = this.bytes.subarray(e.offset, e.offset + e.length);
    return this.textDecoder.decode(raw).replace(/[\0 ]+$/, '').replace(/^ +/, '');
  }

  /**
   * A text value (ST, LT, UT) as written: leading spaces are significant there (PS3.5 6.2), so only
   * the trailing padding is removed.
   */
  text(ds: DataSet | undefined, tag: number): string | undefined {
    const e = ds?.get(tag);
    if (!e || e.items) return undefined;
    const raw = this.bytes.subarray(e.offset, e.offset + e.length);
    return this.textDecoder.decode(raw).replace(/[\0 ]+$/, '');
  }

  numbers(ds: DataSet | undefined, tag: number): number[] | undefined {
    const e = ds?.get(tag);
    if (!e || e.items) return undefined;
    const { vr, offset, length } = e;
    const read = (size: number, get: (at: number) => number): number[] => {
      const out: number[] = [];
      for (let at = offset; at + size <= offset + length; at += size) out.push(get(at));
      return out;
    };
    switch (vr) {
      case 'US':
        return read(2, (at) => this.view.getUint16(at, true));
      case 'SS':
        return read(2, (at) => this.view.getInt16(at, true));
      case 'UL':
        return read(4, (at) => this.view.getUint32(at, true));
      case 'SL':
        return read(4, (at) => this.view.getInt32(at, true));
      case 'FL':
        return read(4, (at) => this.view.getFloat32(at, true));
      case 'FD':
        return read(8, (at) => this.view.getFloat64(at, true));
      default: {
        const text = this.string(ds, tag);
        if (text === undefined || text === '') return [];
        return text.split('\\').map((s) => Number(s.trim()));
      }
    }
  }

  number(ds: DataSet | undefined, tag: number): number | undefined {
    const v = this.numbers(ds, tag);
    return v && v.length > 0 && Number.isFinite(v[0]) ? v[0] : undefined;
  }
}

export function first(ds: DataSet | undefined, tag: number): DataSet | undefined {
  return ds?.get(tag)?.items?.[0];
}

export function items(ds: DataSet | undefined, tag: number): DataSet[] {
  return ds?.get(tag)?.items ?? [];
}

export interface ParsedFile {
  reader: DicomReader;
  ds: DataSet;
  mediaSopClass?: string;
}

const TRANSFER_SYNTAX_NAMES: Record<string, string> = {
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless (SV1)',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 Lossless',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
};

/**
 * Reads the file meta (when there is a Part 10 header) and the dataset. Files without a header
 * are accepted when their first bytes look like a little endian dataset.
 */
export function parsePart10(bytes: Uint8Array, options: Part10ReadOptions): ParsedFile {
  const reader = new DicomReader(bytes, options);
  let pos = 0;
  let transferSyntax: string | undefined;
  let mediaSopClass: string | undefined;
  const hasPreamble = bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
  if (hasPreamble) {
    const { ds: meta, pos: after } = reader.readDataSet(132, bytes.length, false, 0x0002);
    transferSyntax = reader.string(meta, TRANSFER_SYNTAX_UID);
    mediaSopClass = reader.string(meta, MEDIA_STORAGE_SOP_CLASS_UID);
    pos = after;
  } else if (bytes.length < 8) {
    throw new DicomParseError('This file is not a DICOM file (it is empty or too short).');
  } else {
    // No Part 10 header: guess the encoding from the first element's bytes.
    const vr = String.fromCharCode(bytes[4], bytes[5]);
    transferSyntax = /^[A-Z]{2}$/.test(vr) ? EXPLICIT_VR_LE : IMPLICIT_VR_LE;
    if (reader.view.getUint16(0, true) > 0x0008 || reader.view.getUint16(0, true) === 0) {
      throw new DicomParseError('This file is not a DICOM file (no DICOM header).');
    }
  }
  if (transferSyntax === IMPLICIT_VR_LE) reader.explicit = false;
  else if (transferSyntax === EXPLICIT_VR_LE || transferSyntax === undefined) reader.explicit = true;
  else {
    const name = TRANSFER_SYNTAX_NAMES[transferSyntax] ?? `transfer syntax ${transferSyntax}`;
    throw new DicomParseError(
      `The ${options.objectName} is stored as ${name}, which this viewer cannot read; it reads uncompressed (Implicit or Explicit VR Little Endian) files.`,
    );
  }
  const { ds } = reader.readDataSet(pos, bytes.length);
  const charset = reader.string(ds, SPECIFIC_CHARACTER_SET) ?? '';
  if (/ISO_IR 192/.test(charset)) reader.textDecoder = new TextDecoder('utf-8');
  return { reader, ds, mediaSopClass };
}

const SOP_CLASS_NAMES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.2': 'a CT image',
  '1.2.840.10008.5.1.4.1.1.2.1': 'an enhanced CT image',
  '1.2.840.10008.5.1.4.1.1.4': 'an MR image',
  '1.2.840.10008.5.1.4.1.1.481.3': 'an RT Structure Set',
  '1.2.840.10008.5.1.4.1.1.66.4': 'a segmentation',
  '1.2.840.10008.5.1.4.1.1.66.7': 'a label map segmentation',
  '1.2.840.10008.5.1.4.1.1.88.11': 'a Basic Text SR',
  '1.2.840.10008.5.1.4.1.1.88.22': 'an Enhanced SR',
  '1.2.840.10008.5.1.4.1.1.88.33': 'a Comprehensive SR',
  '1.2.840.10008.5.1.4.1.1.88.34': 'a Comprehensive 3D SR',
  '1.2.840.10008.5.1.4.1.1.128': 'a PET image',
  '1.2.840.10008.5.1.4.1.1.11.1': 'a Grayscale Softcopy Presentation State',
};

/** "a CT image", "a DICOM object of SOP class 1.2.3", for messages. */
export function describeSopClass(uid: string | undefined): string {
  if (!uid) return 'a DICOM object without a SOP class';
  return SOP_CLASS_NAMES[uid] ?? `a DICOM object of SOP class ${uid}`;
}
