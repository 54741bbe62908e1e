import { describe, expect, it } from 'vitest';
import { DicomParseError, describeSopClass, first, items, parsePart10 } from './part10Reader.ts';
import { ByteWriter, el, type Item, metaBytes, seq, writeItems } from './part10Writer.ts';

const OPTIONS = { implicitVrs: new Map<number, string>([[0x00100010, 'PN'], [0x00081115, 'SQ'], [0x0020000e, 'UI'], [0x00700022, 'FL']]), objectName: 'test object' };

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

function parseError(bytes: Uint8Array): string {
  try {
    parsePart10(bytes, OPTIONS);
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
