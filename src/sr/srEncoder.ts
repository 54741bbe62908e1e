// Writes the reader's structured form as a DICOM Structured Report (Part 10, Explicit VR Little
// Endian), with the Part 10 writer the SEG encoder uses.
//
// SOP Class: Comprehensive 3D SR (PS3.3 A.35.13). Measurements are drawn on MPR views of any
// orientation (axial, coronal, sagittal, oblique), so a measured point is a position in patient
// coordinates, not a pixel of one stored image. Only SCOORD3D content items hold such points (with
// the CT's Frame of Reference UID); Comprehensive SR (88.33) allows SCOORD, which is image-relative,
// but not SCOORD3D, and Enhanced/Basic Text SR hold neither.
//
// Content tree (no template is claimed, so there is no Content Template Sequence):
//   CONTAINER (18748-4, LN, "Diagnostic imaging report")
//     HAS CONCEPT MOD  TEXT  (99CTAW) reading form identifier / version / title
//     HAS OBS CONTEXT  CODE  Observer Type = Person; PNAME Person Observer Name = the reader (TID 1002)
//     CONTAINS  one item per answer, in form order:
//       CODE (a choice), NUM (a number, UCUM unit) or TEXT (free text), concept name = the item's concept
//         HAS OBS CONTEXT TEXT (112039, DCM, "Tracking Identifier") = the form item's id
//         INFERRED FROM   SCOORD3D POLYLINE or ELLIPSE (a NUM's measurement, when there is one)
//     CONTAINS  CONTAINER (126010, DCM, "Imaging Measurements"), the read's quantification, when
//               given (after the answers, so a form without it is the same bytes as before;
//               its content is described in srQuantification.ts)
//
// Form item ids: the Tracking Identifier, a standard TEXT a NUM, CODE or TEXT may carry as
// observation context (PS3.3 A.35.13 relationship table, row 2; TID 1501 uses it for findings
// followed across reports), holds each answer's itemId, so decoding maps answers back to form items
// exactly even when two items share a concept name, and the id stays in the content tree that any
// SR viewer shows, rather than in a private attribute that archives may strip. Observation UID
// (0040,A171) is a UID, unique per observation, so it cannot hold a form's own item id.
//
// Text (UT) is written as given in UTF-8 (ISO_IR 192): non-ASCII and markup-looking characters are
// bytes like any other and come back unchanged. Two things UT cannot carry are changed: control
// characters other than LF, FF and CR (TAB included: UT allows only those and ESC, PS3.5 6.2, and
// dciodvfy rejects a TAB) become spaces, and trailing spaces are dropped (they are
// indistinguishable from the value's padding).
import type { CodedConcept } from '../model/codedConcept.ts';
import {
  ByteWriter,
  checkUid,
  cleanDate,
  cleanText,
  cleanTime,
  codeItem,
  dicomDate,
  dicomTime,
  el,
  type Element,
  formatDs,
  type Item,
  metaBytes,
  seq,
  timezoneOffset,
  writeItems,
} from '../dicom/part10Writer.ts';
import type { SrAnswer, SrEncodeInput, SrMeasurement, SrQuantification, SrUnit } from './srModel.ts';
import { LOBE_INVOLVEMENT_CODES, LUNG_SITES, lesionNums, QUANT_CODES, UNITS } from './srQuantification.ts';

export const COMPREHENSIVE_3D_SR_STORAGE = '1.2.840.10008.5.1.4.1.1.88.34';
const IMPLEMENTATION_VERSION_NAME = 'CTAW_SR_1';
const EQUIPMENT = {
  manufacturer: 'CT annotation workstation',
  manufacturerModelName: 'CT annotation workstation',
  deviceSerialNumber: '0',
  // The writer's revision: what a later reader needs to know about how this file was made.
  softwareVersions: 'sr-writer 1',
};

/** Our private coding scheme (PS3.16 8.2: a "99" prefix marks a private designator). */
export const PRIVATE_SCHEME = '99CTAW';

/** The codes the content tree uses; the 99CTAW ones are ours, the others are standard. */
export const SR_CODES = {
  document: { value: '18748-4', scheme: 'LN', meaning: 'Diagnostic imaging report' },
  formId: { value: 'FORM-ID', scheme: PRIVATE_SCHEME, meaning: 'Reading form identifier' },
  formVersion: { value: 'FORM-VERSION', scheme: PRIVATE_SCHEME, meaning: 'Reading form version' },
  formTitle: { value: 'FORM-TITLE', scheme: PRIVATE_SCHEME, meaning: 'Reading form title' },
  observerType: { value: '121005', scheme: 'DCM', meaning: 'Observer Type' },
  person: { value: '121006', scheme: 'DCM', meaning: 'Person' },
  personObserverName: { value: '121008', scheme: 'DCM', meaning: 'Person Observer Name' },
  trackingIdentifier: { value: '112039', scheme: 'DCM', meaning: 'Tracking Identifier' },
} as const satisfies Record<string, CodedConcept>;

// ---- content items (PS3.3 C.17.3, Document Content and Document Relationship macros) ----

type Relationship = 'CONTAINS' | 'HAS OBS CONTEXT' | 'HAS CONCEPT MOD' | 'INFERRED FROM';
type ValueType = 'CONTAINER' | 'TEXT' | 'CODE' | 'NUM' | 'PNAME' | 'SCOORD3D';

function contentItem(relationship: Relationship | null, valueType: ValueType, concept: CodedConcept | null, value: Element[], children: Item[] = []): Item {
  const item: Item = [el(0x0040, 0xa040, 'CS', valueType), ...value];
  if (relationship) item.push(el(0x0040, 0xa010, 'CS', relationship));
  if (concept) item.push(seq(0x0040, 0xa043, codeItem(concept)));
  // Content Sequence is type 1C: present only when the item has children.
  if (children.length > 0) item.push(el(0x0040, 0xa730, 'SQ', children));
  return item;
}

/** UT text as the module comment says: LF, FF, CR kept, other control characters spaces, no trailing spaces. */
export function cleanUt(s: string): string {
  return s.replace(/\p{Cc}/gu, (c) => ('\n\f\r'.includes(c) ? c : ' ')).replace(/ +$/, '');
}

function textItem(relationship: Relationship, concept: CodedConcept, text: string, children: Item[] = []): Item {
  return contentItem(relationship, 'TEXT', concept, [el(0x0040, 0xa160, 'UT', text)], children);
}

function scoord3dItem(m: SrMeasurement, frameOfReferenceUid: string): Item {
  return contentItem('INFERRED FROM', 'SCOORD3D', null, [
    el(0x0070, 0x0023, 'CS', m.graphicType),
    el(0x0070, 0x0022, 'FL', m.points.flat()),
    el(0x3006, 0x0024, 'UI', frameOfReferenceUid),
  ]);
}

function answerItem(a: SrAnswer, frameOfReferenceUid: string): Item {
  const children = [textItem('HAS OBS CONTEXT', SR_CODES.trackingIdentifier, a.itemId)];
  switch (a.kind) {
    case 'code':
      return contentItem('CONTAINS', 'CODE', a.concept, [seq(0x0040, 0xa168, codeItem(a.value))], children);
    case 'text':
      return contentItem('CONTAINS', 'TEXT', a.concept, [el(0x0040, 0xa160, 'UT', cleanUt(a.value))], children);
    case 'num': {
      if (a.measurement) children.push(scoord3dItem(a.measurement, frameOfReferenceUid));
      return numItem(a.concept, a.value, a.unit, children);
    }
  }
}

function numItem(concept: CodedConcept, value: number, unit: SrUnit, children: Item[] = []): Item {
  const ds = formatDs(value);
  const measured: Item = [el(0x0040, 0xa30a, 'DS', ds), seq(0x0040, 0x08ea, codeItem({ value: unit.code, scheme: 'UCUM', meaning: unit.meaning }))];
  // A DS holds 16 characters; Floating Point Value (type 1C, PS3.3 Table C.18.1-1) carries the
  // exact double when the decimal string had to round it.
  if (Number(ds) !== value) measured.push(el(0x0040, 0xa161, 'FD', [value]));
  return contentItem('CONTAINS', 'NUM', concept, [seq(0x0040, 0xa300, measured)], children);
}

/** The read's quantification as one Imaging Measurements container (srQuantification.ts). */
function quantificationItem(q: SrQuantification): Item {
  const items: Item[] = [
    numItem(QUANT_CODES.involvementRight, q.involvementPct.right, UNITS.pct),
    numItem(QUANT_CODES.involvementLeft, q.involvementPct.left, UNITS.pct),
    numItem(QUANT_CODES.involvementTotal, q.involvementPct.total, UNITS.pct),
    numItem(QUANT_CODES.score6Zone, q.severityScore6Zone, UNITS.one),
  ];
  for (const lobe of q.lobes ?? []) items.push(numItem(LOBE_INVOLVEMENT_CODES[lobe.name], lobe.pct, UNITS.pct));
  if (q.severityScoreLobar !== undefined) items.push(numItem(QUANT_CODES.scoreLobar, q.severityScoreLobar, UNITS.one));
  for (const l of q.lesions) {
    const group: Item[] = [textItem('HAS OBS CONTEXT', SR_CODES.trackingIdentifier, `Lesion ${l.id}`)];
    for (const n of lesionNums(l)) group.push(numItem(n.concept, n.value, n.unit));
    if (l.lung !== 'none') group.push(contentItem('CONTAINS', 'CODE', QUANT_CODES.findingSite, [seq(0x0040, 0xa168, codeItem(LUNG_SITES[l.lung]))]));
    if (l.zone) group.push(textItem('CONTAINS', QUANT_CODES.lungZone, l.zone));
    items.push(contentItem('CONTAINS', 'CONTAINER', QUANT_CODES.measurementGroup, [el(0x0040, 0xa050, 'CS', 'SEPARATE')], group));
  }
  return contentItem('CONTAINS', 'CONTAINER', QUANT_CODES.imagingMeasurements, [el(0x0040, 0xa050, 'CS', 'SEPARATE')], items);
}

function checkQuantification(q: SrQuantification): void {
  const numbers = [q.involvementPct.right, q.involvementPct.left, q.involvementPct.total, q.severityScore6Zone, ...(q.lobes ?? []).map((l) => l.pct), ...(q.severityScoreLobar === undefined ? [] : [q.severityScoreLobar])];
  for (const l of q.lesions) numbers.push(...lesionNums(l).map((n) => n.value));
  if (!numbers.every(Number.isFinite)) throw new Error('the quantification holds a value that is not a finite number');
  for (const lobe of q.lobes ?? []) if (!LOBE_INVOLVEMENT_CODES[lobe.name]) throw new Error(`the quantification names an unknown lobe ${lobe.name}`);
}

// ---- input checks: what DICOM cannot hold is an error for the caller, not a silently changed file ----

function checkAnswer(a: SrAnswer, n: number): void {
  const where = `answer ${n + 1} (${a.itemId || 'no id'})`;
  if (!a.itemId || cleanUt(a.itemId) !== a.itemId) throw new Error(`${where}: the item id must be non-empty, without control characters or trailing spaces`);
  if (!a.concept.value.trim() || !a.concept.scheme.trim()) throw new Error(`${where}: the item's concept needs a code value and a scheme`);
  if (a.kind === 'code' && (!a.value.value.trim() || !a.value.scheme.trim())) throw new Error(`${where}: the chosen code needs a code value and a scheme`);
  if (a.kind === 'text' && cleanUt(a.value) === '') throw new Error(`${where}: the text is empty; leave unanswered items out`);
  if (a.kind !== 'num') return;
  if (!Number.isFinite(a.value)) throw new Error(`${where}: ${a.value} is not a number a NUM item can hold`);
  if (!a.unit.code.trim()) throw new Error(`${where}: the number needs a UCUM unit ("1" when it has none)`);
  const m = a.measurement;
  if (!m) return;
  const count = m.graphicType === 'ELLIPSE' ? m.points.length === 4 : m.graphicType === 'POLYLINE' ? m.points.length >= 2 : false;
  if (!count) throw new Error(`${where}: a ${m.graphicType} measurement with ${m.points.length} point(s) (POLYLINE needs 2 or more, ELLIPSE 4)`);
  if (!m.points.every((p) => p.length === 3 && p.every(Number.isFinite))) throw new Error(`${where}: measurement points must be finite (x, y, z) triplets`);
}

function uniqueUids(uids: readonly string[], what: string): string[] {
  return [...new Set(uids.map((u) => checkUid(u, what)))];
}

/** Current Requested Procedure Evidence (PS3.3 C.17.2.1): study, then series, then SOP instances. */
function evidence(input: SrEncodeInput): Item[] {
  const { source, seg } = input;
  const ctStudy = checkUid(source.studyInstanceUid, 'Study Instance UID');
  const ctInstances = uniqueUids(source.instanceUids, 'CT SOP Instance UID');
  if (ctInstances.length === 0) throw new Error('the CT series lists no images to reference as evidence');
  const ctClass = checkUid(source.sopClassUid, 'CT SOP Class UID');
  const sopItem = (classUid: string, instanceUid: string): Item => [el(0x0008, 0x1150, 'UI', classUid), el(0x0008, 0x1155, 'UI', instanceUid)];
  const series = (seriesUid: string, sops: Item[]): Item => [el(0x0020, 0x000e, 'UI', seriesUid), el(0x0008, 0x1199, 'SQ', sops)];
  const ctSeries = series(
    checkUid(source.seriesInstanceUid, 'CT Series Instance UID'),
    ctInstances.map((uid) => sopItem(ctClass, uid)),
  );
  const studies = new Map<string, Item[]>([[ctStudy, [ctSeries]]]);
  if (seg) {
    const segStudy = seg.studyInstanceUid ? checkUid(seg.studyInstanceUid, 'SEG Study Instance UID') : ctStudy;
    const segSeries = series(checkUid(seg.seriesInstanceUid, 'SEG Series Instance UID'), [
      sopItem(checkUid(seg.sopClassUid, 'SEG SOP Class UID'), checkUid(seg.sopInstanceUid, 'SEG SOP Instance UID')),
    ]);
    studies.set(segStudy, [...(studies.get(segStudy) ?? []), segSeries]);
  }
  return [...studies].map(([studyUid, seriesItems]) => [el(0x0020, 0x000d, 'UI', studyUid), el(0x0008, 0x1115, 'SQ', seriesItems)]);
}

/** Encodes the form as a Comprehensive 3D SR Part 10 file. Throws on input DICOM cannot hold. */
export function encodeSr(input: SrEncodeInput): Uint8Array {
  const { source, schema } = input;
  const sopInstanceUid = checkUid(input.sopInstanceUid, 'SOP Instance UID');
  const seriesInstanceUid = checkUid(input.seriesInstanceUid, 'SR Series Instance UID');
  const frameOfReferenceUid = checkUid(source.frameOfReferenceUid, 'Frame of Reference UID');
  const reader = cleanText(input.reader, 64);
  if (!reader) throw new Error("the reader's name is empty; the SR names its observer");
  const form = [schema.id, schema.version, schema.title].map(cleanUt);
  if (!form[0] || !form[1]) throw new Error('the form schema needs an id and a version');
  input.answers.forEach(checkAnswer);
  if (input.quantification) checkQuantification(input.quantification);

  const root = contentItem(null, 'CONTAINER', SR_CODES.document, [el(0x0040, 0xa050, 'CS', 'SEPARATE')], [
    textItem('HAS CONCEPT MOD', SR_CODES.formId, form[0]),
    textItem('HAS CONCEPT MOD', SR_CODES.formVersion, form[1]),
    ...(form[2] ? [textItem('HAS CONCEPT MOD', SR_CODES.formTitle, form[2])] : []),
    contentItem('HAS OBS CONTEXT', 'CODE', SR_CODES.observerType, [seq(0x0040, 0xa168, codeItem(SR_CODES.person))]),
    contentItem('HAS OBS CONTEXT', 'PNAME', SR_CODES.personObserverName, [el(0x0040, 0xa123, 'PN', reader)]),
    ...input.answers.map((a) => answerItem(a, frameOfReferenceUid)),
    ...(input.quantification ? [quantificationItem(input.quantification)] : []),
  ]);

  const when = input.contentDateTime;
  const date = dicomDate(when);
  const time = dicomTime(when);
  const sex = (source.patientSex ?? '').trim().toUpperCase();
  const dataset: Item = [
    ...root,
    // SOP Common
    el(0x0008, 0x0005, 'CS', 'ISO_IR 192'),
    el(0x0008, 0x0012, 'DA', date),
    el(0x0008, 0x0013, 'TM', time),
    el(0x0008, 0x0016, 'UI', COMPREHENSIVE_3D_SR_STORAGE),
    el(0x0008, 0x0018, 'UI', sopInstanceUid),
    el(0x0008, 0x0201, 'SH', timezoneOffset(when)),
    // Declares the private scheme the content tree uses (PS3.3 C.12.1.1.2).
    seq(0x0008, 0x0110, [
      el(0x0008, 0x0102, 'SH', PRIVATE_SCHEME),
      el(0x0008, 0x0115, 'ST', 'CT annotation workstation reading form codes'),
      el(0x0008, 0x0116, 'ST', EQUIPMENT.manufacturer),
    ]),
    // Patient (type 2 attributes written empty when the CT has none)
    el(0x0010, 0x0010, 'PN', cleanText(source.patientName, 64)),
    el(0x0010, 0x0020, 'LO', cleanText(source.patientId, 64)),
    el(0x0010, 0x0030, 'DA', cleanDate(source.patientBirthDate)),
    el(0x0010, 0x0040, 'CS', ['M', 'F', 'O'].includes(sex) ? sex : ''),
    // General Study
    el(0x0020, 0x000d, 'UI', checkUid(source.studyInstanceUid, 'Study Instance UID')),
    el(0x0008, 0x0020, 'DA', cleanDate(source.studyDate)),
    el(0x0008, 0x0030, 'TM', cleanTime(source.studyTime)),
    el(0x0008, 0x0090, 'PN', cleanText(source.referringPhysicianName, 64)),
    el(0x0020, 0x0010, 'SH', cleanText(source.studyId, 16)),
    el(0x0008, 0x0050, 'SH', cleanText(source.accessionNumber, 16)),
    ...(source.studyDescription?.trim() ? [el(0x0008, 0x1030, 'LO', cleanText(source.studyDescription, 64))] : []),
    // SR Document Series
    el(0x0008, 0x0060, 'CS', 'SR'),
    el(0x0020, 0x000e, 'UI', seriesInstanceUid),
    el(0x0020, 0x0011, 'IS', String(Math.trunc(input.seriesNumber))),
    el(0x0008, 0x0021, 'DA', date),
    el(0x0008, 0x0031, 'TM', time),
    el(0x0008, 0x103e, 'LO', cleanText(schema.title || schema.id, 64)),
    el(0x0008, 0x1111, 'SQ', []),
    // General Equipment
    el(0x0008, 0x0070, 'LO', EQUIPMENT.manufacturer),
    el(0x0008, 0x1090, 'LO', EQUIPMENT.manufacturerModelName),
    el(0x0018, 0x1000, 'LO', EQUIPMENT.deviceSerialNumber),
    el(0x0018, 0x1020, 'LO', EQUIPMENT.softwareVersions),
    // SR Document General
    el(0x0020, 0x0013, 'IS', String(Math.trunc(input.instanceNumber))),
    el(0x0040, 0xa491, 'CS', input.complete ? 'COMPLETE' : 'PARTIAL'),
    el(0x0040, 0xa493, 'CS', 'UNVERIFIED'),
    el(0x0008, 0x0023, 'DA', date),
    el(0x0008, 0x0033, 'TM', time),
    el(0x0040, 0xa372, 'SQ', []),
    el(0x0040, 0xa375, 'SQ', evidence(input)),
  ];

  const meta = metaBytes(COMPREHENSIVE_3D_SR_STORAGE, sopInstanceUid, IMPLEMENTATION_VERSION_NAME);
  const body = new ByteWriter(16 * 1024);
  writeItems(body, dataset);
  const out = new Uint8Array(meta.length + body.pos);
  out.set(meta, 0);
  out.set(body.bytes.subarray(0, body.pos), meta.length);
  return out;
}
