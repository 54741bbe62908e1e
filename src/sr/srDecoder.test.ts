import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeSr, SR_CODES } from './srEncoder.ts';
import { decodeSr, SrDecodeError } from './srDecoder.ts';
import { encodeSeg } from '../seg/segEncoder.ts';
import { onPath, SEGMENTS, slicesFor, tiltedGrid } from '../seg/segTestData.ts';
import { ByteWriter, codeItem, el, type Item, metaBytes, seq, writeItems } from '../dicom/part10Writer.ts';
import type { SrAnswer, SrEncodeInput } from './srModel.ts';

const SHARED = fileURLToPath(new URL('../../../shared/data', import.meta.url));
const CT_FILE = join(SHARED, 'LIDC-IDRI-0001-subset', 'dicom', 'IM0035.dcm');
const BASIC_TEXT_SR = join(SHARED, 'odd_dicom', 'pydicom', 'reportsi_with_empty_number_tags.dcm');
const HAVE_DCMCONV = onPath('dcmconv');

const workDir = mkdtempSync(join(tmpdir(), 'sr-decoder-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const SCT_LENGTH = { value: '410668003', scheme: 'SCT', meaning: 'Length' };
const COMMENT = { value: '121106', scheme: 'DCM', meaning: 'Comment' };
const HTML_TEXT = 'Dœ: <img src=x onerror="alert(1)"> & <b>fett</b> — «Ränder» 肺 😷\r\nzweite Zeile\\ mit Backslash\n  eingerückt';

/** Answers whose every value survives the SR exactly (points are float32-representable). */
function answers(): SrAnswer[] {
  return [
    { itemId: 'pattern', concept: { value: '129715009', scheme: 'SCT', meaning: 'Morphologic finding' }, kind: 'code', value: { value: '112120', scheme: 'DCM', meaning: 'Ground glass opacity' } },
    { itemId: 'long-code', concept: { value: 'SEVERITY', scheme: '99CTAW', meaning: 'Severity' }, kind: 'code', value: { value: '123456789.12345679', scheme: 'SCT', meaning: 'A long SNOMED CT id' } },
    { itemId: 'lesion-1-length', concept: SCT_LENGTH, kind: 'num', value: 31.5, unit: { code: 'mm', meaning: 'millimeter' }, measurement: { graphicType: 'POLYLINE', points: [[-120.5, 30.25, -250], [-98.75, 41, -262.5]] } },
    { itemId: 'lesion-2-length', concept: SCT_LENGTH, kind: 'num', value: 12, unit: { code: 'mm', meaning: 'millimeter' }, measurement: { graphicType: 'POLYLINE', points: [[1, 2, 3], [4, 5, 6]] } },
    {
      itemId: 'lesion-1-extent',
      concept: { value: 'EXTENT', scheme: '99CTAW', meaning: 'Lesion extent' },
      kind: 'num',
      value: 0.1 + 0.2,
      unit: { code: 'mm2', meaning: 'square millimeter' },
      measurement: { graphicType: 'ELLIPSE', points: [[-10, 0, 5], [10, 0, 5], [0, -5, 5], [0, 5, 5]] },
    },
    { itemId: 'count', concept: { value: 'COUNT', scheme: '99CTAW', meaning: 'Number of lesions' }, kind: 'num', value: 3, unit: { code: '1', meaning: 'no units' } },
    { itemId: 'tiny', concept: { value: 'TINY', scheme: '99CTAW', meaning: 'Tiny value' }, kind: 'num', value: -1.2345678901234567e-20, unit: { code: '1', meaning: 'no units' } },
    { itemId: 'comment', concept: COMMENT, kind: 'text', value: HTML_TEXT },
    { itemId: 'second comment', concept: COMMENT, kind: 'text', value: '  leading spaces are kept' },
  ];
}

function formInput(overrides: Partial<SrEncodeInput> = {}): SrEncodeInput {
  return {
    source: {
      studyInstanceUid: '1.2.826.0.1.3680043.8.498.10',
      seriesInstanceUid: '1.2.826.0.1.3680043.8.498.11',
      frameOfReferenceUid: '1.2.826.0.1.3680043.8.498.12',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
      instanceUids: ['1.2.826.0.1.3680043.8.498.1.1', '1.2.826.0.1.3680043.8.498.1.2', '1.2.826.0.1.3680043.8.498.1.3'],
      patientName: 'Müller^Jürgen',
      patientId: 'SYN-001',
    },
    seg: { seriesInstanceUid: '1.2.826.0.1.3680043.8.498.20', sopInstanceUid: '1.2.826.0.1.3680043.8.498.21', sopClassUid: '1.2.840.10008.5.1.4.1.1.66.4' },
    schema: { id: 'chest-ct-covid', version: '2.1.0', title: 'COVID-19 chest CT <reading>' },
    answers: answers(),
    reader: 'Dœ^Jane',
    sopInstanceUid: '1.2.826.0.1.3680043.8.498.30',
    seriesInstanceUid: '1.2.826.0.1.3680043.8.498.31',
    seriesNumber: 902,
    instanceNumber: 1,
    contentDateTime: new Date(2024, 0, 2, 3, 4, 5),
    complete: true,
    ...overrides,
  };
}

function expectDecodeError(bytes: Uint8Array, message: RegExp): void {
  let error: unknown;
  try {
    decodeSr(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SrDecodeError);
  expect((error as Error).message).toMatch(message);
}

/** A Part 10 SR with the given content tree, for malformed-form cases the encoder never writes. */
function handMadeSr(content: Item): Uint8Array {
  const sopClass = '1.2.840.10008.5.1.4.1.1.88.34';
  const dataset: Item = [
    el(0x0008, 0x0005, 'CS', 'ISO_IR 192'),
    el(0x0008, 0x0016, 'UI', sopClass),
    el(0x0008, 0x0018, 'UI', '1.2.3.4'),
    el(0x0040, 0xa040, 'CS', 'CONTAINER'),
    seq(0x0040, 0xa043, codeItem(SR_CODES.document)),
    el(0x0040, 0xa730, 'SQ', [
      [el(0x0040, 0xa010, 'CS', 'HAS CONCEPT MOD'), el(0x0040, 0xa040, 'CS', 'TEXT'), seq(0x0040, 0xa043, codeItem(SR_CODES.formId)), el(0x0040, 0xa160, 'UT', 'form')],
      content,
    ]),
  ];
  const meta = metaBytes(sopClass, '1.2.3.4', 'TEST');
  const w = new ByteWriter(1024);
  writeItems(w, dataset);
  const out = new Uint8Array(meta.length + w.pos);
  out.set(meta);
  out.set(w.bytes.subarray(0, w.pos), meta.length);
  return out;
}

describe('decodeSr', () => {
  const input = formInput();
  const bytes = encodeSr(input);

  it('gives back every answer exactly, in order, with its item id', () => {
    const decoded = decodeSr(bytes);
    expect(decoded.answers).toEqual(input.answers);
    // Two items share a concept name (Length, Comment): the Tracking Identifier tells them apart.
    expect(decoded.answers.filter((a) => a.concept.value === SCT_LENGTH.value).map((a) => a.itemId)).toEqual(['lesion-1-length', 'lesion-2-length']);
    const text = decoded.answers.find((a) => a.itemId === 'comment');
    expect(text?.kind === 'text' && text.value).toBe(HTML_TEXT);
    const num = decoded.answers.find((a) => a.itemId === 'lesion-1-extent');
    expect(num?.kind === 'num' && num.value).toBe(0.30000000000000004);
  });

  it('gives back the document, series, reader, form, SEG reference and completion', () => {
    const decoded = decodeSr(bytes);
    expect(decoded.sopInstanceUid).toBe(input.sopInstanceUid);
    expect(decoded.seriesInstanceUid).toBe(input.seriesInstanceUid);
    expect(decoded.studyInstanceUid).toBe(input.source.studyInstanceUid);
    expect(decoded.reader).toBe('Dœ^Jane');
    expect(decoded.schema).toEqual(input.schema);
    // The SEG was written into the CT's study, so the reference names that study.
    expect(decoded.seg).toEqual({ ...input.seg, studyInstanceUid: input.source.studyInstanceUid });
    expect(decoded.complete).toBe(true);
    const partial = decodeSr(encodeSr(formInput({ complete: false, seg: undefined, answers: [] })));
    expect(partial.complete).toBe(false);
    expect(partial.seg).toBeUndefined();
    expect(partial.answers).toEqual([]);
  });

  it('gives back a SEG in another study with that study', () => {
    const seg = { ...input.seg!, studyInstanceUid: '1.2.826.0.1.3680043.8.498.99' };
    expect(decodeSr(encodeSr(formInput({ seg }))).seg).toEqual(seg);
  });

  it('gives back points as the 32-bit floats Graphic Data holds', () => {
    const points: Array<[number, number, number]> = [
      [-120.123456789, 30.987654321, -250.5555555],
      [0.1, 0.2, 0.3],
    ];
    const a: SrAnswer = { itemId: 'd', concept: SCT_LENGTH, kind: 'num', value: 1, unit: { code: 'mm', meaning: 'millimeter' }, measurement: { graphicType: 'POLYLINE', points } };
    const [decoded] = decodeSr(encodeSr(formInput({ answers: [a] }))).answers;
    expect(decoded.kind === 'num' && decoded.measurement?.points).toEqual(points.map((p) => p.map(Math.fround)));
    for (const [n, p] of points.entries()) p.forEach((c, i) => expect(decoded.kind === 'num' && Math.abs(decoded.measurement!.points[n][i] - c)).toBeLessThan(1e-4));
  });

  it('keeps long texts whole', () => {
    const long = 'Befund: '.concat('ö<br>'.repeat(40_000)).concat('Ende');
    const a: SrAnswer = { itemId: 'long', concept: COMMENT, kind: 'text', value: long };
    const decoded = decodeSr(encodeSr(formInput({ answers: [a] })));
    expect(decoded.answers).toEqual([a]);
  });

  it('turns characters UT cannot carry into spaces and drops trailing spaces', () => {
    const a: SrAnswer = { itemId: 't', concept: COMMENT, kind: 'text', value: 'a\tb\u0007c\u001b[0m  \r\nd   ' };
    const [decoded] = decodeSr(encodeSr(formInput({ answers: [a] }))).answers;
    expect(decoded).toEqual({ ...a, value: 'a b c [0m  \r\nd' });
  });

  it.skipIf(!HAVE_DCMCONV)('reads the same form from an Implicit VR Little Endian copy (dcmconv)', () => {
    const explicit = join(workDir, 'explicit.dcm');
    const implicit = join(workDir, 'implicit.dcm');
    writeFileSync(explicit, bytes);
    execFileSync('dcmconv', ['+ti', explicit, implicit]);
    const copy = new Uint8Array(readFileSync(implicit));
    expect(copy.length).not.toBe(bytes.length);
    expect(decodeSr(copy)).toEqual(decodeSr(bytes));
  });

  it('rejects a segmentation, naming what it is', () => {
    const grid = tiltedGrid(8, 8, 3);
    const seg = encodeSeg({
      source: { studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.4', frameOfReferenceUid: '1.2.5', grid, slices: slicesFor(3) },
      labels: new Uint8Array(8 * 8 * 3).fill(1),
      segments: SEGMENTS,
      reader: 'A^B',
      seriesDescription: 'Lesions',
      seriesNumber: 1,
      instanceNumber: 1,
      sopInstanceUid: '1.2.6',
      seriesInstanceUid: '1.2.7',
      contentDateTime: new Date(2024, 0, 1),
    });
    expectDecodeError(seg.bytes, /not a reading form .*; it is a segmentation\./);
  });

  it.skipIf(!existsSync(CT_FILE))('rejects a CT image, naming what it is', () => {
    expectDecodeError(new Uint8Array(readFileSync(CT_FILE)), /not a reading form .*; it is a CT image\./);
  });

  it.skipIf(!existsSync(BASIC_TEXT_SR))('rejects another SR: it names no form', () => {
    expectDecodeError(new Uint8Array(readFileSync(BASIC_TEXT_SR)), /not a reading form of this workstation \(it names no form\)/);
  });

  it('rejects truncated and non-DICOM bytes with a clear message', () => {
    for (const cut of [bytes.length - 7, Math.floor(bytes.length / 2), 400]) {
      expectDecodeError(bytes.subarray(0, cut), /damaged or truncated/);
    }
    expectDecodeError(new Uint8Array(0), /not a DICOM file/);
    expectDecodeError(new TextEncoder().encode('<html><body>not found</body></html>'), /not a DICOM file/);
  });

  it('rejects form items it cannot read', () => {
    const concept = seq(0x0040, 0xa043, codeItem(SCT_LENGTH));
    const contains = el(0x0040, 0xa010, 'CS', 'CONTAINS');
    expectDecodeError(handMadeSr([contains, el(0x0040, 0xa040, 'CS', 'NUM'), concept]), /Answer 1 .*"Length".* number without a value or unit/);
    expectDecodeError(handMadeSr([contains, el(0x0040, 0xa040, 'CS', 'CODE'), concept]), /Answer 1 .* choice without a code/);
    expectDecodeError(handMadeSr([contains, el(0x0040, 0xa040, 'CS', 'DATE'), concept, el(0x0040, 0xa121, 'DA', '20240101')]), /is a DATE; the form holds only choices, numbers and text/);
    expectDecodeError(handMadeSr([contains, el(0x0040, 0xa040, 'CS', 'TEXT'), el(0x0040, 0xa160, 'UT', 'x')]), /Answer 1 of the form has no concept name/);
    const num = [
      contains,
      el(0x0040, 0xa040, 'CS', 'NUM'),
      concept,
      seq(0x0040, 0xa300, [el(0x0040, 0xa30a, 'DS', '3'), seq(0x0040, 0x08ea, codeItem({ value: 'mm', scheme: 'UCUM', meaning: 'millimeter' }))]),
    ];
    const scoord = (type: string, data: number[]): Item => [el(0x0040, 0xa010, 'CS', 'INFERRED FROM'), el(0x0040, 0xa040, 'CS', 'SCOORD3D'), el(0x0070, 0x0023, 'CS', type), el(0x0070, 0x0022, 'FL', data), el(0x3006, 0x0024, 'UI', '1.2.3')];
    expectDecodeError(handMadeSr([...num, el(0x0040, 0xa730, 'SQ', [scoord('POINT', [1, 2, 3])])]), /a POINT measurement; the form reads lines/);
    expectDecodeError(handMadeSr([...num, el(0x0040, 0xa730, 'SQ', [scoord('POLYLINE', [1, 2, 3, 4])])]), /not \(x, y, z\) triplets/);
    // Without a Tracking Identifier the answer still reads, with an empty id.
    expect(decodeSr(handMadeSr(num)).answers).toEqual([{ itemId: '', concept: SCT_LENGTH, kind: 'num', value: 3, unit: { code: 'mm', meaning: 'millimeter' } }]);
  });
});
