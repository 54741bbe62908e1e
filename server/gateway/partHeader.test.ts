import { describe, expect, it } from 'vitest';
import { type DicomElement, writePart10 } from '../../scripts/data/dicomWriter.ts';
import { concat, encapsulatedPixelData, ex, part10 } from '../../src/dicom/part10Bytes.testSupport.ts';
import { type ByteSource, bufferSource } from './byteSource.ts';
import { readDicomHeader } from './dicomHeader.ts';
import { type PartReadLimits, readPartHeader } from './partHeader.ts';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const SOP = '1.2.826.0.1.3680043.8.498.1.1';
const STUDY = '1.2.826.0.1.3680043.8.498.10';
const SERIES = '1.2.826.0.1.3680043.8.498.11';
// Small limits, so that an 8 KiB object is "large".
const LIMITS: PartReadLimits = { wholeMaxBytes: 1024, headBytes: 512, tailBytes: 64 };

/** A CT with pixelBytes of native pixel data, elements after it, and private ones before the study. */
const ct = (pixelBytes: number, after: DicomElement[] = [], privateBefore: DicomElement[] = []): Uint8Array =>
  writePart10(
    [
      { tag: 0x00080016, vr: 'UI', value: CT },
      { tag: 0x00080018, vr: 'UI', value: SOP },
      { tag: 0x00080060, vr: 'CS', value: 'CT' },
      { tag: 0x00100020, vr: 'LO', value: 'P-1' },
      ...privateBefore,
      { tag: 0x0020000d, vr: 'UI', value: STUDY },
      { tag: 0x0020000e, vr: 'UI', value: SERIES },
      { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(pixelBytes).fill(0xab) },
      ...after,
    ],
    CT,
    SOP,
  );

/** The part between a few bytes of multipart around it, with the bytes each read asked for counted. */
function framed(object: Uint8Array): { source: ByteSource; part: { start: number; end: number }; bytesRead: () => number } {
  const body = Buffer.concat([Buffer.from('--b\r\n\r\n'), object, Buffer.from('\r\n--b--')]);
  const inner = bufferSource(body);
  let read = 0;
  const source: ByteSource = {
    size: inner.size,
    read: async (start, end) => {
      read += end - start;
      return inner.read(start, end);
    },
    readInto: async (into, start) => {
      read += into.length;
      return inner.readInto(into, start);
    },
    indexOf: inner.indexOf,
  };
  return { source, part: { start: 7, end: 7 + object.length }, bytesRead: () => read };
}

describe('a STOW-RS part read from the spooled body', () => {
  it('reads a small part whole, as readDicomHeader does', async () => {
    const object = ct(256);
    const { source, part, bytesRead } = framed(object);
    expect(await readPartHeader(source, part, LIMITS)).toEqual(readDicomHeader(object));
    expect(bytesRead()).toBe(object.length);
  });

  it('reads a large part as its head and tail around its pixel data, with the whole file’s verdict', async () => {
    const object = ct(8192);
    const { source, part, bytesRead } = framed(object);
    const header = await readPartHeader(source, part, LIMITS);
    expect(header).toEqual(readDicomHeader(object));
    expect(header).toMatchObject({ sopInstanceUid: SOP, seriesInstanceUid: SERIES, patientId: 'P-1' });
    expect(bytesRead()).toBe(LIMITS.headBytes + LIMITS.tailBytes);
  });

  it('refuses what follows the pixel data as the whole file’s reading does', async () => {
    // A second Series Instance UID after the pixel data: the strict reader refuses it either way.
    const late = concat(ct(8192), ex(0x0020000e, 'UI', '1.2.826.0.1.3680043.8.498.99'));
    expect(() => readDicomHeader(late)).toThrow(/\(0020,000E\) is out of ascending order/);
    const l = framed(late);
    await expect(readPartHeader(l.source, l.part, LIMITS)).rejects.toThrow(/\(0020,000E\) is out of ascending order/);
    // Trailing padding after the pixel data is read from the tail.
    const padded = ct(8192, [{ tag: 0xfffcfffc, vr: 'OB', value: new Uint8Array(8) }]);
    const p = framed(padded);
    expect(await readPartHeader(p.source, p.part, LIMITS)).toEqual(readDicomHeader(padded));
    expect(p.bytesRead()).toBe(LIMITS.headBytes + LIMITS.tailBytes);
  });

  it('reads a large part whole when its middle is not inside native pixel data, with the same verdict', async () => {
    const cases: Array<[string, Uint8Array]> = [
      // The bulk in Data Set Trailing Padding, after short pixel data.
      ['trailing padding', ct(16, [{ tag: 0xfffcfffc, vr: 'OB', value: new Uint8Array(8192) }])],
      // Encapsulated pixel data: its fragments are walked.
      ['encapsulated', part10(concat(ex(0x00080016, 'UI', CT), ex(0x00080018, 'UI', SOP), ex(0x00080060, 'CS', 'CT'), ex(0x0020000d, 'UI', STUDY), ex(0x0020000e, 'UI', SERIES), encapsulatedPixelData(new Uint8Array(8192))), '1.2.840.10008.1.2.4.50', SOP, CT)],
      // A header longer than the head (a long private element before the pixel data).
      ['long header', ct(8192, [], [{ tag: 0x00091010, vr: 'OB', value: new Uint8Array(2048) }])],
    ];
    for (const [what, object] of cases) {
      const { source, part, bytesRead } = framed(object);
      expect(await readPartHeader(source, part, LIMITS), what).toEqual(readDicomHeader(object));
      expect(bytesRead(), what).toBe(LIMITS.headBytes + LIMITS.tailBytes + object.length);
    }
  });
});
