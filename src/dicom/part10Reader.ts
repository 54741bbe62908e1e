// The one DICOM Part 10 reader: the SEG and SR decoders (browser, web workers) and the gateway's
// STOW judge (Node) read bytes with it, so they cannot disagree on what a file holds. It indexes
// elements (values decoded on demand, bulk data addressed in place), so a 300-frame SEG reads
// fast, and it is strict: wherever two readers could take different values from the same bytes
// (an element repeated or out of ascending order, a group length that disagrees with its group,
// an element past the end of its item, a VR it does not know, trailing bytes) the file is refused,
// since the archive parses the same bytes with its own rules. Every refusal is a DicomParseError
// whose message is meant for the user. No node:* imports: deflate comes in as an option.
// Longer than most files here (~500 lines) for a reason: one parser per format, and its rules
// (the walk, the refusals, the value decoding) only hold if they are in one place.

/** The bytes are not readable DICOM; the message is meant for the user. */
export class DicomParseError extends Error {
  /**
   * @param detail what is wrong, without the sentence around it ("the element (0020,000E)
   * appears twice in the data set"), for API answers and logs.
   */
  constructor(
    message: string,
    readonly detail: string = message,
  ) {
    super(message);
    this.name = 'DicomParseError';
  }
}

export interface DicomFragment {
  offset: number;
  length: number;
}

export interface DicomElement {
  vr: string;
  /** Where the value starts in reader.bytes. */
  offset: number;
  /** Value length in bytes; for a sequence or encapsulated pixel data, up to and including its delimiter. */
  length: number;
  /** A sequence's items, for the sequences the caller reads (see Part10ReadOptions.implicitVrs). */
  items?: DataSet[];
  /** Encapsulated pixel data: its fragments, the first being the Basic Offset Table (PS3.5 A.4). */
  fragments?: DicomFragment[];
}
export type DataSet = Map<number, DicomElement>;

export const IMPLICIT_VR_LE = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';
export const DEFLATED_EXPLICIT_VR_LE = '1.2.840.10008.1.2.1.99';
const EXPLICIT_VR_BE = '1.2.840.10008.1.2.2';
// Transfer syntaxes whose data set is deflated (PS3.5 A.5; JPIP Referenced Deflate, A.6).
const DEFLATED = new Set([DEFLATED_EXPLICIT_VR_LE, '1.2.840.10008.1.2.4.95']);

const SPECIFIC_CHARACTER_SET = 0x00080005;
const TRANSFER_SYNTAX_UID = 0x00020010;
const MEDIA_STORAGE_SOP_CLASS_UID = 0x00020002;
const PIXEL_DATA = 0x7fe00010;

// The VRs of PS3.5 6.2, by their two bytes; those with a 4-byte length field (PS3.5 7.1.2).
// Another VR is refused, not guessed at: DCMTK (the archive's parser) reads an unknown VR with a
// 4-byte length, a reader guessing 2 bytes would see other elements in the same bytes.
const VRS = 'AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' ');
const VR_BY_CODE = new Map(VRS.map((vr) => [(vr.charCodeAt(0) << 8) | vr.charCodeAt(1), vr]));
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const UNDEFINED = 0xffffffff;
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;
/** Items within items, at most (a SEG needs 4: per-frame groups > derivation > source image > purpose code). */
const MAX_DEPTH = 8;

export const DAMAGED = 'The file is damaged or truncated and cannot be read as DICOM';
export const NOT_VALID = 'The file breaks the DICOM encoding rules';

function damaged(detail: string): DicomParseError {
  return new DicomParseError(`${DAMAGED} (${detail}).`, detail);
}

function notValid(detail: string): DicomParseError {
  return new DicomParseError(`${NOT_VALID} (${detail}); other programs could read it differently, so it is not read.`, detail);
}

function tagName(tag: number): string {
  const h = tag.toString(16).toUpperCase().padStart(8, '0');
  return `(${h.slice(0, 4)},${h.slice(4)})`;
}

export interface Part10ReadOptions {
  /**
   * The VRs of the tags the caller looks at, since Implicit VR carries none. The sequences among
   * them (VR SQ) are the ones whose items are indexed, in every transfer syntax alike: another
   * sequence of defined length is skipped by its length (its items neither read nor checked), one
   * of undefined length is walked, and checked, to find its end.
   */
  implicitVrs: ReadonlyMap<number, string>;
  /** What the file should be, for messages: "segmentation", "report". */
  objectName: string;
  /**
   * Inflates raw deflate bytes (node:zlib's inflateRawSync in Node). Without it, a Deflated
   * Explicit VR Little Endian file is refused with a message saying so.
   */
  inflateRaw?: (bytes: Uint8Array) => Uint8Array;
  /**
   * Read files in an encapsulated (compressed) transfer syntax: the data set is read, pixel data
   * fragments are indexed in place, not decoded. Off: such a file is refused, naming its syntax.
   */
  encapsulated?: boolean;
  /**
   * Read a data set without the preamble and "DICM" (as some tools export objects) when its first
   * bytes look like one; a leading group 0002 is then read as the file meta. Off: a file must be
   * a Part 10 file (PS3.10 7.1), as STOW-RS requires.
   */
  allowMissingFileMeta?: boolean;
}

/** Values of an indexed file, decoded when asked for. */
export class DicomReader {
  readonly view: DataView;
  textDecoder: TextDecoder = new TextDecoder('latin1');

  constructor(
    /** The file's bytes; for a deflated file, the meta and the inflated data set. */
    readonly bytes: Uint8Array,
    readonly options: Part10ReadOptions,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private plain(ds: DataSet | undefined, tag: number): DicomElement | undefined {
    const e = ds?.get(tag);
    return !e || e.vr === 'SQ' || e.fragments ? undefined : e;
  }

  /** A value's bytes, in place (bulk data: pixel data of a native transfer syntax, say). */
  bulk(ds: DataSet | undefined, tag: number): Uint8Array | undefined {
    const e = this.plain(ds, tag);
    return e && this.bytes.subarray(e.offset, e.offset + e.length);
  }

  /** A short string value, its padding and leading spaces removed. */
  string(ds: DataSet | undefined, tag: number): string | undefined {
    const raw = this.bulk(ds, tag);
    return raw && this.textDecoder.decode(raw).replace(/[\0 ]+$/, '').replace(/^ +/, '');
  }

  /**
   * A text value (ST, LT, UT) as written: leading spaces are significant there (PS3.5 6.2), so only
   * the trailing padding is removed.
   */
  text(ds: DataSet | undefined, tag: number): string | undefined {
    const raw = this.bulk(ds, tag);
    return raw && this.textDecoder.decode(raw).replace(/[\0 ]+$/, '');
  }

  numbers(ds: DataSet | undefined, tag: number): number[] | undefined {
    const e = this.plain(ds, tag);
    if (!e) return undefined;
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

/** Where a data set is read, and how it ends. */
interface Level {
  /** The sequence whose item this is; TOP_LEVEL, META for the data set and the file meta. */
  sequence: number;
  /** An item of undefined length, ended by its delimiter. */
  delimited: boolean;
  depth: number;
  /** Index its elements (false: only walk them to find the end, checking them alike). */
  keep: boolean;
}
const TOP_LEVEL = -1;
const META = -2;

/** For messages: "the data set", "an item of (0008,1115)". */
function levelName(level: Level): string {
  return level.sequence === TOP_LEVEL ? 'the data set' : level.sequence === META ? 'the file meta information' : `an item of ${tagName(level.sequence)}`;
}

/** The indexing pass: walks the bytes once, refusing anything ambiguous. */
class Parser {
  private readonly view: DataView;
  explicit = true;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly vrs: ReadonlyMap<number, string>,
    /** Whether the transfer syntax is an encapsulated one, where pixel data come in fragments. */
    private readonly encapsulated: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private where(end: number, level: Level): string {
    return end === this.bytes.length ? 'the file' : level.depth === 0 ? levelName(level) : 'its item';
  }

  /**
   * Elements from pos until end, or until the item delimiter when delimited. Each data set is
   * checked as it is read: tags strictly ascending (PS3.5 7.1, so none is repeated), a group
   * length equal to the bytes of its group, every element inside its item. The file meta ends
   * before the first element of another group, or where its group length says.
   */
  dataSet(pos: number, end: number, level: Level): { ds: DataSet; pos: number } {
    if (level.depth > MAX_DEPTH) throw notValid('sequences nested too deep');
    const ds: DataSet = new Map();
    const { bytes, view } = this;
    const meta = level.sequence === META;
    let previous = -1;
    let groupId = -1;
    let groupEnd = 0;
    while (pos < end) {
      if (!level.delimited && end - pos < 8) {
        // After the last element some writers pad the file with a few zero bytes; anything else,
        // and anything inside an item, is a truncated element.
        if (level.depth === 0 && end === bytes.length && bytes.subarray(pos, end).every((b) => b === 0)) break;
        throw damaged(`${levelName(level)} ends inside an element`);
      }
      if (pos + 8 > end) throw damaged('it ends inside an element');
      const group = view.getUint16(pos, true);
      const element = view.getUint16(pos + 2, true);
      const tag = group * 0x10000 + element;
      if (meta && (group !== 0x0002 || (groupId === 0x0002 && pos === groupEnd))) break;
      if (tag === ITEM_END) {
        if (!level.delimited) throw damaged('misplaced item delimiter');
        if (groupId >= 0 && pos !== groupEnd) throw this.groupMismatch(level, groupId);
        return { ds, pos: pos + 8 };
      }
      if (group === 0xfffe) throw damaged(`an item or delimiter ${tagName(tag)} outside a sequence`);
      if (tag <= previous) {
        const name = levelName(level);
        throw notValid(tag === previous ? `the element ${tagName(tag)} appears twice in ${name}` : `the element ${tagName(tag)} is out of ascending order in ${name}`);
      }
      if (group === 0x0002 && !meta) throw notValid(`the file meta element ${tagName(tag)} is inside ${levelName(level)}`);
      if (groupId >= 0 && group !== groupId) {
        if (pos !== groupEnd) throw this.groupMismatch(level, groupId);
        groupId = -1;
      }
      previous = tag;

      let vr: string;
      let length: number;
      let valueAt: number;
      if (this.explicit) {
        const known = VR_BY_CODE.get((bytes[pos + 4] << 8) | bytes[pos + 5]);
        if (known === undefined) throw damaged(`invalid value representation at byte ${pos}`);
        vr = known;
        if (LONG_VRS.has(vr)) {
          if (pos + 12 > end) throw damaged('it ends inside an element');
          length = view.getUint32(pos + 8, true);
          valueAt = pos + 12;
        } else {
          length = view.getUint16(pos + 6, true);
          valueAt = pos + 8;
        }
      } else {
        length = view.getUint32(pos + 4, true);
        valueAt = pos + 8;
        vr = this.vrs.get(tag) ?? (element === 0 ? 'UL' : length === UNDEFINED ? 'SQ' : 'UN');
      }

      if (tag === PIXEL_DATA && length === UNDEFINED) {
        // Encapsulated pixel data (PS3.5 A.4): only in an encapsulated transfer syntax, which is
        // always explicit VR.
        if (!this.encapsulated) throw damaged('encapsulated pixel data in an uncompressed transfer syntax');
        if (!this.explicit || (vr !== 'OB' && vr !== 'OW')) throw damaged(`encapsulated pixel data of VR ${vr}`);
        const { fragments, pos: next } = this.fragments(valueAt, end);
        if (level.keep) ds.set(tag, { vr, offset: valueAt, length: next - valueAt, fragments });
        pos = next;
        continue;
      }
      if (vr === 'SQ' || (vr === 'UN' && length === UNDEFINED)) {
        // An undefined-length UN is a sequence in Implicit VR Little Endian (PS3.5 6.2.2).
        const read = level.keep && this.vrs.get(tag) === 'SQ';
        if (length !== UNDEFINED && valueAt + length > end) throw damaged(`a sequence runs past the end of ${this.where(end, level)}`);
        let next: number;
        let seqItems: DataSet[] | undefined;
        if (!read && length !== UNDEFINED) {
          next = valueAt + length; // not read by the caller: skipped whole
        } else {
          const wasExplicit = this.explicit;
          if (vr === 'UN') this.explicit = false;
          const r = this.sequence(valueAt, length === UNDEFINED ? undefined : valueAt + length, end, { sequence: tag, delimited: false, depth: level.depth + 1, keep: read });
          this.explicit = wasExplicit;
          next = r.pos;
          if (read) seqItems = r.items;
        }
        if (level.keep) ds.set(tag, { vr: 'SQ', offset: valueAt, length: next - valueAt, items: seqItems });
        pos = next;
        continue;
      }
      if (length === UNDEFINED) throw damaged(`undefined length outside a sequence (${tagName(tag)})`);
      if (valueAt + length > end) throw damaged(`an element runs past the end of ${this.where(end, level)}`);
      if (element === 0 && length === 4 && vr === 'UL') {
        groupId = group;
        groupEnd = valueAt + 4 + view.getUint32(valueAt, true);
      }
      if (level.keep) ds.set(tag, { vr, offset: valueAt, length });
      pos = valueAt + length;
    }
    if (level.delimited) throw damaged('a sequence item is not closed');
    if (groupId >= 0 && pos !== groupEnd) throw this.groupMismatch(level, groupId);
    return { ds, pos };
  }

  private groupMismatch(level: Level, group: number): DicomParseError {
    return notValid(`a group length in ${levelName(level)} disagrees with its group ${tagName(group * 0x10000)}`);
  }

  /** Items of a sequence until end (defined length) or its delimiter, within limit; level: its items'. */
  private sequence(pos: number, end: number | undefined, limit: number, level: Level): { items: DataSet[]; pos: number } {
    const items: DataSet[] = [];
    const bound = end ?? limit;
    let delimitedLevel: Level | undefined;
    for (;;) {
      if (end !== undefined && pos === end) return { items, pos };
      if (pos + 8 > bound) throw damaged(end === undefined ? `the sequence ${tagName(level.sequence)} is not closed` : `an item of ${tagName(level.sequence)} runs past its sequence`);
      const tag = this.view.getUint16(pos, true) * 0x10000 + this.view.getUint16(pos + 2, true);
      const itemLength = this.view.getUint32(pos + 4, true);
      if (tag === SEQUENCE_END) {
        if (end !== undefined) throw damaged('misplaced sequence delimiter');
        return { items, pos: pos + 8 };
      }
      if (tag !== ITEM) throw damaged(`the sequence ${tagName(level.sequence)} holds something other than items`);
      if (itemLength === UNDEFINED) {
        delimitedLevel ??= { ...level, delimited: true };
        const r = this.dataSet(pos + 8, bound, delimitedLevel);
        if (level.keep) items.push(r.ds);
        pos = r.pos;
      } else {
        const itemEnd = pos + 8 + itemLength;
        if (itemEnd > bound) throw damaged(`an item of ${tagName(level.sequence)} runs past the end of its sequence`);
        // An item of a sequence the caller does not read is skipped by its length.
        if (level.keep) items.push(this.dataSet(pos + 8, itemEnd, level).ds);
        pos = itemEnd;
      }
    }
  }

  /** The fragments of encapsulated pixel data: items of defined length, then a sequence delimiter. */
  private fragments(pos: number, limit: number): { fragments: DicomFragment[]; pos: number } {
    const fragments: DicomFragment[] = [];
    for (;;) {
      if (pos + 8 > limit) throw damaged('the encapsulated pixel data are not closed');
      const tag = this.view.getUint16(pos, true) * 0x10000 + this.view.getUint16(pos + 2, true);
      const length = this.view.getUint32(pos + 4, true);
      if (tag === SEQUENCE_END) return { fragments, pos: pos + 8 };
      if (tag !== ITEM || length === UNDEFINED) throw damaged('encapsulated pixel data hold something other than fragments');
      if (pos + 8 + length > limit) throw damaged('a pixel data fragment runs past the end of the file');
      fragments.push({ offset: pos + 8, length });
      pos += 8 + length;
    }
  }
}

export interface ParsedFile {
  reader: DicomReader;
  ds: DataSet;
  /** The file meta information (group 0002); empty for a file without one. */
  meta: DataSet;
  /** (0002,0010), or the syntax guessed for a file without file meta. */
  transferSyntaxUid: string;
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

function unreadableSyntax(uid: string, options: Part10ReadOptions, detail: string): DicomParseError {
  const name = TRANSFER_SYNTAX_NAMES[uid] ?? `transfer syntax ${uid}`;
  return new DicomParseError(
    `The ${options.objectName} is stored as ${name}, which this viewer cannot read; it reads uncompressed (Implicit or Explicit VR Little Endian) files.`,
    detail,
  );
}

/**
 * Reads the file meta and the data set, indexing every element of the top level and of the
 * sequences the caller reads (options.implicitVrs). Throws DicomParseError.
 */
export function parsePart10(bytes: Uint8Array, options: Part10ReadOptions): ParsedFile {
  if (bytes.length < 8) throw new DicomParseError('This file is not a DICOM file (it is empty or too short).', 'not a DICOM object (empty or too short)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hasPreamble = bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
  let pos = 0;
  if (hasPreamble) pos = 132;
  else if (!options.allowMissingFileMeta) {
    throw new DicomParseError('This file is not a DICOM Part 10 file (it has no "DICM" after the preamble).', 'not a DICOM Part 10 object (no DICM prefix)');
  } else if (view.getUint16(0, true) > 0x0008 || view.getUint16(0, true) === 0) {
    throw new DicomParseError('This file is not a DICOM file (no DICOM header).', 'not a DICOM object (no DICOM header)');
  }

  // The file meta is always Explicit VR Little Endian (PS3.10 7.1).
  let meta: DataSet = new Map();
  let transferSyntaxUid: string | undefined;
  const metaParser = new Parser(bytes, options.implicitVrs, false);
  if (hasPreamble || (pos + 2 <= bytes.length && view.getUint16(pos, true) === 0x0002)) {
    const read = metaParser.dataSet(pos, bytes.length, { sequence: META, delimited: false, depth: 0, keep: true });
    meta = read.ds;
    pos = read.pos;
    transferSyntaxUid = new DicomReader(bytes, options).string(meta, TRANSFER_SYNTAX_UID);
    // The meta ended where its group length said, yet group 0002 goes on (a deflated data set
    // starts with deflate bytes, not an element, there).
    if (!DEFLATED.has(transferSyntaxUid ?? '') && pos + 2 <= bytes.length && view.getUint16(pos, true) === 0x0002) {
      throw notValid(`a group length in the file meta information disagrees with its group ${tagName(0x00020000)}`);
    }
    if (!transferSyntaxUid) throw damaged('the file meta information has no transfer syntax');
  } else {
    // No file meta: the encoding guessed from the first element's bytes.
    transferSyntaxUid = VR_BY_CODE.has((bytes[4] << 8) | bytes[5]) ? EXPLICIT_VR_LE : IMPLICIT_VR_LE;
  }

  let data = bytes;
  let explicit = true;
  let encapsulated = false;
  if (transferSyntaxUid === IMPLICIT_VR_LE) explicit = false;
  else if (transferSyntaxUid === EXPLICIT_VR_LE) explicit = true;
  else if (DEFLATED.has(transferSyntaxUid) && (transferSyntaxUid === DEFLATED_EXPLICIT_VR_LE || options.encapsulated)) {
    if (!options.inflateRaw) throw unreadableSyntax(transferSyntaxUid, options, 'deflated objects are not read here');
    let inflated: Uint8Array;
    try {
      inflated = options.inflateRaw(bytes.subarray(pos));
    } catch {
      throw damaged('the deflated data set does not inflate');
    }
    // One buffer, so that offsets into the meta and into the data set share reader.bytes.
    data = new Uint8Array(pos + inflated.length);
    data.set(bytes.subarray(0, pos));
    data.set(inflated, pos);
    encapsulated = transferSyntaxUid !== DEFLATED_EXPLICIT_VR_LE;
  } else if (transferSyntaxUid === EXPLICIT_VR_BE) throw unreadableSyntax(transferSyntaxUid, options, 'big endian objects are not accepted');
  else if (options.encapsulated) encapsulated = true; // every other syntax is explicit VR little endian (PS3.5 A.4)
  else throw unreadableSyntax(transferSyntaxUid, options, `transfer syntax ${transferSyntaxUid} is not read here`);

  const parser = new Parser(data, options.implicitVrs, encapsulated);
  parser.explicit = explicit;
  const { ds } = parser.dataSet(pos, data.length, { sequence: TOP_LEVEL, delimited: false, depth: 0, keep: true });
  const reader = new DicomReader(data, options);
  const charset = reader.string(ds, SPECIFIC_CHARACTER_SET) ?? '';
  if (/ISO_IR 192/.test(charset)) reader.textDecoder = new TextDecoder('utf-8');
  return { reader, ds, meta, transferSyntaxUid, mediaSopClass: reader.string(meta, MEDIA_STORAGE_SOP_CLASS_UID) };
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
