import { describe, expect, it } from 'vitest';
import {
  ADMIN_RESULT,
  type Caller,
  NO_FACTS,
  READER_NON_RESULT,
  STORE_REFUSED,
  type SeriesFacts,
  type StoreFacts,
  instanceVisible,
  modalitiesMatch,
  page,
  pageParams,
  recountStudy,
  resultKind,
  seriesVisible,
  storeVerdict,
  requestRefusal,
  studyVisible,
  unsupportedStudyKey,
} from './blinding.ts';

const A: Caller = { id: 1, role: 'reader' };
const B: Caller = { id: 2, role: 'reader' };
const C: Caller = { id: 3, role: 'reader' }; // not assigned
const L: Caller = { id: 10, role: 'lead' };
const ADMIN: Caller = { id: 20, role: 'admin' };
const ST = '1.2.3';
const SEG = '1.2.840.10008.5.1.4.1.1.66.4';
const CT = '1.2.840.10008.5.1.4.1.1.2';

const ctSeries = (assigned: boolean): SeriesFacts => ({ cases: [{ caseId: 7, studyUid: ST, assignedToCaller: assigned }], result: null });
const resultOf = (ownerId: number, complete: boolean, ownerAssigned = true): SeriesFacts => ({
  cases: [],
  result: { caseId: 7, studyUid: ST, ownerId, ownerAssigned, caseComplete: complete },
});

describe('result classes', () => {
  it('knows SEG and SR storage classes, and nothing else', () => {
    expect(resultKind(SEG)).toBe('seg');
    expect(resultKind('1.2.840.10008.5.1.4.1.1.66.7')).toBe('seg');
    expect(resultKind('1.2.840.10008.5.1.4.1.1.88.34')).toBe('sr');
    expect(resultKind('1.2.840.10008.5.1.4.1.1.88.11')).toBe('sr');
    expect(resultKind(CT)).toBeNull();
    expect(resultKind('1.2.840.10008.5.1.4.1.1.66')).toBeNull(); // Raw Data
    expect(resultKind(undefined)).toBeNull();
  });
});

describe('seriesVisible', () => {
  it('shows a reader their own results only, whatever the state of the case', () => {
    expect(seriesVisible(A, resultOf(1, false))).toBe(true);
    expect(seriesVisible(B, resultOf(1, false))).toBe(false);
    expect(seriesVisible(B, resultOf(1, true))).toBe(false);
    expect(seriesVisible(A, resultOf(1, false), { studyUid: '9.9' })).toBe(false); // named under another study
  });

  it('shows a lead the reads of a case once every reader has submitted', () => {
    expect(seriesVisible(L, resultOf(1, false))).toBe(false);
    expect(seriesVisible(L, resultOf(1, true))).toBe(true);
    expect(seriesVisible(L, resultOf(1, true, false))).toBe(false); // the reader is no longer assigned
    expect(seriesVisible(L, resultOf(L.id, false, false))).toBe(true); // the lead's own (consensus)
  });

  it('never shows an admin a result', () => {
    expect(seriesVisible(ADMIN, resultOf(1, true))).toBe(false);
  });

  it('shows a case CT to its readers, to leads and to admins', () => {
    expect(seriesVisible(A, ctSeries(true), { studyUid: ST })).toBe(true);
    expect(seriesVisible(C, ctSeries(false), { studyUid: ST })).toBe(false);
    expect(seriesVisible(A, ctSeries(true), { studyUid: '9.9' })).toBe(false);
    expect(seriesVisible(L, ctSeries(false))).toBe(true);
    expect(seriesVisible(ADMIN, ctSeries(false))).toBe(true);
  });

  it('shows series that are no case to admins only, and unowned SEG/SR to nobody', () => {
    for (const caller of [A, L]) expect(seriesVisible(caller, NO_FACTS)).toBe(false);
    expect(seriesVisible(ADMIN, NO_FACTS, { modality: 'CT' })).toBe(true);
    for (const caller of [A, L, ADMIN]) {
      expect(seriesVisible(caller, NO_FACTS, { modality: 'SEG' })).toBe(false);
      expect(seriesVisible(caller, { ...ctSeries(true), result: null }, { modality: 'sr' })).toBe(false);
    }
  });
});

describe('instanceVisible', () => {
  it('hides a result-class object slipped into a CT series', () => {
    expect(instanceVisible(A, ctSeries(true), { studyUid: ST, sopClassUid: CT })).toBe(true);
    expect(instanceVisible(A, ctSeries(true), { studyUid: ST, sopClassUid: SEG })).toBe(false);
    expect(instanceVisible(ADMIN, NO_FACTS, { sopClassUid: SEG })).toBe(false);
    expect(instanceVisible(A, resultOf(1, false), { sopClassUid: SEG })).toBe(true);
  });
});

describe('studyVisible', () => {
  it('by role', () => {
    expect(studyVisible(A, { hasCase: true, assignedToCaller: true })).toBe(true);
    expect(studyVisible(A, { hasCase: true, assignedToCaller: false })).toBe(false);
    expect(studyVisible(L, { hasCase: true, assignedToCaller: false })).toBe(true);
    expect(studyVisible(L, { hasCase: false, assignedToCaller: false })).toBe(false);
    expect(studyVisible(ADMIN, { hasCase: false, assignedToCaller: false })).toBe(true);
  });
});

describe('storeVerdict', () => {
  const seg = (over: Partial<StoreFacts> = {}): StoreFacts => ({
    sopClassUid: SEG,
    sopInstanceUid: '2.25.100',
    studyUid: ST,
    seriesUid: '2.25.200',
    patientId: 'P1',
    referencedCases: [{ caseId: 7, studyUid: ST, assignedToCaller: true, complete: false, patientId: 'P1' }],
    seriesOwnerId: null,
    seriesInArchive: false,
    sopOwnerId: null,
    sopInArchive: null,
    ...over,
  });

  it('lets a reader store a new result for an assigned case, into a new or their own series', () => {
    expect(storeVerdict(A, seg())).toEqual({ ok: true, kind: 'seg', caseId: 7, studyUid: ST });
    expect(storeVerdict(A, seg({ seriesOwnerId: 1, seriesInArchive: true }))).toMatchObject({ ok: true });
    // Sent again: the same SOP, owned by them.
    expect(storeVerdict(A, seg({ seriesOwnerId: 1, seriesInArchive: true, sopOwnerId: 1, sopInArchive: { seriesUid: '2.25.200' } }))).toMatchObject({ ok: true });
    // Stored before, but the row was never written (a crash between Orthanc and the table).
    expect(storeVerdict(A, seg({ seriesOwnerId: 1, seriesInArchive: true, sopInArchive: { seriesUid: '2.25.200' } }))).toMatchObject({ ok: true });
    expect(storeVerdict(A, seg({ sopClassUid: '1.2.840.10008.5.1.4.1.1.88.34' }))).toMatchObject({ ok: true, kind: 'sr' });
  });

  it('answers every refusal involving something not theirs alike', () => {
    const refused = { ok: false, status: 403, error: STORE_REFUSED };
    const taken = { ...refused, hidden: true };
    expect(storeVerdict(C, seg({ referencedCases: [{ caseId: 7, studyUid: ST, assignedToCaller: false, complete: false }] }))).toEqual(refused);
    expect(storeVerdict(A, seg({ referencedCases: [] }))).toEqual(refused);
    expect(storeVerdict(A, seg({ studyUid: '9.9' }))).toEqual(refused); // the case's CT is in another study
    expect(storeVerdict(B, seg({ seriesOwnerId: 1 }))).toEqual(taken); // into A's series
    expect(storeVerdict(B, seg({ sopOwnerId: 1 }))).toEqual(taken); // overwrite A's SOP instance
    expect(storeVerdict(B, seg({ sopInArchive: { seriesUid: '2.25.999' } }))).toEqual(taken); // a SOP UID that exists elsewhere
    expect(storeVerdict(B, seg({ seriesInArchive: true }))).toEqual(taken); // into a CT or other existing series
  });

  it('keeps readers from storing images, and admins from storing results', () => {
    expect(storeVerdict(A, seg({ sopClassUid: CT }))).toEqual({ ok: false, status: 403, error: READER_NON_RESULT });
    expect(storeVerdict(L, seg({ sopClassUid: CT }))).toMatchObject({ ok: false, status: 403 });
    expect(storeVerdict(ADMIN, seg({ sopClassUid: CT, referencedCases: [] }))).toEqual({ ok: true, kind: null });
    expect(storeVerdict(ADMIN, seg())).toEqual({ ok: false, status: 403, error: ADMIN_RESULT });
    expect(storeVerdict(ADMIN, seg({ sopClassUid: CT, seriesOwnerId: 1 }))).toMatchObject({ ok: false, status: 403 });
  });

  it('lets a lead store a result (a consensus) for a case whose reads are complete', () => {
    expect(storeVerdict(L, seg({ referencedCases: [{ caseId: 7, studyUid: ST, assignedToCaller: false, complete: false }] }))).toMatchObject({ ok: false });
    expect(storeVerdict(L, seg({ referencedCases: [{ caseId: 7, studyUid: ST, assignedToCaller: false, complete: true }] }))).toMatchObject({ ok: true, caseId: 7 });
  });

  it('files a result of a CT that is a case twice under the case its series was first stored for', () => {
    const two = [
      { caseId: 7, studyUid: ST, assignedToCaller: true, complete: false },
      { caseId: 9, studyUid: ST, assignedToCaller: true, complete: false },
    ];
    expect(storeVerdict(A, seg({ referencedCases: two }))).toMatchObject({ ok: true, caseId: 7 });
    expect(storeVerdict(A, seg({ referencedCases: two, seriesOwnerId: 1, seriesCaseId: 9 }))).toMatchObject({ ok: true, caseId: 9 });
  });

  it("refuses a result filed under another patient than its CT's", () => {
    expect(storeVerdict(A, seg({ patientId: 'P2' }))).toEqual({ ok: false, status: 400, error: "a result carries its CT's Patient ID (0010,0020)" });
    // Not the caller's case: the generic refusal comes first, the patient is never compared.
    expect(storeVerdict(C, seg({ patientId: 'P2', referencedCases: [{ caseId: 7, studyUid: ST, assignedToCaller: false, complete: false, patientId: 'P1' }] }))).toMatchObject({ error: STORE_REFUSED });
  });

  it('checks the Patient ID against the caller\'s own case before any UID is compared with others\' (no oracle of taken UIDs)', () => {
    const wrongPatient = { ok: false, status: 400, error: "a result carries its CT's Patient ID (0010,0020)" };
    // With a wrong Patient ID, another reader's series or SOP UID and a fresh one answer alike.
    expect(storeVerdict(B, seg({ patientId: 'P2', seriesOwnerId: 1 }))).toEqual(wrongPatient);
    expect(storeVerdict(B, seg({ patientId: 'P2', sopOwnerId: 1 }))).toEqual(wrongPatient);
    expect(storeVerdict(B, seg({ patientId: 'P2', seriesInArchive: true }))).toEqual(wrongPatient);
    expect(storeVerdict(B, seg({ patientId: 'P2' }))).toEqual(wrongPatient);
    // Another reader's series does not pick the case either.
    const two = [
      { caseId: 7, studyUid: ST, assignedToCaller: true, complete: false, patientId: 'P1' },
      { caseId: 9, studyUid: ST, assignedToCaller: true, complete: false, patientId: 'P1' },
    ];
    expect(storeVerdict(B, seg({ referencedCases: two, seriesOwnerId: 1, seriesCaseId: 9 }))).toMatchObject({ ok: false, hidden: true });
  });

  it('answers a request with its first refusal the caller could know of, hidden ones all alike', () => {
    const open = { ok: false, status: 403, error: ADMIN_RESULT } as const;
    const hidden = { ok: false, status: 403, error: 'this object cannot be stored into that series: use a series UID of its own', hidden: true } as const;
    // An admin's image into a result series, then a SEG: the SEG's refusal, whatever the series.
    expect(requestRefusal([hidden, open])).toEqual(open);
    expect(requestRefusal([{ ok: true, kind: null }, open])).toEqual(open);
    expect(requestRefusal([hidden, { ok: true, kind: null }])).toEqual({ ok: false, status: 403, error: hidden.error });
    expect(requestRefusal([{ ok: true, kind: null }])).toBeNull();
  });

  it('refuses an object of another study sent to /studies/{study}', () => {
    expect(storeVerdict(A, seg({ pathStudyUid: '9.9' }))).toMatchObject({ ok: false, status: 400 });
  });
});

describe('study-level QIDO', () => {
  it('passes study and patient keys, and refuses keys Orthanc would match on series or instances', () => {
    expect(unsupportedStudyKey(new URLSearchParams('PatientID=1&StudyDate=2020&limit=2&offset=1&includefield=00201208&fuzzymatching=true'))).toBeNull();
    expect(unsupportedStudyKey(new URLSearchParams('0020000D=1.2&00100010=X*&ModalitiesInStudy=CT&00080061=SEG'))).toBeNull();
    expect(unsupportedStudyKey(new URLSearchParams('SeriesInstanceUID=1.2'))).toBe('SeriesInstanceUID');
    expect(unsupportedStudyKey(new URLSearchParams('Modality=SEG'))).toBe('Modality');
    expect(unsupportedStudyKey(new URLSearchParams('0020000E=1.2'))).toBe('0020000E');
    expect(unsupportedStudyKey(new URLSearchParams('SOPClassesInStudy=1.2'))).toBe('SOPClassesInStudy');
  });

  it('recounts series, instances and modalities from the visible series, and drops attributes of children', () => {
    const row = {
      '0020000D': { vr: 'UI', Value: [ST] },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'X' }] },
      '00080061': { vr: 'CS', Value: ['CT', 'SEG'] },
      '00201206': { vr: 'IS', Value: [3] },
      '00201208': { vr: 'IS', Value: [102] },
      '0020000E': { vr: 'UI', Value: ['2.25.200'] },
      '00080062': { vr: 'UI', Value: [SEG] },
    };
    expect(recountStudy(row, [{ modality: 'CT', instances: 100 }])).toEqual({
      '0020000D': { vr: 'UI', Value: [ST] },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'X' }] },
      '00080061': { vr: 'CS', Value: ['CT'] },
      '00201206': { vr: 'IS', Value: [1] },
      '00201208': { vr: 'IS', Value: [100] },
    });
    expect(recountStudy(row, [])['00080061']).toEqual({ vr: 'CS' });
  });

  it('matches ModalitiesInStudy on the visible modalities', () => {
    expect(modalitiesMatch('SEG', ['CT'])).toBe(false);
    expect(modalitiesMatch('SEG', ['CT', 'SEG'])).toBe(true);
    expect(modalitiesMatch('MR,CT', ['CT'])).toBe(true);
    expect(modalitiesMatch('MR\\ct', ['CT'])).toBe(true);
    expect(modalitiesMatch('', [])).toBe(true);
  });

  it('pages the visible rows', () => {
    const rows = [1, 2, 3, 4, 5];
    expect(page(rows, { limit: null, offset: 0 })).toEqual(rows);
    expect(page(rows, { limit: 2, offset: 1 })).toEqual([2, 3]);
    expect(page(rows, { limit: 2, offset: 9 })).toEqual([]);
    expect(page(rows, { limit: 0, offset: 0 })).toEqual([]);
    expect(pageParams(new URLSearchParams('limit=2&offset=3'))).toEqual({ limit: 2, offset: 3 });
    expect(pageParams(new URLSearchParams(''))).toEqual({ limit: null, offset: 0 });
    expect(pageParams(new URLSearchParams('limit=-1'))).toHaveProperty('error');
    expect(pageParams(new URLSearchParams('offset=x'))).toHaveProperty('error');
  });
});
