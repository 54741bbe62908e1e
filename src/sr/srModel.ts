// What the reader's structured form is saved as (a DICOM Comprehensive 3D SR, see srEncoder.ts),
// and what reading one back gives. No DICOM types here: the form code builds these plain objects.
import type { CodedConcept } from '../model/codedConcept.ts';
import type { SourceCtStudy } from '../seg/segModel.ts';

/** The CT the form was filled on: the SR's patient and study, and the images it references. */
export interface SrSourceCt extends SourceCtStudy {
  /** SOP Class of the CT images (all of one class, as in one series) */
  sopClassUid: string;
  /** SOP Instance UIDs of the series' images, listed as evidence */
  instanceUids: string[];
}

/** The reader's SEG submitted with the form. */
export interface SrSegReference {
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  /** The SEG's study; the CT's study when absent (our SEGs are written into the CT's study). */
  studyInstanceUid?: string;
}

/**
 * A line (POLYLINE, 2 points for a length) or an ellipse (ELLIPSE, 4 points: the major axis'
 * endpoints, then the minor axis' endpoints, PS3.3 C.18.9.1.2), in patient coordinates (mm) of the
 * CT's Frame of Reference. Stored as 32-bit floats (Graphic Data is FL): a point comes back as
 * Math.fround of each coordinate, within 1e-5 mm at chest-CT distances.
 */
export interface SrMeasurement {
  graphicType: 'POLYLINE' | 'ELLIPSE';
  points: Array<[number, number, number]>;
}

/**
 * One answered form item. `concept` is the question's code (the content item's Concept Name).
 * Unanswered items are left out: DICOM has no empty CODE, NUM or TEXT item.
 */
export type SrAnswer =
  | { itemId: string; concept: CodedConcept; kind: 'code'; value: CodedConcept }
  | { itemId: string; concept: CodedConcept; kind: 'num'; value: number; unit: SrUnit; measurement?: SrMeasurement }
  | { itemId: string; concept: CodedConcept; kind: 'text'; value: string };

/** A UCUM unit: code "mm", meaning "millimeter"; "1" for unitless counts and scores. */
export interface SrUnit {
  code: string;
  meaning: string;
}

/**
 * One lesion's figures (src/quant/lesionBiomarkers.ts), as a Measurement Group of the SR. The
 * fractions are written as % (UCUM has no "fraction"); the lung and zone only when the lesion lies
 * in a lung.
 */
export interface SrLesionMeasurements {
  /** rank by volume, 1 = largest; the group's Tracking Identifier is "Lesion <id>" */
  id: number;
  volumeMl: number;
  huMean: number;
  huSd: number;
  ggoPct: number;
  consolidationPct: number;
  longestDiameterMm: number;
  sphericity: number;
  distanceToPleuraMm: number | null;
  lung: 'right' | 'left' | 'both' | 'none';
  /** ZONE_NAMES value, or null */
  zone: string | null;
}

/** The quantification of the read at submit time: involvement, scores, per-lesion biomarkers. */
export interface SrQuantification {
  involvementPct: { right: number; left: number; total: number };
  severityScore6Zone: number;
  /** the five lobes (LOBE_NAMES order), when the reader drew lobe segments */
  lobes?: Array<{ name: string; pct: number }>;
  /** the 25-point score, when all five lobes have voxels */
  severityScoreLobar?: number;
  lesions: SrLesionMeasurements[];
}

export interface SrFormSchema {
  id: string;
  version: string;
  title: string;
}

export interface SrEncodeInput {
  source: SrSourceCt;
  seg?: SrSegReference;
  schema: SrFormSchema;
  /** in form order; decoding gives them back in this order */
  answers: SrAnswer[];
  /** DICOM PN, "Family^Given" */
  reader: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  seriesNumber: number;
  instanceNumber: number;
  /** when the form was submitted: Content Date/Time, in the local time zone with its offset */
  contentDateTime: Date;
  /** true: Completion Flag COMPLETE; false: PARTIAL (a draft, or items left unanswered) */
  complete: boolean;
  /** the read's measured figures, written as an Imaging Measurements container after the answers */
  quantification?: SrQuantification;
}

export interface DecodedSr {
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  /** the Person Observer Name, DICOM PN */
  reader: string;
  schema: SrFormSchema;
  answers: SrAnswer[];
  seg?: SrSegReference;
  complete: boolean;
  /** absent in SRs written before the quantification, or submitted without lungs */
  quantification?: SrQuantification;
}
