import { deflateRawSync } from 'node:zlib';
import dcmjs from 'dcmjs';
import { describe, expect, it } from 'vitest';
import { writePart10, type DicomElement } from '../../scripts/data/dicomWriter.ts';
import { concat, ex, item, part10, sq } from '../../src/dicom/part10Bytes.testSupport.ts';
import { encodeSeg } from '../../src/seg/segEncoder.ts';
import { SEGMENTS, slicesFor, tiltedGrid } from '../../src/seg/segTestData.ts';
import { encodeSr } from '../../src/sr/srEncoder.ts';
import { DicomHeaderError, readDicomHeader } from './dicomHeader.ts';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const STUDY = '1.2.826.0.1.3680043.8.498.10';
const CT_SERIES = '1.2.826.0.1.3680043.8.498.11';

function segBytes(): Uint8Array {
  const grid = tiltedGrid(8, 6, 4);
  const labels = new Uint8Array(8 * 6 * 4);
  labels[10] = 1;
  return encodeSeg({
    source: { studyInstanceUid: STUDY, seriesInstanceUid: CT_SERIES, frameOfReferenceUid: '1.2.826.0.1.3680043.8.498.12', patientId: 'P-1', grid, slices: slicesFor(4) },
    labels,
    segments: SEGMENTS,
    reader: 'Doe^Jane',
    seriesDescription: 'seg',
    seriesNumber: 9001,
    instanceNumber: 1,
    sopInstanceUid: '1.2.826.0.1.3680043.8.498.40',
    seriesInstanceUid: '1.2.826.0.1.3680043.8.498.41',
    contentDateTime: new Date(2024, 0, 2),
  }).bytes;
}

function ctDataset(): DicomElement[] {
  return [
    { tag: 0x00080016, vr: 'UI', value: CT },
    { tag: 0x00080018, vr: 'UI', value: '1.2.826.0.1.3680043.8.498.1.1' },
    { tag: 0x00080060, vr: 'CS', value: 'CT' },
    { tag: 0x0020000d, vr: 'UI', value: STUDY },
    { tag: 0x0020000e, vr: 'UI', value: CT_SERIES },
    { tag: 0x00280010, vr: 'US', value: 2 },
    { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(8) },
  ];
}

/** Preamble, DICM and a file meta with just the group length and the transfer syntax. */
function metaWithTransferSyntax(uid: string): Buffer {
  const value = Buffer.from(uid.length % 2 ? `${uid}\0` : uid, 'latin1');
  const ts = Buffer.alloc(8 + value.length);
  ts.writeUInt16LE(0x0002, 0);
  ts.writeUInt16LE(0x0010, 2);
  ts.write('UI', 4, 'latin1');
  ts.writeUInt16LE(value.length, 6);
  value.copy(ts, 8);
  const groupLength = Buffer.alloc(12);
  groupLength.writeUInt16LE(0x0002, 0);
  groupLength.writeUInt16LE(0x0000, 2);
  groupLength.write('UL', 4, 'latin1');
  groupLength.writeUInt16LE(4, 6);
  groupLength.writeUInt32LE(ts.length, 8);
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), groupLength, ts]);
}

describe('readDicomHeader', () => {
  it("reads a SEG's identity and the CT series it references", () => {
    expect(readDicomHeader(segBytes())).toEqual({
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.66.4',
      sopInstanceUid: '1.2.826.0.1.3680043.8.498.40',
      studyInstanceUid: STUDY,
      seriesInstanceUid: '1.2.826.0.1.3680043.8.498.41',
      modality: 'SEG',
      patientId: 'P-1',
      referencedSeriesUids: [CT_SERIES],
    });
  });

  it("reads an SR's evidence: the CT and the SEG series", () => {
    const bytes = encodeSr({
      source: { studyInstanceUid: STUDY, seriesInstanceUid: CT_SERIES, frameOfReferenceUid: '1.2.826.0.1.3680043.8.498.12', sopClassUid: CT, instanceUids: ['1.2.826.0.1.3680043.8.498.1.1'] },
      seg: { seriesInstanceUid: '1.2.826.0.1.3680043.8.498.41', sopInstanceUid: '1.2.826.0.1.3680043.8.498.40', sopClassUid: '1.2.840.10008.5.1.4.1.1.66.4' },
      schema: { id: 'f', version: '1', title: 'Form' },
      answers: [],
      reader: 'Doe^Jane',
      sopInstanceUid: '1.2.826.0.1.3680043.8.498.50',
      seriesInstanceUid: '1.2.826.0.1.3680043.8.498.51',
      seriesNumber: 902,
      instanceNumber: 1,
      contentDateTime: new Date(2024, 0, 2),
      complete: true,
    });
    const h = readDicomHeader(bytes);
    expect(h).toMatchObject({ sopClassUid: '1.2.840.10008.5.1.4.1.1.88.34', modality: 'SR', seriesInstanceUid: '1.2.826.0.1.3680043.8.498.51' });
    expect(h.referencedSeriesUids.sort()).toEqual([CT_SERIES, '1.2.826.0.1.3680043.8.498.41'].sort());
  });

  it('reads a CT image in explicit and implicit VR, and deflated', () => {
    const explicit = writePart10(ctDataset(), CT, '1.2.826.0.1.3680043.8.498.1.1');
    expect(readDicomHeader(explicit)).toMatchObject({ sopClassUid: CT, seriesInstanceUid: CT_SERIES, modality: 'CT', referencedSeriesUids: [] });

    // The same data set through dcmjs in Implicit VR Little Endian, and in Deflated Explicit VR.
    const ab = explicit.buffer.slice(explicit.byteOffset, explicit.byteOffset + explicit.byteLength) as ArrayBuffer;
    const parsed = dcmjs.data.DicomMessage.readFile(ab);
    const implicitMeta = { ...parsed.meta, '00020010': { vr: 'UI', Value: ['1.2.840.10008.1.2'] } };
    const dict = new dcmjs.data.DicomDict(implicitMeta);
    dict.dict = parsed.dict as never;
    const implicit = new Uint8Array(dict.write());
    expect(readDicomHeader(implicit)).toMatchObject({ transferSyntaxUid: '1.2.840.10008.1.2', sopClassUid: CT, studyInstanceUid: STUDY });

    // Deflated Explicit VR Little Endian: the meta as always, the data set deflated (PS3.5 A.5).
    const metaEnd = 132 + 12 + new DataView(explicit.buffer, explicit.byteOffset).getUint32(140, true);
    const deflated = Buffer.concat([metaWithTransferSyntax('1.2.840.10008.1.2.1.99'), deflateRawSync(explicit.subarray(metaEnd))]);
    expect(readDicomHeader(deflated)).toMatchObject({ transferSyntaxUid: '1.2.840.10008.1.2.1.99', sopClassUid: CT, seriesInstanceUid: CT_SERIES });
  });

  it('refuses what is not a readable Part 10 object', () => {
    expect(() => readDicomHeader(new Uint8Array(10))).toThrow(DicomHeaderError);
    expect(() => readDicomHeader(new Uint8Array(200))).toThrow(/DICM/);
    const seg = segBytes();
    expect(() => readDicomHeader(seg.subarray(0, 400))).toThrow(DicomHeaderError);
    const noSop = writePart10(ctDataset().filter((e) => e.tag !== 0x0020000e), CT, '1.2.826.0.1.3680043.8.498.1.1');
    expect(() => readDicomHeader(noSop)).toThrow(/Series Instance UID/);
    const otherSop = writePart10(ctDataset(), CT, '1.2.826.0.1.3680043.8.498.1.2');
    expect(() => readDicomHeader(otherSop)).toThrow(/another SOP instance/);
  });

  // The archive parses the same bytes with its own rules: wherever the two could read different
  // values, the object is refused (an attacker's SEG with two Series Instance UIDs was judged by
  // one and filed by the archive under the other).
  it('refuses a repeated element, one out of ascending order and a group length that disagrees, at every level it reads', () => {
    const sop = '1.2.826.0.1.3680043.8.498.1.1';
    const twice = writePart10([...ctDataset(), { tag: 0x0020000e, vr: 'UI', value: '1.2.826.0.1.3680043.8.498.99' }], CT, sop);
    expect(() => readDicomHeader(twice)).toThrow(/\(0020,000E\) appears twice in the data set/);
    const twoSops = writePart10([...ctDataset(), { tag: 0x00080018, vr: 'UI', value: sop }], CT, sop);
    expect(() => readDicomHeader(twoSops)).toThrow(/\(0008,0018\) appears twice/);

    // A second Series Instance UID after the pixel data, past everything the gateway needs.
    const tail = writePart10([{ tag: 0x0020000e, vr: 'UI', value: '1.2.826.0.1.3680043.8.498.99' }], CT, sop);
    const metaEnd = (b: Uint8Array) => 132 + 12 + new DataView(b.buffer, b.byteOffset).getUint32(140, true);
    const late = Buffer.concat([writePart10(ctDataset(), CT, sop), tail.subarray(metaEnd(tail))]);
    expect(() => readDicomHeader(late)).toThrow(/\(0020,000E\) is out of ascending order/);

    const wrongLength = writePart10([...ctDataset(), { tag: 0x00200000, vr: 'UL', value: 4 }], CT, sop);
    expect(() => readDicomHeader(wrongLength)).toThrow(/group length in the data set disagrees/);
    // The right group length reads.
    const groupBytes = 8 + STUDY.length + 8 + CT_SERIES.length; // (0020,000D) and (0020,000E), even lengths
    const rightLength = writePart10([...ctDataset(), { tag: 0x00200000, vr: 'UL', value: groupBytes }], CT, sop);
    expect(readDicomHeader(rightLength).seriesInstanceUid).toBe(CT_SERIES);

    // Inside the Referenced Series Sequence, which the gateway reads for the case.
    const refTwice = writePart10(
      [...ctDataset(), { tag: 0x00081115, vr: 'SQ', value: [[{ tag: 0x0020000e, vr: 'UI', value: CT_SERIES }, { tag: 0x0020000e, vr: 'UI', value: '1.2.826.0.1.3680043.8.498.98' }]] }],
      CT,
      sop,
    );
    expect(() => readDicomHeader(refTwice)).toThrow(/appears twice in an item of \(0008,1115\)/);
    // And in the file meta.
    const meta = writePart10(ctDataset(), CT, sop);
    const dup = Buffer.from(meta);
    // (0002,0002) written twice: the meta's Media Storage SOP Class element copied over (0002,0003)'s tag.
    const at = dup.indexOf(Buffer.from([0x02, 0x00, 0x03, 0x00, 0x55, 0x49]));
    dup.writeUInt16LE(0x0002, at + 2);
    expect(() => readDicomHeader(dup)).toThrow(/in the file meta information/);
  });

  // The old gateway reader let an item's element run past the item's end, then went on at the
  // item's end: here it found a second item inside the element's value, and a series reference in
  // it, that DCMTK (the archive's parser) refuses to read. It also read a VR it did not know with
  // a 2-byte length, where DCMTK reads a 4-byte one.
  it('refuses an element past the end of its item, and a VR it does not know', () => {
    const sop = '1.2.826.0.1.3680043.8.498.1.1';
    const ids = (...rest: Uint8Array[]) =>
      part10(concat(ex(0x00080016, 'UI', CT), ex(0x00080018, 'UI', sop), ex(0x00080060, 'CS', 'SEG'), ...rest, ex(0x0020000d, 'UI', STUDY), ex(0x0020000e, 'UI', '1.2.826.0.1.3680043.8.498.41')), undefined, sop, CT);
    expect(readDicomHeader(ids(sq(0x00081115, [item(ex(0x0020000e, 'UI', CT_SERIES))]))).referencedSeriesUids).toEqual([CT_SERIES]);
    const hidden = item(ex(0x0020000e, 'UI', CT_SERIES));
    const overrun = sq(0x00081115, [item(ex(0x00091001, 'OB', hidden), 12)]); // the item holds only the OB's header
    expect(() => readDicomHeader(ids(overrun))).toThrow(/an element runs past the end of its item/);
    expect(() => readDicomHeader(ids(ex(0x00090010, 'XX', 'ABCD')))).toThrow(/invalid value representation/);
  });
});
