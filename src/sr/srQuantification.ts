// The codes of the quantification in the SR (srEncoder.ts writes, srDecoder.ts reads) and the
// mapping from the workstation's figures to what the SR holds. No DICOM encoding here.
//
// Content (TID 1500-like, without claiming the template: no Procedure Reported, no Image Library):
//   CONTAINS CONTAINER (126010, DCM, "Imaging Measurements")
//     CONTAINS NUM  right / left / both-lung involvement (%), CT severity score 6 zones (1)
//     CONTAINS NUM  each lobe's involvement (%) and the lobar score (1), when lobes were drawn
//     CONTAINS CONTAINER (125007, DCM, "Measurement Group"), one per lesion, largest first
//       HAS OBS CONTEXT TEXT (112039, DCM, "Tracking Identifier") = "Lesion <rank>"
//       CONTAINS NUM  Volume (ml), Mean and Standard Deviation ([hnsf'U]), ground-glass and
//                     consolidation fractions (%), Diameter (mm), Sphericity (1), distance to pleura (mm)
//       CONTAINS CODE (363698007, SCT, "Finding Site") = the lung; TEXT lung zone
// Standard codes (SCT, DCM) where one means exactly the quantity; the rest are in our private
// scheme 99CTAW (PS3.16 8.2), declared in the Coding Scheme Identification Sequence.
import type { CodedConcept } from '../model/codedConcept.ts';
import type { Involvement } from '../quant/involvement.ts';
import type { ReadFigures } from '../quant/readFigures.ts';
import type { SrLesionMeasurements, SrQuantification, SrUnit } from './srModel.ts';

const P = '99CTAW';

export const QUANT_CODES = {
  imagingMeasurements: { value: '126010', scheme: 'DCM', meaning: 'Imaging Measurements' },
  measurementGroup: { value: '125007', scheme: 'DCM', meaning: 'Measurement Group' },
  involvementRight: { value: 'INV-RIGHT', scheme: P, meaning: 'Right lung involvement' },
  involvementLeft: { value: 'INV-LEFT', scheme: P, meaning: 'Left lung involvement' },
  involvementTotal: { value: 'INV-TOTAL', scheme: P, meaning: 'Lung involvement, both lungs' },
  score6Zone: { value: 'CTSS-6ZONE', scheme: P, meaning: 'CT severity score (6 zones, 0-30)' },
  scoreLobar: { value: 'CTSS-LOBAR', scheme: P, meaning: 'CT severity score (5 lobes, 0-25)' },
  volume: { value: '118565006', scheme: 'SCT', meaning: 'Volume' },
  mean: { value: '373098007', scheme: 'SCT', meaning: 'Mean' },
  sd: { value: '386136009', scheme: 'SCT', meaning: 'Standard Deviation' },
  ggo: { value: 'GGO-PCT', scheme: P, meaning: 'Ground-glass fraction' },
  consolidation: { value: 'CONS-PCT', scheme: P, meaning: 'Consolidation fraction' },
  // The largest distance between two voxel centres of the lesion, in 3D (not an in-plane axis).
  diameter: { value: '81827009', scheme: 'SCT', meaning: 'Diameter' },
  // No standard code for sphericity (π^(1/3)(6V)^(2/3)/A) exists in PS3.16.
  sphericity: { value: 'SPHERICITY', scheme: P, meaning: 'Sphericity' },
  pleuraDistance: { value: 'PLEURA-DIST', scheme: P, meaning: 'Distance to pleura' },
  findingSite: { value: '363698007', scheme: 'SCT', meaning: 'Finding Site' },
  lungZone: { value: 'LUNG-ZONE', scheme: P, meaning: 'Lung zone' },
} as const satisfies Record<string, CodedConcept>;

export const LOBE_INVOLVEMENT_CODES: Record<string, CodedConcept> = {
  RUL: { value: 'INV-RUL', scheme: P, meaning: 'Right upper lobe involvement' },
  RML: { value: 'INV-RML', scheme: P, meaning: 'Right middle lobe involvement' },
  RLL: { value: 'INV-RLL', scheme: P, meaning: 'Right lower lobe involvement' },
  LUL: { value: 'INV-LUL', scheme: P, meaning: 'Left upper lobe involvement' },
  LLL: { value: 'INV-LLL', scheme: P, meaning: 'Left lower lobe involvement' },
};

/** The lung a lesion lies in, as a Finding Site (SCT). */
export const LUNG_SITES: Record<Exclude<SrLesionMeasurements['lung'], 'none'>, CodedConcept> = {
  right: { value: '3341006', scheme: 'SCT', meaning: 'Right lung' },
  left: { value: '44029006', scheme: 'SCT', meaning: 'Left lung' },
  both: { value: '39607008', scheme: 'SCT', meaning: 'Lung' },
};

export const UNITS = {
  ml: { code: 'ml', meaning: 'milliliter' },
  hu: { code: "[hnsf'U]", meaning: 'Hounsfield unit' },
  pct: { code: '%', meaning: 'percent' },
  mm: { code: 'mm', meaning: 'millimeter' },
  one: { code: '1', meaning: 'no units' },
} as const satisfies Record<string, SrUnit>;

/** The NUM items of a lesion's group, in the order written; distance only when known. */
export function lesionNums(l: SrLesionMeasurements): Array<{ concept: CodedConcept; value: number; unit: SrUnit }> {
  const nums: Array<{ concept: CodedConcept; value: number; unit: SrUnit }> = [
    { concept: QUANT_CODES.volume, value: l.volumeMl, unit: UNITS.ml },
    { concept: QUANT_CODES.mean, value: l.huMean, unit: UNITS.hu },
    { concept: QUANT_CODES.sd, value: l.huSd, unit: UNITS.hu },
    { concept: QUANT_CODES.ggo, value: l.ggoPct, unit: UNITS.pct },
    { concept: QUANT_CODES.consolidation, value: l.consolidationPct, unit: UNITS.pct },
    { concept: QUANT_CODES.diameter, value: l.longestDiameterMm, unit: UNITS.mm },
    { concept: QUANT_CODES.sphericity, value: l.sphericity, unit: UNITS.one },
  ];
  if (l.distanceToPleuraMm !== null) nums.push({ concept: QUANT_CODES.pleuraDistance, value: l.distanceToPleuraMm, unit: UNITS.mm });
  return nums;
}

/** What the SR holds of the live involvement and the last figures (null: no lesion table yet). */
export function srQuantificationOf(involvement: Involvement, figures: ReadFigures | null): SrQuantification {
  const out: SrQuantification = {
    involvementPct: { ...involvement.involvement_pct },
    severityScore6Zone: involvement.severity_score_6zone,
    lesions: (figures?.lesions ?? []).map((b) => ({
      id: b.id,
      volumeMl: b.volume_ml,
      huMean: b.hu_mean,
      huSd: b.hu_sd,
      ggoPct: 100 * b.ggo_fraction,
      consolidationPct: 100 * b.consolidation_fraction,
      longestDiameterMm: b.longest_diameter_mm,
      sphericity: b.sphericity,
      distanceToPleuraMm: b.distance_to_pleura_mm,
      lung: b.lung,
      zone: b.zone,
    })),
  };
  if (figures?.lobes) {
    out.lobes = figures.lobes.map((l) => ({ name: l.name, pct: l.pct }));
    if (figures.severity_score_lobar !== null) out.severityScoreLobar = figures.severity_score_lobar;
  }
  return out;
}
