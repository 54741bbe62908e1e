// A segment: what one label value of a labelmap stands for. The same object is painted, saved in
// the draft, written into a DICOM-SEG and read back from one (PS3.3 C.8.20.2, Segment Sequence).
import type { CodedConcept } from './codedConcept.ts';
import type { Rgb } from './color.ts';

/** A segment as the study configuration lists it: label, colour and the codes a SEG needs. */
export interface SegmentDefinition {
  label: string;
  color: Rgb;
  /** Segmented Property Category Code */
  category: CodedConcept;
  /** Segmented Property Type Code */
  type: CodedConcept;
}

/** A segment of a labelmap: a definition with its label value. */
export interface Segment extends SegmentDefinition {
  /** label value in the labelmap (1-255) */
  value: number;
}

/** A segment as the reader edits it; saved with the draft, so a reload keeps what was hidden or locked. */
export interface DraftSegment extends Segment {
  visible: boolean;
  locked: boolean;
}

/**
 * The segment list a read starts with: the study's segments in their order, label value = position
 * + 1 (as a SEG numbers its segments), all shown and unlocked.
 */
export function initialSegments(definitions: readonly SegmentDefinition[]): DraftSegment[] {
  return definitions.map((s, n) => ({ ...s, value: n + 1, visible: true, locked: false }));
}

/** Colours for segments added by hand, after the configured ones (and for a SEG's segment without one). */
export const EXTRA_COLORS: Rgb[] = [
  [120, 220, 120], [200, 120, 255], [255, 130, 200], [60, 220, 220], [255, 255, 110], [170, 110, 60],
];
