// Which segments of a read are lesions: the quantification (involvement, scores, biomarkers) and
// the dataset export count the same ones. Pure; imports only the domain model.
import type { DraftSegment } from '../model/segment.ts';

// SNOMED CT codes of the lungs and lobes (Segmented Property Type): segments of these types are
// anatomy the reader drew, not lesions, and count in no involvement.
const LUNG_OR_LOBE_CODES = new Set(['39607008', '3341006', '44029006', '45653009', '72481006', '266005', '44714003', '90572001', '41224006']);

/** Whether a segment of the read counts as lesion: every segment unless its type says lung or lobe. */
export function isLesionSegment(segment: Pick<DraftSegment, 'type' | 'label'>): boolean {
  if (LUNG_OR_LOBE_CODES.has(segment.type.value)) return false;
  // By meaning for codes of other schemes; "Lung consolidation" is a lesion, so only a type that
  // is the lung itself, or names a lobe, is anatomy.
  return !/^((right|left) )?lungs?$|\blobe\b/i.test(segment.type.meaning.trim());
}
