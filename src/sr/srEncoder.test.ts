import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { dciodvfy } from '../dicom/dicomTools.testSupport.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUt, COMPREHENSIVE_3D_SR_STORAGE, encodeSr } from './srEncoder.ts';
import { onPath } from '../seg/segTestData.ts';
import type { SrAnswer, SrEncodeInput } from './srModel.ts';

type Nat = Record<string, unknown>;

const HAVE_DCIODVFY = onPath('dciodvfy');
const HAVE_DCMDUMP = onPath('dcmdump');
const HAVE_DSRDUMP = onPath('dsrdump');
if (!HAVE_DCIODVFY) console.warn('SR validation tests skipped: dciodvfy is not on PATH (Debian package dicom3tools).');
if (!HAVE_DCMDUMP || !HAVE_DSRDUMP) console.warn('SR dcmdump/dsrdump tests skipped: not on PATH (Debian package dcmtk).');

const workDir = mkdtempSync(join(tmpdir(), 'sr-encoder-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
const MM = { code: 'mm', meaning: 'millimeter' };

function formInput(overrides: Partial<SrEncodeInput> = {}): SrEncodeInput {
  const answers: SrAnswer[] = [
    { itemId: 'pattern', concept: { value: '129715009', scheme: 'SCT', meaning: 'Morphologic finding' }, kind: 'code', value: { value: '112120', scheme: 'DCM', meaning: 'Ground glass opacity' } },
    { itemId: 'lesion-length', concept: { value: '410668003', scheme: 'SCT', meaning: 'Length' }, kind: 'num', value: 31.5, unit: MM, measurement: { graphicType: 'POLYLINE', points: [[-120.5, 30.25, -250], [-98.75, 41, -262.5]] } },
    {
      itemId: 'lesion-ellipse',
      concept: { value: 'EXTENT', scheme: '99CTAW', meaning: 'Lesion extent' },
      kind: 'num',
      value: 0.1 + 0.2,
      unit: { code: 'mm2', meaning: 'square millimeter' },
      measurement: { graphicType: 'ELLIPSE', points: [[-10, 0, 5], [10, 0, 5], [0, -5, 5], [0, 5, 5]] },
    },
    { itemId: 'density', concept: { value: 'DENSITY', scheme: '99CTAW', meaning: 'Mean density' }, kind: 'num', value: -612, unit: { code: "[hnsf'U]", meaning: 'Hounsfield unit' } },
    { itemId: 'comment', concept: { value: '121106', scheme: 'DCM', meaning: 'Comment' }, kind: 'text', value: 'Dœ: <img src=x> «Ränder» 肺\r\nzweite Zeile' },
  ];
  return {
    source: {
      studyInstanceUid: '1.2.826.0.1.3680043.8.498.10',
      seriesInstanceUid: '1.2.826.0.1.3680043.8.498.11',
      frameOfReferenceUid: '1.2.826.0.1.3680043.8.498.12',
      sopClassUid: CT_IMAGE,
      instanceUids: Array.from({ length: 20 }, (_, k) => `1.2.826.0.1.3680043.8.498.1.${k + 1}`),
      patientName: 'Müller^Jürgen',
      patientId: 'SYN-001',
      patientBirthDate: '19600101',
      patientSex: 'M',
      studyDate: '20240102',
      studyTime: '101010',
      studyId: 'S1',
      accessionNumber: 'ACC1',
      referringPhysicianName: 'Ref^Doc',
      studyDescription: 'Chest CT',
    },
    seg: { seriesInstanceUid: '1.2.826.0.1.3680043.8.498.20', sopInstanceUid: '1.2.826.0.1.3680043.8.498.21', sopClassUid: '1.2.840.10008.5.1.4.1.1.66.4' },
    schema: { id: 'chest-ct-covid', version: '2.1.0', title: 'COVID-19 chest CT reading' },
    answers,
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

function readBack(bytes: Uint8Array): Nat {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(buffer).dict);
}

function item(ds: Nat, key: string): Nat {
  return (ds[key] as Nat[])[0];
}

function expectValid(bytes: Uint8Array, name: string): void {
  const { errors, warnings } = dciodvfy(bytes, name);
  // The private coding scheme is unknown to the validator by definition; one warning per use.
  const other = warnings.filter((w) => !w.includes('Unrecognized defined term <99CTAW>'));
  console.log(`dciodvfy (${name}): ${warnings.length - other.length} warning(s) "Unrecognized defined term <99CTAW>"${other.length ? `, and:\n${other.join('\n')}` : ', no others'}`);
  expect(errors).toEqual([]);
}

describe('encodeSr', () => {
  const input = formInput();
  const bytes = encodeSr(input);

  it('writes a Part 10 file', () => {
    expect(new TextDecoder().decode(bytes.subarray(128, 132))).toBe('DICM');
    expect(bytes.length % 2).toBe(0);
  });

  it.skipIf(!HAVE_DCIODVFY)('passes dciodvfy without errors (needs dicom3tools)', () => {
    expectValid(bytes, 'form.dcm');
  });

  it.skipIf(!HAVE_DCIODVFY)('passes dciodvfy with a minimal form: no SEG, no answers, empty patient and study attributes, PARTIAL', () => {
    const bare = formInput({ seg: undefined, answers: [], complete: false });
    bare.source = { studyInstanceUid: bare.source.studyInstanceUid, seriesInstanceUid: bare.source.seriesInstanceUid, frameOfReferenceUid: bare.source.frameOfReferenceUid, sopClassUid: CT_IMAGE, instanceUids: ['1.2.3.4'] };
    expectValid(encodeSr(bare), 'bare.dcm');
  });

  it.skipIf(!HAVE_DCIODVFY)('passes dciodvfy with a long text and a SEG in another study', () => {
    const long: SrAnswer = { itemId: 'long', concept: { value: '121106', scheme: 'DCM', meaning: 'Comment' }, kind: 'text', value: 'ö<br>\n'.repeat(30_000) };
    const r = encodeSr(formInput({ answers: [long], seg: { ...input.seg!, studyInstanceUid: '1.2.826.0.1.3680043.8.498.99' } }));
    expect(r.length).toBeGreaterThan(200_000);
    expectValid(r, 'long.dcm');
  });

  it.skipIf(!HAVE_DCMDUMP)('is read by dcmdump (needs dcmtk)', () => {
    const path = join(workDir, 'dump.dcm');
    writeFileSync(path, bytes);
    const dump = execFileSync('dcmdump', ['-q', path], { encoding: 'utf8' });
    expect(dump).toContain('=Comprehensive3DSRStorage');
    expect(dump).toContain('=LittleEndianExplicit');
    // dcmdump prints the text as it is, line breaks included.
    expect(dump).toContain('(0040,a160) UT [Dœ: <img src=x> «Ränder» 肺\r\nzweite Zeile]');
    expect(dump).not.toMatch(/error|warn/i);
  });

  it.skipIf(!HAVE_DSRDUMP)('is a content tree dcmtk accepts for Comprehensive 3D SR (dsrdump)', () => {
    const path = join(workDir, 'tree.dcm');
    writeFileSync(path, bytes);
    // -Ee: every content item error is reported (as a warning) instead of stopping at the first;
    // relationship constraints of the IOD are checked by default.
    const out = execFileSync('sh', ['-c', 'dsrdump -Ee "$1" 2>&1', 'sh', path], { encoding: 'utf8' });
    // dcmtk's VR checker skips UTF-8 text and says so; anything else would be a finding.
    const findings = out.split('\n').filter((l) => /^[EWF]:/.test(l) && !l.includes('does not support this Specific Character Set'));
    expect(findings).toEqual([]);
    expect(out).toContain('Comprehensive 3D SR Document');
    expect(out).toContain('<has obs context PNAME:(,,"Person Observer Name")="Dœ^Jane">');
    expect(out).toContain('<has obs context TEXT:(,,"Tracking Identifier")="lesion-length">');
    expect(out).toMatch(/<inferred from SCOORD3D:=\(POLYLINE,,-120\.5\/30\.25\/-250,/);
    expect(out).toMatch(/<inferred from SCOORD3D:=\(ELLIPSE,/);
  });

  it('writes the SR modules, patient and study attributes, and hierarchical evidence', () => {
    const ds = readBack(bytes);
    expect(ds.SOPClassUID).toBe(COMPREHENSIVE_3D_SR_STORAGE);
    expect(ds.Modality).toBe('SR');
    expect(ds.SpecificCharacterSet).toBe('ISO_IR 192');
    expect(ds.VerificationFlag).toBe('UNVERIFIED');
    expect(ds.CompletionFlag).toBe('COMPLETE');
    expect(ds.ContentDate).toBe('20240102');
    expect(ds.ContentTime).toBe('030405');
    expect(ds.InstanceNumber).toBe(1);
    expect(ds.SeriesNumber).toBe(902);
    expect(ds.PerformedProcedureCodeSequence).toEqual([]);
    expect(ds.ReferencedPerformedProcedureStepSequence).toEqual([]);
    expect(JSON.stringify(ds.PatientName)).toContain('Müller^Jürgen');
    expect(ds.PatientID).toBe('SYN-001');
    expect(ds.PatientSex).toBe('M');
    expect(ds.StudyInstanceUID).toBe(input.source.studyInstanceUid);
    expect(ds.AccessionNumber).toBe('ACC1');
    expect(ds.StudyDescription).toBe('Chest CT');
    expect(item(ds, 'CodingSchemeIdentificationSequence').CodingSchemeDesignator).toBe('99CTAW');

    const evidence = ds.CurrentRequestedProcedureEvidenceSequence as Nat[];
    expect(evidence).toHaveLength(1);
    expect(evidence[0].StudyInstanceUID).toBe(input.source.studyInstanceUid);
    const [ct, seg] = evidence[0].ReferencedSeriesSequence as Nat[];
    expect(ct.SeriesInstanceUID).toBe(input.source.seriesInstanceUid);
    expect((ct.ReferencedSOPSequence as Nat[]).map((s) => s.ReferencedSOPInstanceUID)).toEqual(input.source.instanceUids);
    expect((ct.ReferencedSOPSequence as Nat[]).every((s) => s.ReferencedSOPClassUID === CT_IMAGE)).toBe(true);
    expect(seg.SeriesInstanceUID).toBe(input.seg!.seriesInstanceUid);
    expect(item(seg, 'ReferencedSOPSequence')).toMatchObject({ ReferencedSOPClassUID: input.seg!.sopClassUid, ReferencedSOPInstanceUID: input.seg!.sopInstanceUid });

    const other = readBack(encodeSr(formInput({ seg: { ...input.seg!, studyInstanceUid: '1.2.826.0.1.3680043.8.498.99' } })));
    expect((other.CurrentRequestedProcedureEvidenceSequence as Nat[]).map((s) => s.StudyInstanceUID)).toEqual([input.source.studyInstanceUid, '1.2.826.0.1.3680043.8.498.99']);
  });

  it('writes type 2 attributes empty when the CT has none', () => {
    const bare = formInput();
    bare.source = { studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.4', frameOfReferenceUid: '1.2.5', sopClassUid: CT_IMAGE, instanceUids: ['1.2.6'] };
    const ds = readBack(encodeSr(bare));
    for (const key of ['PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'StudyDate', 'StudyTime', 'ReferringPhysicianName', 'StudyID', 'AccessionNumber']) {
      expect(key in ds, key).toBe(true);
      expect([undefined, '', null, []].some((empty) => JSON.stringify(ds[key]) === JSON.stringify(empty)), `${key} = ${JSON.stringify(ds[key])}`).toBe(true);
    }
    expect('StudyDescription' in ds).toBe(false);
  });

  it('writes the content tree: form, observer, one item per answer with its tracking id and measurement', () => {
    const ds = readBack(bytes);
    expect(ds.ValueType).toBe('CONTAINER');
    expect(ds.ContinuityOfContent).toBe('SEPARATE');
    expect(item(ds, 'ConceptNameCodeSequence')).toMatchObject({ CodeValue: '18748-4', CodingSchemeDesignator: 'LN' });
    const content = ds.ContentSequence as Nat[];
    // (dcmjs decodes text inside sequences as Latin-1, so non-ASCII values are checked by the
    // decoder's tests and by dcmdump/dsrdump above, not here.)
    const head = content.slice(0, 5).map((c) => [c.RelationshipType, c.ValueType, item(c, 'ConceptNameCodeSequence').CodeValue, c.TextValue ?? (c.PersonName ? 'PN' : item(c, 'ConceptCodeSequence').CodeValue)]);
    expect(JSON.stringify(head)).toBe(
      JSON.stringify([
        ['HAS CONCEPT MOD', 'TEXT', 'FORM-ID', 'chest-ct-covid'],
        ['HAS CONCEPT MOD', 'TEXT', 'FORM-VERSION', '2.1.0'],
        ['HAS CONCEPT MOD', 'TEXT', 'FORM-TITLE', 'COVID-19 chest CT reading'],
        ['HAS OBS CONTEXT', 'CODE', '121005', '121006'],
        ['HAS OBS CONTEXT', 'PNAME', '121008', 'PN'],
      ]),
    );
    const answers = content.slice(5);
    expect(answers.map((c) => [c.RelationshipType, c.ValueType])).toEqual([
      ['CONTAINS', 'CODE'],
      ['CONTAINS', 'NUM'],
      ['CONTAINS', 'NUM'],
      ['CONTAINS', 'NUM'],
      ['CONTAINS', 'TEXT'],
    ]);
    answers.forEach((c, n) => {
      const tracking = item(c, 'ContentSequence');
      expect(tracking).toMatchObject({ RelationshipType: 'HAS OBS CONTEXT', ValueType: 'TEXT', TextValue: input.answers[n].itemId });
      expect(item(tracking, 'ConceptNameCodeSequence').CodeValue).toBe('112039');
      expect(item(c, 'ConceptNameCodeSequence').CodeValue).toBe(input.answers[n].concept.value);
    });
    expect(item(answers[0], 'ConceptCodeSequence').CodeValue).toBe('112120');

    const length = item(answers[1], 'MeasuredValueSequence');
    expect(length.NumericValue).toBe(31.5);
    expect(length.FloatingPointValue).toBeUndefined();
    expect(item(length, 'MeasurementUnitsCodeSequence')).toMatchObject({ CodeValue: 'mm', CodingSchemeDesignator: 'UCUM', CodeMeaning: 'millimeter' });
    const line = (answers[1].ContentSequence as Nat[])[1];
    expect(line).toMatchObject({ RelationshipType: 'INFERRED FROM', ValueType: 'SCOORD3D', GraphicType: 'POLYLINE', ReferencedFrameOfReferenceUID: input.source.frameOfReferenceUid });
    expect(line.GraphicData).toEqual([-120.5, 30.25, -250, -98.75, 41, -262.5]);

    // 0.1 + 0.2 does not fit 16 DS characters exactly: Floating Point Value carries it.
    const extent = item(answers[2], 'MeasuredValueSequence');
    expect(extent.NumericValue).toBe(0.3);
    expect(extent.FloatingPointValue).toBe(0.30000000000000004);
    const ellipse = (answers[2].ContentSequence as Nat[])[1];
    expect(ellipse.GraphicType).toBe('ELLIPSE');
    expect(ellipse.GraphicData).toHaveLength(12);

    expect(item(item(answers[3], 'MeasuredValueSequence'), 'MeasurementUnitsCodeSequence').CodeValue).toBe("[hnsf'U]");
    expect(answers[4].TextValue).toMatch(/^D.*: <img src=x> /);
  });

  it('cleans UT text: LF, FF and CR kept, other control characters spaces, no trailing spaces', () => {
    expect(cleanUt('a\tb\u0000c\u001b\u0085d\r\n\fe  ')).toBe('a b c  d\r\n\fe');
    expect(cleanUt('  lead')).toBe('  lead');
  });

  it('refuses input DICOM cannot hold', () => {
    const base = formInput();
    const [code, length, , , text] = base.answers;
    const withAnswer = (a: SrAnswer): SrEncodeInput => ({ ...base, answers: [a] });
    expect(() => encodeSr({ ...base, sopInstanceUid: 'not-a-uid' })).toThrow(/UID/);
    expect(() => encodeSr({ ...base, reader: '  ' })).toThrow(/reader's name/);
    expect(() => encodeSr({ ...base, schema: { id: '', version: '1', title: '' } })).toThrow(/id and a version/);
    expect(() => encodeSr({ ...base, source: { ...base.source, instanceUids: [] } })).toThrow(/no images/);
    expect(() => encodeSr(withAnswer({ ...code, itemId: '' }))).toThrow(/item id/);
    expect(() => encodeSr(withAnswer({ ...code, itemId: 'x ' }))).toThrow(/item id/);
    expect(() => encodeSr(withAnswer({ ...text, value: ' \t ' } as SrAnswer))).toThrow(/text is empty/);
    expect(() => encodeSr(withAnswer({ ...length, value: Number.NaN } as SrAnswer))).toThrow(/NaN/);
    expect(() => encodeSr(withAnswer({ ...length, unit: { code: '', meaning: '' } } as SrAnswer))).toThrow(/UCUM/);
    expect(() => encodeSr(withAnswer({ ...length, measurement: { graphicType: 'ELLIPSE', points: [[0, 0, 0], [1, 1, 1]] } } as SrAnswer))).toThrow(/ELLIPSE measurement with 2 point/);
    expect(() => encodeSr(withAnswer({ ...length, measurement: { graphicType: 'POLYLINE', points: [[0, 0, 0]] } } as SrAnswer))).toThrow(/POLYLINE/);
    expect(() => encodeSr(withAnswer({ ...length, measurement: { graphicType: 'POLYLINE', points: [[0, 0, 0], [1, Infinity, 1]] } } as SrAnswer))).toThrow(/finite/);
  });
});
