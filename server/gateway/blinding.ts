// The blinding rules of the double-blind reading study, as pure functions over facts the gateway
// loads from its tables (server/gateway/accessFacts.ts). No I/O here: the Fastify wiring
// (blindedProxy.ts) asks, these answer.
//
// What a caller may see through /dicom-web:
//  - a result (SEG, SR) series: a reader only their own; a lead once every reader assigned to its
//    case has submitted (and only reads of readers still assigned); an admin never. A SEG/SR series
//    the gateway has no owner for (stored into Orthanc some other way) nobody sees.
//  - a CT series of a case: a reader only when the case is assigned to them; leads and admins always.
//  - any other series: admins only (what they upload before making it a case); readers and leads never.
//  - a study: a reader when one of their cases is in it; a lead when any case is; an admin always.
// Anything not visible is answered exactly like something that does not exist.
import type { Role } from '../../src/model/api.ts';

export interface Caller {
  id: number;
  role: Role;
}

// PS3.4 B.5: Segmentation Storage, Label Map Segmentation Storage, and every SR Storage class.
const SEG_CLASSES = new Set(['1.2.840.10008.5.1.4.1.1.66.4', '1.2.840.10008.5.1.4.1.1.66.7']);
const SR_CLASS_PREFIX = '1.2.840.10008.5.1.4.1.1.88.';
export const RESULT_MODALITIES: ReadonlySet<string> = new Set(['SEG', 'SR']);

export type { ResultKind } from '../../src/model/read.ts';
import type { ResultKind } from '../../src/model/read.ts';

export function resultKind(sopClassUid: string | undefined): ResultKind | null {
  if (!sopClassUid) return null;
  if (SEG_CLASSES.has(sopClassUid)) return 'seg';
  if (sopClassUid.startsWith(SR_CLASS_PREFIX)) return 'sr';
  return null;
}

/** What the tables say about one series UID. */
export interface SeriesFacts {
  /** cases (of any reading study) whose CT this series is */
  cases: Array<{ caseId: number; studyUid: string; assignedToCaller: boolean }>;
  /** the result series' owner, when the gateway stored results into it */
  result: { caseId: number; studyUid: string; ownerId: number; ownerAssigned: boolean; caseComplete: boolean } | null;
}

export const NO_FACTS: SeriesFacts = { cases: [], result: null };

/** Where the series was named or found: the study it must be in, its Modality when known. */
export interface SeriesContext {
  studyUid?: string;
  modality?: string;
}

export function resultVisible(caller: Caller, result: NonNullable<SeriesFacts['result']>): boolean {
  if (caller.role === 'reader') return result.ownerId === caller.id;
  if (caller.role === 'lead') return result.ownerId === caller.id || (result.caseComplete && result.ownerAssigned);
  return false;
}

export function seriesVisible(caller: Caller, facts: SeriesFacts, where: SeriesContext = {}): boolean {
  if (facts.result) {
    if (where.studyUid !== undefined && where.studyUid !== facts.result.studyUid) return false;
    return resultVisible(caller, facts.result);
  }
  // A SEG or SR the gateway did not store has no owner: nobody may see it.
  if (where.modality !== undefined && RESULT_MODALITIES.has(where.modality.toUpperCase())) return false;
  const inStudy = facts.cases.filter((c) => where.studyUid === undefined || c.studyUid === where.studyUid);
  if (caller.role === 'reader') return inStudy.some((c) => c.assignedToCaller);
  if (caller.role === 'lead') return inStudy.length > 0;
  return true;
}

/** An instance row of a QIDO answer: its series must be visible, and a result-class object is only
 * ever visible inside a result series (never one slipped into a CT series). */
export function instanceVisible(caller: Caller, facts: SeriesFacts, where: SeriesContext & { sopClassUid?: string }): boolean {
  if (!seriesVisible(caller, facts, where)) return false;
  return facts.result !== null || resultKind(where.sopClassUid) === null;
}

export interface StudyFacts {
  /** some case's CT is in this study */
  hasCase: boolean;
  /** some case in this study is assigned to the caller */
  assignedToCaller: boolean;
}

export function studyVisible(caller: Caller, facts: StudyFacts): boolean {
  if (caller.role === 'reader') return facts.assignedToCaller;
  if (caller.role === 'lead') return facts.hasCase;
  return true;
}

// ---------------------------------------------------------------------------------------------
// STOW-RS: who may store what.

/** One object of a STOW request, with what the tables and Orthanc say about its UIDs. */
export interface StoreFacts {
  sopClassUid: string;
  sopInstanceUid: string;
  studyUid: string;
  seriesUid: string;
  patientId: string;
  /** the study UID of the request path (/studies/{uid}), when given */
  pathStudyUid?: string;
  /** cases whose CT the object references (ReferencedSeriesSequence / evidence), with the CT's
   * Patient ID in the archive (undefined: not asked) */
  referencedCases: Array<{ caseId: number; studyUid: string; assignedToCaller: boolean; complete: boolean; patientId?: string }>;
  /** owner of the series in result_series, and the case it was claimed for; null when none */
  seriesOwnerId: number | null;
  seriesCaseId?: number | null;
  /** the series exists in Orthanc */
  seriesInArchive: boolean;
  /** owner of the SOP instance in results; null when none */
  sopOwnerId: number | null;
  /** the SOP instance exists in Orthanc, and in which series */
  sopInArchive: { seriesUid: string } | null;
}

export type StoreVerdict =
  | { ok: true; kind: ResultKind; caseId: number; studyUid: string }
  | { ok: true; kind: null }
  /**
   * hidden: the refusal rests on someone else's objects (a series or SOP instance taken). A
   * request is answered with its first refusal that is not hidden, if any, so that which check
   * fails first never depends on what the caller may not see; hidden refusals all read alike.
   */
  | { ok: false; status: 400 | 403; error: string; hidden?: true };

// One answer for every refusal that involves someone else's object: it must not tell a reader
// whether the case, the series or the SOP instance exists or is someone else's.
export const STORE_REFUSED = 'this result cannot be stored: results are stored only for cases assigned to you, into series of your own';
export const READER_NON_RESULT = 'readers and leads store results (DICOM SEG or SR) only';
export const ADMIN_RESULT = 'results are stored by readers and leads, not by administrators';
/** An admin's image into a series UID that is taken by something they may not see. */
export const ADMIN_SERIES_TAKEN = 'this object cannot be stored into that series: use a series UID of its own';

/**
 * Checks in this order: what the caller can know themselves (their role, the object, their own
 * case and its CT), then, last and with one message, whether the UIDs are someone else's.
 */
export function storeVerdict(caller: Caller, f: StoreFacts): StoreVerdict {
  if (f.pathStudyUid !== undefined && f.pathStudyUid !== f.studyUid) {
    return { ok: false, status: 400, error: 'an object of another study was sent to /studies/{study}' };
  }
  const kind = resultKind(f.sopClassUid);
  if (kind === null) {
    if (caller.role !== 'admin') return { ok: false, status: 403, error: READER_NON_RESULT };
    // An image into a result series would show up among someone's results.
    if (f.seriesOwnerId !== null) return { ok: false, status: 403, error: ADMIN_SERIES_TAKEN, hidden: true };
    return { ok: true, kind: null };
  }
  if (caller.role === 'admin') return { ok: false, status: 403, error: ADMIN_RESULT };
  const refused = { ok: false, status: 403, error: STORE_REFUSED } as const;
  // The case: a referenced CT of the same study, assigned to this reader (a lead: complete reads).
  // Should one CT be a case of two reading studies for the same reader, the caller's own series'
  // first result decided, else the earlier case.
  const ownSeriesCase = f.seriesOwnerId === caller.id ? f.seriesCaseId : null;
  const eligible = f.referencedCases
    .filter((c) => c.studyUid === f.studyUid && (caller.role === 'reader' ? c.assignedToCaller : c.complete))
    .sort((a, b) => (a.caseId === ownSeriesCase ? -1 : b.caseId === ownSeriesCase ? 1 : a.caseId - b.caseId));
  if (eligible.length === 0) return refused;
  // Filed under another patient, the result would make Orthanc hold the study twice (once per
  // patient), and a study-level answer would show the second one. The caller sees this CT.
  const chosen = eligible[0];
  if (chosen.patientId !== undefined && chosen.patientId !== f.patientId) {
    return { ok: false, status: 400, error: "a result carries its CT's Patient ID (0010,0020)" };
  }
  const taken = { ...refused, hidden: true } as const;
  // The series: the caller's own, or one that exists nowhere yet (claimed before storing).
  if (f.seriesOwnerId !== null ? f.seriesOwnerId !== caller.id : f.seriesInArchive) return taken;
  // The SOP instance: new, or the caller's own (a repeated send is answered like the first).
  if (f.sopOwnerId !== null && f.sopOwnerId !== caller.id) return taken;
  if (f.sopOwnerId === null && f.sopInArchive && !(f.seriesOwnerId === caller.id && f.sopInArchive.seriesUid === f.seriesUid)) return taken;
  return { ok: true, kind, caseId: chosen.caseId, studyUid: f.studyUid };
}

/** The refusal a whole request is answered with: the first the caller could know of, else any. */
export function requestRefusal(verdicts: StoreVerdict[]): Extract<StoreVerdict, { ok: false }> | null {
  const refusals = verdicts.filter((v): v is Extract<StoreVerdict, { ok: false }> => !v.ok);
  const open = refusals.find((r) => !r.hidden);
  if (open) return open;
  const hidden = refusals[0];
  return hidden ? { ok: false, status: hidden.status, error: hidden.error } : null;
}

// ---------------------------------------------------------------------------------------------
// QIDO-RS answers.

export type DicomJson = Record<string, { vr?: string; Value?: unknown[]; [k: string]: unknown }>;

export function firstString(ds: DicomJson, tag: string): string | undefined {
  const v = ds[tag]?.Value?.[0];
  return typeof v === 'string' ? v : undefined;
}

export const TAGS = {
  modalitiesInStudy: '00080061',
  sopClassesInStudy: '00080062',
  sopClassUid: '00080016',
  sopInstanceUid: '00080018',
  modality: '00080060',
  studyUid: '0020000D',
  seriesUid: '0020000E',
  studyRelatedSeries: '00201206',
  studyRelatedInstances: '00201208',
  seriesRelatedInstances: '00201209',
} as const;

// Study-level QIDO filters the gateway lets through (PS3.18 Table 10.6.1-5 plus the patient's
// attributes): Orthanc applies some filters to a study's series and instances (ModalitiesInStudy
// matches a study that holds someone's SEG), which would tell a reader a hidden result exists.
// ModalitiesInStudy is applied by the gateway itself, on the series the caller may see.
const STUDY_KEYS: Record<string, string> = {
  StudyDate: '00080020',
  StudyTime: '00080030',
  AccessionNumber: '00080050',
  ReferringPhysicianName: '00080090',
  StudyDescription: '00081030',
  PatientName: '00100010',
  PatientID: '00100020',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  StudyInstanceUID: '0020000D',
  StudyID: '00200010',
  TimezoneOffsetFromUTC: '00080201',
};
const STUDY_TAGS = new Set(Object.values(STUDY_KEYS));
const QUERY_PARAMS = new Set(['includefield', 'limit', 'offset', 'fuzzymatching']);

export function isModalitiesInStudyKey(key: string): boolean {
  return key === 'ModalitiesInStudy' || key.toUpperCase() === TAGS.modalitiesInStudy;
}

/** A study-level query key the gateway does not pass; null when all pass. */
export function unsupportedStudyKey(params: URLSearchParams): string | null {
  for (const key of params.keys()) {
    if (QUERY_PARAMS.has(key) || isModalitiesInStudyKey(key)) continue;
    if (key in STUDY_KEYS || STUDY_TAGS.has(key.toUpperCase())) continue;
    return key;
  }
  return null;
}

// Attributes a study-level answer keeps. Everything else (the series- and instance-level
// attributes an includefield can pull up from some child) is dropped, since that child may be a
// hidden result.
const STUDY_ANSWER_TAGS = new Set([
  '00080005',
  '00080020',
  '00080030',
  '00080050',
  '00080056',
  '00080061',
  '00080090',
  '00080201',
  '00081030',
  '00081190',
  '0020000D',
  '00200010',
  '00201206',
  '00201208',
]);

/**
 * A study row as a caller may see it: attributes of the study and the patient only, and the
 * counts and modalities recomputed from the series they may see (Orthanc counts everything).
 */
export function recountStudy(row: DicomJson, visibleSeries: Array<{ modality?: string; instances: number }>): DicomJson {
  const out: DicomJson = {};
  for (const [tag, value] of Object.entries(row)) {
    if (STUDY_ANSWER_TAGS.has(tag) || tag.startsWith('0010')) out[tag] = value;
  }
  const modalities = [...new Set(visibleSeries.map((s) => s.modality).filter((m): m is string => !!m))].sort();
  if (TAGS.modalitiesInStudy in out) out[TAGS.modalitiesInStudy] = modalities.length ? { vr: 'CS', Value: modalities } : { vr: 'CS' };
  if (TAGS.studyRelatedSeries in out) out[TAGS.studyRelatedSeries] = { vr: 'IS', Value: [visibleSeries.length] };
  if (TAGS.studyRelatedInstances in out) out[TAGS.studyRelatedInstances] = { vr: 'IS', Value: [visibleSeries.reduce((n, s) => n + s.instances, 0)] };
  return out;
}

/** QIDO ModalitiesInStudy matching (PS3.4 C.2.2.2.1: a single value, or a list of UIDs is not
 * applicable; a list of values separated by backslash or comma matches any of them). */
export function modalitiesMatch(filter: string, modalities: string[]): boolean {
  const wanted = filter
    .split(/[\\,]/)
    .map((m) => m.trim().toUpperCase())
    .filter(Boolean);
  if (wanted.length === 0) return true;
  return modalities.some((m) => wanted.includes(m.toUpperCase()));
}

/** QIDO limit/offset (PS3.18 8.3.4.4), applied by the gateway after it removed what the caller may
 * not see, so that pages are pages of the visible rows. */
export function pageParams(params: URLSearchParams): { limit: number | null; offset: number } | { error: string } {
  const read = (name: string): number | null | undefined => {
    const v = params.get(name);
    if (v === null) return null;
    return /^\d{1,9}$/.test(v) ? Number(v) : undefined;
  };
  const limit = read('limit');
  const offset = read('offset');
  if (limit === undefined || offset === undefined) return { error: 'limit and offset are non-negative integers' };
  return { limit, offset: offset ?? 0 };
}

export function page<T>(rows: T[], p: { limit: number | null; offset: number }): T[] {
  return rows.slice(p.offset, p.limit === null ? undefined : p.offset + p.limit);
}
