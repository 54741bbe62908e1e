import { describe, expect, it } from 'vitest';
import { ByteWriter, checkUid, cleanText, codeItem, el, formatDs, generateUid, metaBytes, seq, timezoneOffset, writeItems, type Item } from './part10Writer.ts';

function write(items: Item): number[] {
  const w = new ByteWriter(4);
  writeItems(w, items);
  return [...w.bytes.subarray(0, w.pos)];
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

describe('writeItems (Explicit VR Little Endian)', () => {
  it('writes short-VR headers with a 2-byte length and pads text to even length', () => {
    // UI pads with NUL, other text VRs with a space.
    expect(write([el(0x0008, 0x0016, 'UI', '1.2.3')])).toEqual([0x08, 0, 0x16, 0, ...ascii('UI'), 6, 0, ...ascii('1.2.3'), 0]);
    expect(write([el(0x0010, 0x0020, 'LO', 'abc')])).toEqual([0x10, 0, 0x20, 0, ...ascii('LO'), 4, 0, ...ascii('abc '), ]);
  });

  it('writes long-VR headers (UT, OB, SQ) with two reserved bytes and a 4-byte length', () => {
    expect(write([el(0x0040, 0xa160, 'UT', 'ab')])).toEqual([0x40, 0, 0x60, 0xa1, ...ascii('UT'), 0, 0, 2, 0, 0, 0, ...ascii('ab')]);
    const long = 'x'.repeat(70_000);
    const bytes = write([el(0x0040, 0xa160, 'UT', long)]);
    expect(bytes.length).toBe(12 + 70_000);
    expect(bytes.slice(8, 12)).toEqual([0x70, 0x11, 0x01, 0x00]);
    expect(() => write([el(0x0010, 0x0020, 'LO', long)])).toThrow(/too long for LO/);
  });

  it('encodes text as UTF-8 and numbers in their binary VRs', () => {
    expect(write([el(0x0010, 0x0010, 'PN', 'Dœ')]).slice(8)).toEqual([0x44, 0xc5, 0x93, 0x20]);
    const fl = write([el(0x0070, 0x0022, 'FL', [1.5, -2])]);
    expect(new DataView(new Uint8Array(fl).buffer).getFloat32(8, true)).toBe(1.5);
    expect(new DataView(new Uint8Array(fl).buffer).getFloat32(12, true)).toBe(-2);
    const fd = write([el(0x0040, 0xa161, 'FD', [0.1 + 0.2])]);
    expect(fd[6]).toBe(8);
    expect(new DataView(new Uint8Array(fd).buffer).getFloat64(8, true)).toBe(0.30000000000000004);
    expect(write([el(0x0020, 0x9165, 'AT', [0x0062000b])]).slice(8)).toEqual([0x62, 0, 0x0b, 0]);
    expect(write([el(0x0028, 0x0010, 'US', [512])]).slice(8)).toEqual([0, 2]);
  });

  it('sorts elements by tag and writes defined-length sequences and items', () => {
    const bytes = write([el(0x0010, 0x0020, 'LO', 'b'), seq(0x0008, 0x1115, [el(0x0020, 0x000e, 'UI', '1')]), el(0x0008, 0x0060, 'CS', 'SR')]);
    const view = new DataView(new Uint8Array(bytes).buffer);
    expect(view.getUint16(2, true)).toBe(0x0060);
    expect(view.getUint16(12, true)).toBe(0x1115);
    // SQ length = item header (8) + item (element header 8 + 2 bytes); item length 10.
    expect(view.getUint32(18, true)).toBe(18);
    expect([view.getUint16(22, true), view.getUint16(24, true), view.getUint32(26, true)]).toEqual([0xfffe, 0xe000, 10]);
    expect(view.getUint16(42, true)).toBe(0x0020);
  });
});

describe('metaBytes', () => {
  it('writes the preamble, DICM and a group length that covers the meta group', () => {
    const meta = metaBytes('1.2.840.10008.5.1.4.1.1.88.34', '1.2.3', 'TEST_1');
    expect(meta.subarray(0, 128).every((b) => b === 0)).toBe(true);
    expect(new TextDecoder().decode(meta.subarray(128, 132))).toBe('DICM');
    const view = new DataView(meta.buffer, meta.byteOffset);
    expect(view.getUint32(140, true)).toBe(meta.length - 144);
  });
});

describe('value formatting', () => {
  it('formats decimals within the 16 characters DS allows', () => {
    for (const x of [31.5, 0.1 + 0.2, -235.199997, 123456789.12345679, -0.0000123456789]) {
      const s = formatDs(x);
      expect(s.length).toBeLessThanOrEqual(16);
      expect(Math.abs(Number(s) - x)).toBeLessThanOrEqual(Math.abs(x) * 1e-9);
    }
    expect(formatDs(31.5)).toBe('31.5');
    expect(() => formatDs(Number.NaN)).toThrow(/NaN/);
  });

  it('cleans single-line text and checks UIDs', () => {
    expect(cleanText(' a\\b\nc ', 64)).toBe('a/b c');
    expect(cleanText('äöü'.repeat(30), 64)).toHaveLength(64);
    expect(checkUid(' 1.2.3\0', 'x')).toBe('1.2.3');
    expect(() => checkUid('1.2.a', 'Study UID')).toThrow(/Study UID "1.2.a" is not a valid DICOM UID/);
  });

  it('puts long codes in Long Code Value and URNs in URN Code Value', () => {
    const tags = (c: Item): number[] => c.map((e) => e.tag).sort();
    expect(tags(codeItem({ value: '112120', scheme: 'DCM', meaning: 'm' }))).toContain(0x00080100);
    expect(tags(codeItem({ value: '123456789.12345679', scheme: 'SCT', meaning: 'm' }))).toContain(0x00080119);
    expect(tags(codeItem({ value: 'urn:oid:1.2.3', scheme: 'X', meaning: 'm' }))).toContain(0x00080120);
  });

  it('makes 2.25 UIDs and timezone offsets', () => {
    expect(generateUid()).toMatch(/^2\.25\.[1-9][0-9]*$/);
    expect(timezoneOffset(new Date())).toMatch(/^[+-]\d{4}$/);
  });
});
