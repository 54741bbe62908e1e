// The figures of a read that are recomputed from the whole labelmap rather than kept live: the
// biomarkers of each lesion and, when the reader drew lobe segments, each lobe's involvement and
// the lobar score. Both need the whole volume (3D components, the lobe growth), a few hundred ms
// on a chest CT, so the quantification worker runs this once the reader pauses.
//
// A lesion is a 3D connected component of all lesion segments merged, not of each segment: a
// ground-glass rim painted as one segment around a consolidation painted as another is one lesion
// to a radiologist, and its ground-glass and consolidation fractions come from the HU anyway
// (lesionBiomarkers.ts), so splitting it by label would count one lesion twice with two wrong shapes.
import type { CtVolume } from './ctVolume.ts';
import { lesionBiomarkers, type LesionBiomarkers } from './lesionBiomarkers.ts';
import { lesionLookup, measureInvolvement, type LobeInvolvement } from './involvement.ts';
import { lobeRegions } from './lobeRegions.ts';
import { LOBE_NAMES } from './severityScore.ts';

export interface ReadFiguresRequest {
  /** the read's labelmap */
  labels: Uint8Array;
  /** label values that are lesions */
  lesionValues: number[];
  /** per lobe (LOBE_NAMES order), the label values of its segments; all empty when no lobe is drawn */
  lobeValues: number[][];
}

export interface ReadFigures {
  lesions: LesionBiomarkers[];
  /** null when the read has no lobe segment */
  lobes: LobeInvolvement[] | null;
  /** null without lobes, or while any of the five has no voxel */
  severity_score_lobar: number | null;
}

/**
 * The figures of a read with no lesion voxel and no lobe segment, known without the volume:
 * readFigures' answer there, given at once. A case just opened is that read, and running the
 * worker for it cost two full-size copies of the labelmap (the one sent, the lesion mask there)
 * at the moment of the open's peak memory. null: readFigures must run.
 */
export function figuresOfNothing(lesionVoxels: number, request: Pick<ReadFiguresRequest, 'lobeValues'>): ReadFigures | null {
  if (lesionVoxels > 0 || request.lobeValues.some((v) => v.length > 0)) return null;
  return { lesions: [], lobes: null, severity_score_lobar: null };
}

export function readFigures(ct: CtVolume, lungs: Uint8Array, request: ReadFiguresRequest): ReadFigures {
  const { labels, lesionValues, lobeValues } = request;
  const isLesion = lesionLookup(lesionValues);
  const lesion = new Uint8Array(labels.length);
  for (let n = 0; n < labels.length; n++) lesion[n] = isLesion[labels[n]];
  const lesions = lesionBiomarkers(ct, lesion, lungs);
  if (lobeValues.length !== LOBE_NAMES.length || lobeValues.every((v) => v.length === 0)) return { lesions, lobes: null, severity_score_lobar: null };
  const lobes = lobeRegions(labels, lungs, ct.dims, lobeValues, isLesion);
  const inv = measureInvolvement(lungs, labels, lesionValues, ct.dims, ct.spacing, ct.direction, lobes);
  return { lesions, lobes: inv.lobes ?? null, severity_score_lobar: inv.severity_score_lobar ?? null };
}
