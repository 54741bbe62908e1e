// Reads back a reading form saved by srEncoder.ts (the content tree is described there), with the
// Part 10 reader the SEG decoder uses. It reads the form's own structure, not SRs in general: a
// file that is not an SR, an SR without the form identifier, or a content item of the form that
// cannot be read ends in an SrDecodeError whose message is meant for the user.
import { IMPLICIT_VRS, TAG as T } from '../dicom/dicomDictionary.ts';
import type { CodedConcept } from '../model/codedConcept.ts';
import { type DataSet, DicomParseError, type DicomReader, describeSopClass, first, items, type ParsedFile, parsePart10 } from '../dicom/part10Reader.ts';
import { SR_CODES } from './srEncoder.ts';
import type { DecodedSr, SrAnswer, SrLesionMeasurements, SrMeasurement, SrQuantification, SrSegReference } from './srModel.ts';
import { LOBE_INVOLVEMENT_CODES, LUNG_SITES, QUANT_CODES } from './srQuantification.ts';

/** A file that is not a readable reading form; the message is meant for the user. */
export class SrDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SrDecodeError';
  }
}

// Every SR Storage class (and Key Object Selection) lies under this root; whether the content is a
// form is decided by the content tree, so an SR converted to another SR class still reads.
const SR_CLASS_ROOT = '1.2.840.10008.5.1.4.1.1.88.';
const SEG_CLASSES = new Set(['1.2.840.10008.5.1.4.1.1.66.4', '1.2.840.10008.5.1.4.1.1.66.7']);



function concept(reader: DicomReader, item: DataSet | undefined): CodedConcept | undefined {
  if (!item) return undefined;
  const value = reader.string(item, T.CodeValue) || reader.string(item, T.LongCodeValue) || reader.string(item, T.URNCodeValue);
  if (!value) return undefined;
  return { value, scheme: reader.string(item, T.CodingSchemeDesignator) ?? '', meaning: reader.string(item, T.CodeMeaning) ?? '' };
}

function sameCode(a: CodedConcept | undefined, b: CodedConcept): boolean {
  return !!a && a.value === b.value && a.scheme === b.scheme;
}

interface ContentItem {
  relationship: string;
  valueType: string;
  concept?: CodedConcept;
  ds: DataSet;
}

function children(reader: DicomReader, ds: DataSet): ContentItem[] {
  return items(ds, T.ContentSequence).map((item) => ({
    relationship: reader.string(item, T.RelationshipType) ?? '',
    valueType: reader.string(item, T.ValueType) ?? '',
    concept: concept(reader, first(item, T.ConceptNameCodeSequence)),
    ds: item,
  }));
}

function measurement(reader: DicomReader, item: ContentItem, where: string): SrMeasurement {
  const graphicType = reader.string(item.ds, T.GraphicType) ?? '';
  const data = reader.numbers(item.ds, T.GraphicData) ?? [];
  if (graphicType !== 'POLYLINE' && graphicType !== 'ELLIPSE') throw new SrDecodeError(`${where} has a ${graphicType || 'untyped'} measurement; the form reads lines (POLYLINE) and ellipses.`);
  if (data.length === 0 || data.length % 3 !== 0 || !data.every(Number.isFinite)) throw new SrDecodeError(`${where} has a measurement whose points are not (x, y, z) triplets; the file is damaged.`);
  const points: SrMeasurement['points'] = [];
  for (let n = 0; n < data.length; n += 3) points.push([data[n], data[n + 1], data[n + 2]]);
  return { graphicType, points };
}

function answer(reader: DicomReader, item: ContentItem, n: number): SrAnswer {
  const where = `Answer ${n + 1} of the form`;
  const itemConcept = item.concept;
  if (!itemConcept) throw new SrDecodeError(`${where} has no concept name; the file is damaged.`);
  const kids = children(reader, item.ds);
  const tracking = kids.find((k) => k.valueType === 'TEXT' && k.relationship === 'HAS OBS CONTEXT' && sameCode(k.concept, SR_CODES.trackingIdentifier));
  // Without a Tracking Identifier (not written by this workstation) the id is empty; the caller
  // can still match the answer by its concept.
  const itemId = tracking ? (reader.text(tracking.ds, T.TextValue) ?? '') : '';
  switch (item.valueType) {
    case 'CODE': {
      const value = concept(reader, first(item.ds, T.ConceptCodeSequence));
      if (!value) throw new SrDecodeError(`${where} ("${itemConcept.meaning}") is a choice without a code; the file is damaged.`);
      return { itemId, concept: itemConcept, kind: 'code', value };
    }
    case 'TEXT':
      return { itemId, concept: itemConcept, kind: 'text', value: reader.text(item.ds, T.TextValue) ?? '' };
    case 'NUM': {
      const measured = first(item.ds, T.MeasuredValueSequence);
      const exact = reader.number(measured, T.FloatingPointValue);
      const value = exact ?? reader.number(measured, T.NumericValue);
      const unit = concept(reader, first(measured, T.MeasurementUnitsCodeSequence));
      if (value === undefined || !unit) throw new SrDecodeError(`${where} ("${itemConcept.meaning}") is a number without a value or unit; the file is damaged.`);
      const scoord = kids.find((k) => k.valueType === 'SCOORD3D' && k.relationship === 'INFERRED FROM');
      const out: SrAnswer = { itemId, concept: itemConcept, kind: 'num', value, unit: { code: unit.value, meaning: unit.meaning } };
      if (scoord) out.measurement = measurement(reader, scoord, `${where} ("${itemConcept.meaning}")`);
      return out;
    }
    default:
      throw new SrDecodeError(`${where} ("${itemConcept.meaning}") is a ${item.valueType || 'content item without a type'}; the form holds only choices, numbers and text.`);
  }
}

/** A NUM's value (the exact double when there is one), or undefined. */
function numValue(reader: DicomReader, item: ContentItem | undefined): number | undefined {
  if (!item) return undefined;
  const measured = first(item.ds, T.MeasuredValueSequence);
  return reader.number(measured, T.FloatingPointValue) ?? reader.number(measured, T.NumericValue);
}

/** The Imaging Measurements container written by srEncoder.ts (srQuantification.ts describes it). */
function quantification(reader: DicomReader, container: ContentItem): SrQuantification {
  const kids = children(reader, container.ds);
  const num = (list: ContentItem[], code: CodedConcept) => numValue(reader, list.find((k) => k.valueType === 'NUM' && sameCode(k.concept, code)));
  const must = (list: ContentItem[], code: CodedConcept, where: string): number => {
    const v = num(list, code);
    if (v === undefined) throw new SrDecodeError(`The measurements of ${where} have no ${code.meaning}; the file is damaged.`);
    return v;
  };
  const out: SrQuantification = {
    involvementPct: { right: must(kids, QUANT_CODES.involvementRight, 'the read'), left: must(kids, QUANT_CODES.involvementLeft, 'the read'), total: must(kids, QUANT_CODES.involvementTotal, 'the read') },
    severityScore6Zone: must(kids, QUANT_CODES.score6Zone, 'the read'),
    lesions: [],
  };
  const lobes = Object.entries(LOBE_INVOLVEMENT_CODES).flatMap(([name, code]) => {
    const pct = num(kids, code);
    return pct === undefined ? [] : [{ name, pct }];
  });
  if (lobes.length > 0) out.lobes = lobes;
  const lobar = num(kids, QUANT_CODES.scoreLobar);
  if (lobar !== undefined) out.severityScoreLobar = lobar;
  for (const group of kids.filter((k) => k.valueType === 'CONTAINER' && sameCode(k.concept, QUANT_CODES.measurementGroup))) {
    const g = children(reader, group.ds);
    const tracking = g.find((k) => k.valueType === 'TEXT' && sameCode(k.concept, SR_CODES.trackingIdentifier));
    const label = tracking ? (reader.text(tracking.ds, T.TextValue) ?? '') : '';
    const id = Number(/^Lesion (\d+)$/.exec(label)?.[1] ?? NaN);
    if (!Number.isInteger(id)) throw new SrDecodeError(`A lesion's measurements are not tracked as "Lesion <number>" (${label || 'none'}); the file is damaged.`);
    const where = `lesion ${id}`;
    const site = g.find((k) => k.valueType === 'CODE' && sameCode(k.concept, QUANT_CODES.findingSite));
    const siteCode = site ? concept(reader, first(site.ds, T.ConceptCodeSequence)) : undefined;
    const lung = (Object.entries(LUNG_SITES).find(([, c]) => sameCode(siteCode, c))?.[0] ?? 'none') as SrLesionMeasurements['lung'];
    const zoneItem = g.find((k) => k.valueType === 'TEXT' && sameCode(k.concept, QUANT_CODES.lungZone));
    out.lesions.push({
      id,
      volumeMl: must(g, QUANT_CODES.volume, where),
      huMean: must(g, QUANT_CODES.mean, where),
      huSd: must(g, QUANT_CODES.sd, where),
      ggoPct: must(g, QUANT_CODES.ggo, where),
      consolidationPct: must(g, QUANT_CODES.consolidation, where),
      longestDiameterMm: must(g, QUANT_CODES.diameter, where),
      sphericity: must(g, QUANT_CODES.sphericity, where),
      distanceToPleuraMm: num(g, QUANT_CODES.pleuraDistance) ?? null,
      lung,
      zone: zoneItem ? (reader.text(zoneItem.ds, T.TextValue) ?? null) : null,
    });
  }
  return out;
}

function segReference(reader: DicomReader, ds: DataSet): SrSegReference | undefined {
  for (const study of [...items(ds, T.CurrentRequestedProcedureEvidenceSequence), ...items(ds, T.PertinentOtherEvidenceSequence)]) {
    for (const series of items(study, T.ReferencedSeriesSequence)) {
      for (const sop of items(series, T.ReferencedSOPSequence)) {
        const sopClassUid = reader.string(sop, T.ReferencedSOPClassUID) ?? '';
        if (!SEG_CLASSES.has(sopClassUid)) continue;
        return {
          seriesInstanceUid: reader.string(series, T.SeriesInstanceUID) ?? '',
          sopInstanceUid: reader.string(sop, T.ReferencedSOPInstanceUID) ?? '',
          sopClassUid,
          studyInstanceUid: reader.string(study, T.StudyInstanceUID) ?? '',
        };
      }
    }
  }
  return undefined;
}

/** Decodes a reading form saved by encodeSr. Throws SrDecodeError for anything else. */
export function decodeSr(bytes: ArrayBuffer | Uint8Array): DecodedSr {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let parsed: ParsedFile;
  try {
    parsed = parsePart10(data, { implicitVrs: IMPLICIT_VRS, objectName: 'structured report', allowMissingFileMeta: true });
  } catch (e) {
    if (e instanceof DicomParseError) throw new SrDecodeError(e.message);
    throw new SrDecodeError(`The file is damaged and cannot be read as DICOM (${e instanceof Error ? e.message : String(e)}).`);
  }
  const { reader, ds } = parsed;
  const sopClass = reader.string(ds, T.SOPClassUID) ?? parsed.mediaSopClass;
  if (!sopClass?.startsWith(SR_CLASS_ROOT)) throw new SrDecodeError(`This file is not a reading form (a DICOM structured report); it is ${describeSopClass(sopClass)}.`);
  if (reader.string(ds, T.ValueType) !== 'CONTAINER') throw new SrDecodeError('This structured report has no root container; the file is damaged.');

  const top = children(reader, ds);
  const formText = (code: CodedConcept): string | undefined => {
    const item = top.find((k) => k.valueType === 'TEXT' && k.relationship === 'HAS CONCEPT MOD' && sameCode(k.concept, code));
    return item ? reader.text(item.ds, T.TextValue) : undefined;
  };
  const id = formText(SR_CODES.formId);
  if (!id) throw new SrDecodeError('This structured report is not a reading form of this workstation (it names no form).');
  const observer = top.find((k) => k.valueType === 'PNAME' && k.relationship === 'HAS OBS CONTEXT' && sameCode(k.concept, SR_CODES.personObserverName));
  const isQuant = (k: ContentItem) => k.valueType === 'CONTAINER' && sameCode(k.concept, QUANT_CODES.imagingMeasurements);
  const answers = top.filter((k) => k.relationship === 'CONTAINS' && !isQuant(k)).map((k, n) => answer(reader, k, n));
  const quant = top.find((k) => k.relationship === 'CONTAINS' && isQuant(k));
  const seg = segReference(reader, ds);
  return {
    sopInstanceUid: reader.string(ds, T.SOPInstanceUID) ?? '',
    seriesInstanceUid: reader.string(ds, T.SeriesInstanceUID) ?? '',
    studyInstanceUid: reader.string(ds, T.StudyInstanceUID) ?? '',
    reader: observer ? (reader.string(observer.ds, T.PersonName) ?? '') : '',
    schema: { id, version: formText(SR_CODES.formVersion) ?? '', title: formText(SR_CODES.formTitle) ?? '' },
    answers,
    ...(seg ? { seg } : {}),
    complete: reader.string(ds, T.CompletionFlag) === 'COMPLETE',
    ...(quant ? { quantification: quantification(reader, quant) } : {}),
  };
}
