import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { concat, encapsulatedPixelData, ex, im, imSq, item, part10, part10WithMeta, sq, u32, UNDEFINED_LENGTH } from './part10Bytes.testSupport.ts';
import { DicomParseError, describeSopClass, first, items, type Part10ReadOptions, parsePart10 } from './part10Reader.ts';
import { ByteWriter, el, type Item, metaBytes, seq, writeItems } from './part10Writer.ts';

const VRS = new Map<number, string>([[0x00100010, 'PN'], [0x00081115, 'SQ'], [0x0020000e, 'UI'], [0x00700022, 'FL'], [0x0040a375, 'SQ']]);
// As the SEG and SR decoders read: files without file meta too.
const OPTIONS: Part10ReadOptions = { implicitVrs: VRS, objectName: 'test object', allowMissingFileMeta: true };
// The defaults: as the gateway reads.
const STRICT: Part10ReadOptions = { implicitVrs: VRS, objectName: 'test object' };

function file(dataset: Item, transferSyntax?: string): Uint8Array {
  const meta = metaBytes('1.2.840.10008.5.1.4.1.1.88.34', '1.2.3', 'TEST');
  const w = new ByteWriter(256);
  writeItems(w, dataset);
  const out = new Uint8Array(meta.length + w.pos);
  out.set(meta);
  out.set(w.bytes.subarray(0, w.pos), meta.length);
  if (transferSyntax) {
    // Must be as long as Explicit VR LE's UID (19 characters) so that lengths stay valid.
    const at = findBytes(out, '1.2.840.10008.1.2.1');
    out.set(new TextEncoder().encode(transferSyntax.padEnd(19, '\0')), at);
  }
  return out;
}

function findBytes(haystack: Uint8Array, needle: string): number {
  const n = new TextEncoder().encode(needle);
  for (let i = 0; i + n.length <= haystack.length; i++) if (n.every((b, k) => haystack[i + k] === b)) return i;
  throw new Error(`${needle} not found`);
}

function parseError(bytes: Uint8Array, options: Part10ReadOptions = OPTIONS): string {
  try {
    parsePart10(bytes, options);
  } catch (e) {
    expect(e).toBeInstanceOf(DicomParseError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('parsePart10', () => {
  const dataset: Item = [
    el(0x0008, 0x0005, 'CS', 'ISO_IR 192'),
    el(0x0008, 0x0016, 'UI', '1.2.840.10008.5.1.4.1.1.88.34'),
    el(0x0010, 0x0010, 'PN', 'Dœ^Jane'),
    seq(0x0008, 0x1115, [el(0x0020, 0x000e, 'UI', '1.2.3')], [el(0x0020, 0x000e, 'UI', '1.2.4')]),
    el(0x0040, 0xa160, 'UT', '  text with leading spaces'),
    el(0x0070, 0x0022, 'FL', [1.5, -2.25]),
  ];

  it('reads what the writer writes: strings, UTF-8, text, sequences and binary numbers', () => {
    const { reader, ds, mediaSopClass } = parsePart10(file(dataset), OPTIONS);
    expect(mediaSopClass).toBe('1.2.840.10008.5.1.4.1.1.88.34');
    expect(reader.string(ds, 0x00080016)).toBe('1.2.840.10008.5.1.4.1.1.88.34');
    expect(reader.string(ds, 0x00100010)).toBe('Dœ^Jane');
    expect(items(ds, 0x00081115).map((s) => reader.string(s, 0x0020000e))).toEqual(['1.2.3', '1.2.4']);
    expect(reader.string(first(ds, 0x00081115), 0x0020000e)).toBe('1.2.3');
    // string() trims like a short text VR, text() keeps the leading spaces UT holds.
    expect(reader.string(ds, 0x0040a160)).toBe('text with leading spaces');
    expect(reader.text(ds, 0x0040a160)).toBe('  text with leading spaces');
    expect(reader.numbers(ds, 0x00700022)).toEqual([1.5, -2.25]);
  });

  it('reads Implicit VR Little Endian with the VRs the caller names', () => {
    // Hand-built, headerless implicit dataset: (0008,0060) CS, (0010,0010) PN, and a sequence of
    // undefined length holding an undefined-length item.
    const bytes: number[] = [];
    const u16 = (...vs: number[]): void => vs.forEach((v) => bytes.push(v & 0xff, v >> 8));
    const u32 = (v: number): void => u16(v & 0xffff, v >>> 16);
    const ascii = (s: string): void => void bytes.push(...new TextEncoder().encode(s));
    const header = (group: number, element: number, length: number): void => {
      u16(group, element);
      u32(length);
    };
    header(0x0008, 0x0060, 2);
    ascii('SR');
    header(0x0008, 0x1115, 0xffffffff);
    header(0xfffe, 0xe000, 0xffffffff);
    header(0x0020, 0x000e, 6);
    ascii('1.2.3\0');
    header(0xfffe, 0xe00d, 0);
    header(0xfffe, 0xe0dd, 0);
    header(0x0010, 0x0010, 4);
    ascii('A^B ');
    const { reader, ds } = parsePart10(new Uint8Array(bytes), OPTIONS);
    expect(reader.string(ds, 0x00100010)).toBe('A^B');
    expect(reader.string(first(ds, 0x00081115), 0x0020000e)).toBe('1.2.3');
  });

  it('says what is wrong with bytes it cannot read', () => {
    const bytes = file(dataset);
    expect(parseError(bytes.subarray(0, bytes.length - 3))).toMatch(/damaged or truncated .*runs past the end/);
    expect(parseError(new Uint8Array(3))).toMatch(/not a DICOM file \(it is empty or too short\)/);
    expect(parseError(new TextEncoder().encode('%PDF-1.7 not dicom'))).toMatch(/not a DICOM file \(no DICOM header\)/);
    expect(parseError(file(dataset, '1.2.840.10008.1.2.2'))).toBe(
      'The test object is stored as Explicit VR Big Endian, which this viewer cannot read; it reads uncompressed (Implicit or Explicit VR Little Endian) files.',
    );
  });

  it('names SOP classes for messages', () => {
    expect(describeSopClass('1.2.840.10008.5.1.4.1.1.2')).toBe('a CT image');
    expect(describeSopClass('1.2.840.10008.5.1.4.1.1.88.34')).toBe('a Comprehensive 3D SR');
    expect(describeSopClass('1.2.3')).toBe('a DICOM object of SOP class 1.2.3');
    expect(describeSopClass(undefined)).toBe('a DICOM object without a SOP class');
  });
});

// The gateway judges a STOW on what this reader reads and the archive stores what its own parser
// reads: wherever the two could take different values from the same bytes, the file is refused.
// The same reader runs in the browser, so these hold there too.
describe('parsePart10 is strict', () => {
  const SEG_CLASS = '1.2.840.10008.5.1.4.1.1.66.4';
  const sopClass = ex(0x00080016, 'UI', SEG_CLASS);
  const sopInstance = ex(0x00080018, 'UI', '1.2.3.4');
  const study = ex(0x0020000d, 'UI', '1.2.3.10');
  const series = ex(0x0020000e, 'UI', '1.2.3.11');
  const referenced = (...content: Uint8Array[]) => sq(0x00081115, [item(concat(...content))]);
  const body = (...rest: Uint8Array[]) => concat(sopClass, sopInstance, ...rest);
  const good = part10(body(referenced(ex(0x0020000e, 'UI', '1.2.3.20')), study, series));
  const series99 = ex(0x0020000e, 'UI', '1.2.3.99');

  it('reads a well-formed file with the defaults, in explicit and implicit VR', () => {
    const { reader, ds, meta, transferSyntaxUid } = parsePart10(good, STRICT);
    expect(transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    expect(reader.string(meta, 0x00020003)).toBe('1.2.3.4');
    expect(reader.string(ds, 0x0020000e)).toBe('1.2.3.11');
    expect(reader.string(first(ds, 0x00081115), 0x0020000e)).toBe('1.2.3.20');
    const implicit = part10(concat(im(0x00080016, SEG_CLASS), im(0x00080018, '1.2.3.4'), imSq(0x00081115, [item(im(0x0020000e, '1.2.3.20'), 'undefined')], 'undefined'), im(0x0020000e, '1.2.3.11')), '1.2.840.10008.1.2');
    const parsed = parsePart10(implicit, STRICT);
    expect(parsed.reader.string(parsed.ds, 0x0020000e)).toBe('1.2.3.11');
    expect(parsed.reader.string(first(parsed.ds, 0x00081115), 0x0020000e)).toBe('1.2.3.20');
  });

  it('refuses a repeated element in the data set, in an item and in the file meta, explicit or implicit', () => {
    expect(parseError(part10(body(study, series, series99)), STRICT)).toBe(
      'The file breaks the DICOM encoding rules (the element (0020,000E) appears twice in the data set); other programs could read it differently, so it is not read.',
    );
    expect(parseError(part10(body(referenced(ex(0x0020000e, 'UI', '1.2.3.20'), series99), study, series)), STRICT)).toMatch(/\(0020,000E\) appears twice in an item of \(0008,1115\)/);
    const meta = concat(ex(0x00020002, 'UI', SEG_CLASS), ex(0x00020002, 'UI', SEG_CLASS), ex(0x00020010, 'UI', '1.2.840.10008.1.2.1'));
    expect(parseError(part10WithMeta(meta, body(study, series)), STRICT)).toMatch(/\(0002,0002\) appears twice in the file meta information/);
    const implicit = part10(concat(im(0x00080016, SEG_CLASS), im(0x00080018, '1.2.3.4'), im(0x00080018, '1.2.3.5')), '1.2.840.10008.1.2');
    expect(parseError(implicit, STRICT)).toMatch(/\(0008,0018\) appears twice in the data set/);
  });

  it('refuses an element out of ascending order, after the pixel data too', () => {
    const pixels = ex(0x7fe00010, 'OB', new Uint8Array(8));
    expect(parseError(part10(body(study, series, pixels, series99)), STRICT)).toMatch(/\(0020,000E\) is out of ascending order in the data set/);
    expect(parseError(part10(body(referenced(ex(0x0020000e, 'UI', '1.2.3.20'), ex(0x0020000d, 'UI', '1.2.3.10')), study, series)), STRICT)).toMatch(/\(0020,000D\) is out of ascending order in an item of \(0008,1115\)/);
  });

  it('refuses a group length that disagrees with its group, at every level, and reads one that agrees', () => {
    const groupBytes = study.length + series.length;
    expect(parsePart10(part10(body(ex(0x00200000, 'UL', u32(groupBytes)), study, series)), STRICT).ds.size).toBe(5);
    expect(parseError(part10(body(ex(0x00200000, 'UL', u32(groupBytes - 2)), study, series)), STRICT)).toMatch(/a group length in the data set disagrees with its group \(0020,0000\)/);
    expect(parseError(part10(body(referenced(ex(0x00200000, 'UL', u32(4)), ex(0x0020000e, 'UI', '1.2.3.20')), study, series)), STRICT)).toMatch(
      /a group length in an item of \(0008,1115\) disagrees with its group \(0020,0000\)/,
    );
    const meta = concat(ex(0x00020002, 'UI', SEG_CLASS), ex(0x00020010, 'UI', '1.2.840.10008.1.2.1'));
    expect(parseError(part10WithMeta(meta, body(study, series), meta.length + 2), STRICT)).toMatch(/a group length in the file meta information disagrees/);
    // Shorter than the meta: a reader that trusts it would find (0002,0010) in the data set.
    expect(parseError(part10WithMeta(meta, body(study, series), meta.length - 28), STRICT)).toMatch(/a group length in the file meta information disagrees/);
    const implicit = part10(concat(im(0x00080016, SEG_CLASS), im(0x00080018, '1.2.3.4'), im(0x00200000, u32(8)), im(0x0020000e, '1.2.3.11')), '1.2.840.10008.1.2');
    expect(parseError(implicit, STRICT)).toMatch(/a group length in the data set disagrees/);
  });

  it('refuses truncated elements, an element past the end of its item, and trailing bytes that are not padding', () => {
    expect(parseError(good.subarray(0, good.length - 3), STRICT)).toMatch(/damaged or truncated .*an element runs past the end of the file/);
    expect(parseError(concat(good, new Uint8Array([1, 2, 3])), STRICT)).toMatch(/damaged or truncated .*the data set ends inside an element/);
    expect(parsePart10(concat(good, new Uint8Array(6)), STRICT).ds.size).toBe(5); // zero padding
    expect(() => parsePart10(concat(good, new Uint8Array(8)), STRICT)).toThrow(DicomParseError);
    // The item says 12 bytes, its element 16: the 4 bytes after the item would be read twice.
    const overrun = sq(0x00081115, [item(ex(0x0020000e, 'UI', '1.2.3.20'), 12), new Uint8Array(4)]);
    expect(parseError(part10(body(overrun, study, series)), STRICT)).toMatch(/an element runs past the end of its item/);
    expect(parseError(part10(body(sq(0x00081115, [item(ex(0x0020000e, 'UI', '1.2.3.20'), 40)]), study, series)), STRICT)).toMatch(/an item of \(0008,1115\) runs past the end of its sequence/);
    expect(parseError(part10(body(ex(0x00081115, 'SQ', item(series), 4000))), STRICT)).toMatch(/a sequence runs past the end of the file/);
    const unclosed = concat(ex(0x00081115, 'SQ', new Uint8Array(0), UNDEFINED_LENGTH), item(series, UNDEFINED_LENGTH));
    expect(parseError(part10(body(unclosed)), STRICT)).toMatch(/damaged or truncated .*(not closed|ends inside an element)/);
  });

  it('refuses sequences nested deeper than 8 items, read or only walked', () => {
    const nest = (depth: number, tag: number, length: 'defined' | 'undefined'): Uint8Array =>
      depth === 0 ? ex(0x0020000e, 'UI', '1.2.3.20') : sq(tag, [item(nest(depth - 1, tag, length), length === 'undefined' ? 'undefined' : undefined)], length);
    expect(() => parsePart10(part10(body(nest(8, 0x00081115, 'defined'))), STRICT)).not.toThrow();
    expect(parseError(part10(body(nest(9, 0x00081115, 'defined'))), STRICT)).toMatch(/sequences nested too deep/);
    // (0008,1140) is not read by this caller: walked to find its end when of undefined length, and checked.
    expect(parseError(part10(body(nest(9, 0x00081140, 'undefined'))), STRICT)).toMatch(/sequences nested too deep/);
  });

  it('refuses a VR it does not know (DCMTK reads one with a 4-byte length), an item outside a sequence and a file meta element in the data set', () => {
    expect(parseError(part10(body(ex(0x00090010, 'XX', 'ABCD'), study, series)), STRICT)).toMatch(/invalid value representation at byte \d+/);
    expect(parseError(part10(body(item(series))), STRICT)).toMatch(/an item or delimiter \(FFFE,E000\) outside a sequence/);
    // After the meta's group, group 0002 is a group length that disagrees; in a deflated data set, it is misplaced.
    const metaInData = part10(deflateRawSync(concat(ex(0x00020013, 'SH', 'X'), body(study, series))), '1.2.840.10008.1.2.1.99');
    expect(parseError(metaInData, { ...STRICT, inflateRaw: inflateRawSync })).toMatch(/the file meta element \(0002,0013\) is inside the data set/);
  });

  it('needs the Part 10 header and its transfer syntax unless told a bare data set may do', () => {
    const bare = body(study, series);
    expect(parseError(bare, STRICT)).toBe('This file is not a DICOM Part 10 file (it has no "DICM" after the preamble).');
    expect(parsePart10(bare, OPTIONS).reader.string(parsePart10(bare, OPTIONS).ds, 0x0020000e)).toBe('1.2.3.11');
    const noSyntax = part10WithMeta(ex(0x00020002, 'UI', SEG_CLASS), bare);
    expect(parseError(noSyntax, STRICT)).toMatch(/the file meta information has no transfer syntax/);
  });

  it('reads Deflated Explicit VR Little Endian with the inflate it is given, strictly, and says it cannot without', () => {
    const DEFLATED = '1.2.840.10008.1.2.1.99';
    const deflated = part10(deflateRawSync(body(referenced(ex(0x0020000e, 'UI', '1.2.3.20')), study, series)), DEFLATED);
    const { reader, ds, transferSyntaxUid } = parsePart10(deflated, { ...STRICT, inflateRaw: inflateRawSync });
    expect(transferSyntaxUid).toBe(DEFLATED);
    expect(reader.string(ds, 0x0020000e)).toBe('1.2.3.11');
    expect(reader.string(first(ds, 0x00081115), 0x0020000e)).toBe('1.2.3.20');
    expect(parseError(deflated, STRICT)).toBe(
      'The test object is stored as Deflated Explicit VR Little Endian, which this viewer cannot read; it reads uncompressed (Implicit or Explicit VR Little Endian) files.',
    );
    expect(parseError(part10(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), DEFLATED), { ...STRICT, inflateRaw: inflateRawSync })).toMatch(/the deflated data set does not inflate/);
    expect(parseError(part10(deflateRawSync(body(study, series, series99)), DEFLATED), { ...STRICT, inflateRaw: inflateRawSync })).toMatch(/\(0020,000E\) appears twice/);
  });

  it('encapsulated pixel data: the syntax named and refused by default, fragments indexed in place when asked, never in an uncompressed syntax', () => {
    const JPEG_LOSSLESS = '1.2.840.10008.1.2.4.70';
    const fragments = [new Uint8Array([1, 2, 3, 4]), new Uint8Array([5, 6, 7, 8, 9, 10])];
    const jpeg = part10(body(study, series, encapsulatedPixelData(...fragments), ex(0xfffcfffc, 'OB', new Uint8Array(2))), JPEG_LOSSLESS);
    expect(parseError(jpeg, STRICT)).toMatch(/^The test object is stored as JPEG Lossless \(SV1\), which this viewer cannot read/);
    const { reader, ds } = parsePart10(jpeg, { ...STRICT, encapsulated: true });
    const pixels = ds.get(0x7fe00010)!;
    expect(pixels.fragments!.map((f) => Array.from(reader.bytes.subarray(f.offset, f.offset + f.length)))).toEqual([[], [1, 2, 3, 4], [5, 6, 7, 8, 9, 10]]);
    expect(reader.bulk(ds, 0x7fe00010)).toBeUndefined();
    expect(ds.has(0xfffcfffc)).toBe(true); // the walk goes on past the fragments
    const late = part10(body(study, encapsulatedPixelData(...fragments), series99), JPEG_LOSSLESS);
    expect(parseError(late, { ...STRICT, encapsulated: true })).toMatch(/\(0020,000E\) is out of ascending order/);
    const native = part10(body(study, series, encapsulatedPixelData(...fragments)));
    expect(parseError(native, { ...STRICT, encapsulated: true })).toMatch(/encapsulated pixel data in an uncompressed transfer syntax/);
  });

  it('indexes only the sequences the caller reads: another is skipped by its length, or walked and checked when of undefined length', () => {
    // (0008,1140) is not in the caller's VRs; its item repeats an element.
    const bad = item(concat(ex(0x00081155, 'UI', '1.2.3'), ex(0x00081155, 'UI', '1.2.3')));
    const { ds } = parsePart10(part10(body(sq(0x00081140, [bad]), study, series)), STRICT);
    expect(ds.get(0x00081140)).toMatchObject({ vr: 'SQ', items: undefined });
    expect(items(ds, 0x00081140)).toEqual([]);
    const delimited = sq(0x00081140, [item(concat(ex(0x00081155, 'UI', '1.2.3'), ex(0x00081155, 'UI', '1.2.3')), 'undefined')], 'undefined');
    expect(parseError(part10(body(delimited, study, series)), STRICT)).toMatch(/\(0008,1155\) appears twice in an item of \(0008,1140\)/);
  });

  it('reads an undefined-length UN as an Implicit VR sequence (PS3.5 6.2.2)', () => {
    const un = sq(0x00081115, [item(im(0x0020000e, '1.2.3.20'), 'undefined')], 'undefined', 'UN');
    const { reader, ds } = parsePart10(part10(body(un, study, series)), STRICT);
    expect(reader.string(first(ds, 0x00081115), 0x0020000e)).toBe('1.2.3.20');
    expect(reader.string(ds, 0x0020000e)).toBe('1.2.3.11');
  });
});
