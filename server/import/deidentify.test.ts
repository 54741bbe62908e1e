import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePart10 } from '../../src/dicom/part10Reader.ts';
import { dciodvfy, onPath } from '../../src/dicom/dicomTools.testSupport.ts';
import { writePart10 } from '../../scripts/data/dicomWriter.ts';
import { ACTIONS, DEID_CODES, ImportRefusal, deidentify, mappedUid, readSource, shiftDate, shiftDateTime } from './deidentify.ts';
import { identifiedSeries } from './identifiedCt.testSupport.ts';

const KEY_A = new Uint8Array(32).fill(7);
const KEY_B = new Uint8Array(32).fill(9);
const keys = (uidSecret = KEY_A) => ({ uidSecret, pseudonym: 'CTAW-000042', dateOffsetDays: -400 });
const VRS = new Map<number, string>([
  [0x00082112, 'SQ'],
  [0x00120064, 'SQ'],
]);

function read(bytes: Uint8Array) {
  return parsePart10(bytes, { implicitVrs: VRS, objectName: 'image' });
}

function pixelBytes(bytes: Uint8Array): Uint8Array {
  const { reader, ds } = read(bytes);
  return reader.bulk(ds, 0x7fe00010)!;
}

describe('deidentify', () => {
  const series = identifiedSeries({ seed: 'deid-unit', slices: 3 });

  it('leaves none of the identifying values anywhere in the bytes, nor a source UID', () => {
    for (const file of series.files) {
      const out = Buffer.from(deidentify(readSource(file), keys()).bytes).toString('latin1');
      const left = [...series.secrets, ...series.sourceUids, series.patientName, series.patientId].filter((s) => out.includes(s));
      expect(left).toEqual([]);
      // The source file did hold them (the check above would pass on an empty file otherwise).
      const src = Buffer.from(file).toString('latin1');
      expect(series.secrets.filter((s) => !src.includes(s))).toEqual([]);
    }
  });

  it('covers the table: every table attribute that can carry text is in the test file', () => {
    const { ds } = read(series.files[0]);
    const tested = ACTIONS.filter(([tag, action]) => action !== 'K' && ds.has(tag)).length;
    expect(tested).toBeGreaterThan(150);
  });

  it('writes the pseudonym, Patient Identity Removed, the method and its codes; empties the birth date', () => {
    const out = deidentify(readSource(series.files[0]), keys());
    const { reader, ds } = read(out.bytes);
    expect(reader.string(ds, 0x00100010)).toBe('CTAW-000042');
    expect(reader.string(ds, 0x00100020)).toBe('CTAW-000042');
    expect(reader.string(ds, 0x00100030)).toBe('');
    expect(reader.string(ds, 0x00120062)).toBe('YES');
    expect(reader.string(ds, 0x00120063)).toMatch(/Basic Profile/);
    expect(reader.string(ds, 0x00280303)).toBe('MODIFIED');
    const codes = ds.get(0x00120064)!.items!.map((item) => [reader.string(item, 0x00080100), reader.string(item, 0x00080102)]);
    expect(codes).toEqual(DEID_CODES.map(([v]) => [v, 'DCM']));
    // The PatientName inside the Source Image Sequence item is gone, the item's reference mapped.
    const item = ds.get(0x00082112)!.items![0];
    expect(item.has(0x00100010)).toBe(false);
    expect(reader.string(item, 0x00081155)).toMatch(/^2\.25\.\d+$/);
    // Descriptors keep what they describe, without the patient's name, numbers or dates.
    expect(reader.string(ds, 0x0008103e)).toBe('CHEST');
    // Private tags are gone.
    expect([...ds.keys()].filter((t) => Math.floor(t / 0x10000) % 2 === 1)).toEqual([]);
  });

  it('maps UIDs consistently with one key, differently with another, as valid 2.25 UIDs', () => {
    const a1 = deidentify(readSource(series.files[1]), keys());
    const a2 = deidentify(readSource(series.files[1]), keys());
    const b = deidentify(readSource(series.files[1]), keys(KEY_B));
    expect(a1.sopInstanceUid).toBe(a2.sopInstanceUid);
    expect(a1.studyInstanceUid).toBe(a2.studyInstanceUid);
    expect(Buffer.from(a1.bytes).equals(Buffer.from(a2.bytes))).toBe(true);
    expect(b.sopInstanceUid).not.toBe(a1.sopInstanceUid);
    expect(b.seriesInstanceUid).not.toBe(a1.seriesInstanceUid);
    // All files of the series share the new study and series.
    const other = deidentify(readSource(series.files[0]), keys());
    expect(other.seriesInstanceUid).toBe(a1.seriesInstanceUid);
    expect(other.sopInstanceUid).not.toBe(a1.sopInstanceUid);
    expect(mappedUid(KEY_A, series.studyUid)).toBe(a1.studyInstanceUid);
    for (const uid of [a1.sopInstanceUid, a1.studyInstanceUid, b.sopInstanceUid]) {
      expect(uid.length).toBeLessThanOrEqual(64);
      expect(uid).toMatch(/^2\.25\.[1-9]\d*$/);
    }
  });

  it('keeps pixel data byte for byte', () => {
    for (const file of series.files) expect(Buffer.from(pixelBytes(deidentify(readSource(file), keys()).bytes)).equals(Buffer.from(pixelBytes(file)))).toBe(true);
  });

  it('shifts dates by the patient offset, keeping intervals and times', () => {
    const { reader, ds } = read(deidentify(readSource(series.files[0]), keys()).bytes);
    const day = (da: string) => Date.UTC(+da.slice(0, 4), +da.slice(4, 6) - 1, +da.slice(6, 8)) / 86_400_000;
    const study = reader.string(ds, 0x00080020)!;
    const content = reader.string(ds, 0x00080023)!;
    expect(day(study) - day(series.dates.StudyDate)).toBe(-400);
    expect(day(content) - day(study)).toBe(day(series.dates.ContentDate) - day(series.dates.StudyDate));
    expect(reader.string(ds, 0x0008002a)).toBe(`${shiftDate('20200416', -400)}101530`);
    expect(reader.string(ds, 0x00080030)).toBe('101500');
    expect(shiftDate('20200301', -1)).toBe('20200229');
    expect(shiftDate('2020', 5)).toBeNull();
    expect(shiftDateTime('20201231235959.5+0100', 1)).toBe('20210101235959.5+0100');
  });

  it.skipIf(!onPath('dciodvfy'))('gives objects dciodvfy accepts with 0 errors', () => {
    const out = deidentify(readSource(series.files[0]), keys());
    expect(dciodvfy(out.bytes).errors).toEqual([]);
  });

  it.skipIf(!onPath('dcmconv') || !onPath('dcmcjpls'))('reads Implicit VR and JPEG-LS files alike: nothing identifying left, fragments copied as they are, dciodvfy clean', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctaw-deid-ts-'));
    try {
      writeFileSync(join(dir, 'in.dcm'), series.files[0]);
      execFileSync('dcmconv', ['+ti', join(dir, 'in.dcm'), join(dir, 'implicit.dcm')]);
      execFileSync('dcmcjpls', [join(dir, 'in.dcm'), join(dir, 'jls.dcm')]);
      for (const name of ['implicit.dcm', 'jls.dcm']) {
        const source = new Uint8Array(readFileSync(join(dir, name)));
        const out = deidentify(readSource(source), keys());
        const text = Buffer.from(out.bytes).toString('latin1');
        expect([...series.secrets, ...series.sourceUids].filter((x) => text.includes(x)), name).toEqual([]);
        expect(dciodvfy(out.bytes).errors, name).toEqual([]);
        expect(out.sopInstanceUid).toBe(deidentify(readSource(series.files[0]), keys()).sopInstanceUid);
      }
      const jls = parsePart10(new Uint8Array(readFileSync(join(dir, 'jls.dcm'))), { implicitVrs: VRS, objectName: 'image', encapsulated: true });
      const outJls = parsePart10(deidentify(readSource(new Uint8Array(readFileSync(join(dir, 'jls.dcm')))), keys()).bytes, { implicitVrs: VRS, objectName: 'image', encapsulated: true });
      const fragments = (p: typeof jls) => p.ds.get(0x7fe00010)!.fragments!.map((f) => Buffer.from(p.reader.bytes.subarray(f.offset, f.offset + f.length)).toString('hex'));
      expect(outJls.transferSyntaxUid).toBe(jls.transferSyntaxUid);
      expect(fragments(outJls)).toEqual(fragments(jls));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses burned-in annotation, secondary capture, non-CT, non-DICOM and truncated files by name', () => {
    const refusal = (bytes: Uint8Array): string => {
      try {
        readSource(bytes);
        return 'accepted';
      } catch (err) {
        return err instanceof ImportRefusal ? err.reason : String(err);
      }
    };
    const base = [
      { tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.2' },
      { tag: 0x00080018, vr: 'UI', value: '2.25.1' },
    ];
    expect(refusal(writePart10([...base, { tag: 0x00280301, vr: 'CS', value: 'YES' }], '1.2.840.10008.5.1.4.1.1.2', '2.25.1'))).toBe('burned-in');
    expect(refusal(writePart10([{ tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.7' }, base[1]], '1.2.840.10008.5.1.4.1.1.7', '2.25.1'))).toBe('burned-in');
    expect(refusal(writePart10([{ tag: 0x00080016, vr: 'UI', value: '1.2.840.10008.5.1.4.1.1.4' }, base[1]], '1.2.840.10008.5.1.4.1.1.4', '2.25.1'))).toBe('not-ct');
    expect(refusal(new TextEncoder().encode('this is a text file, not an image at all'))).toBe('not-dicom');
    expect(refusal(series.files[0].subarray(0, series.files[0].length - 100))).toBe('damaged');
    expect(refusal(series.files[0])).toBe('accepted');
  });
});
