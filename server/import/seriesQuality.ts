// Quality checks of an imported series before a reading-study case is made of it (issue 20). The
// viewer's own check (src/dicomweb/seriesValidation.ts) decides whether a series can be shown and
// warns in words; here each problem is a named rule with a severity an admin can change, since a
// research dataset wants what the viewer tolerates (a gap, thick slices) refused. The thresholds
// for a gap and for uneven spacing are the viewer's, so both name the same slices.
import type { DataSet, DicomReader } from '../../src/dicom/part10Reader.ts';

export type RuleId =
  | 'not-ct'
  | 'no-geometry'
  | 'size-mismatch'
  | 'frames-of-reference'
  | 'mixed-orientation'
  | 'duplicate-positions'
  | 'missing-slices'
  | 'uneven-spacing'
  | 'slice-thickness'
  | 'chest-coverage';
export type Severity = 'refuse' | 'warn';

export interface QualityRules {
  maxSliceThicknessMm: number;
  /** Extent along the body axis a chest CT covers at the least (apex to bases, ~25 cm in adults; 150 mm leaves room for small patients). */
  minExtentMm: number;
  severity: Record<RuleId, Severity>;
}

export const DEFAULT_RULES: QualityRules = {
  maxSliceThicknessMm: 5,
  minExtentMm: 150,
  severity: {
    'not-ct': 'refuse',
    'no-geometry': 'refuse',
    'size-mismatch': 'refuse',
    'frames-of-reference': 'refuse',
    'mixed-orientation': 'refuse',
    'duplicate-positions': 'refuse',
    'missing-slices': 'warn',
    'uneven-spacing': 'warn',
    'slice-thickness': 'refuse',
    'chest-coverage': 'refuse',
  },
};

export interface SliceFacts {
  sopInstanceUid: string;
  modality?: string;
  frameOfReferenceUid?: string;
  positionMm?: number[];
  orientation?: number[];
  pixelSpacingMm?: number[];
  sliceThicknessMm?: number;
  rows?: number;
  columns?: number;
}

export interface QualityProblem {
  rule: RuleId;
  severity: Severity;
  message: string;
}

export interface SeriesQuality {
  verdict: 'accepted' | 'warned' | 'refused';
  problems: QualityProblem[];
  slices: number;
  extentMm: number | null;
  spacingMm: number | null;
}

const SPACING_TOLERANCE = 0.05;
const GAP_FACTOR = 1.5;
const POSITION_EPSILON_MM = 1e-3;

/** The facts of one slice, from a source file as the Part 10 reader indexed it. */
export function sliceFactsOf(reader: DicomReader, ds: DataSet, sopInstanceUid: string): SliceFacts {
  return {
    sopInstanceUid,
    modality: reader.string(ds, 0x00080060),
    frameOfReferenceUid: reader.string(ds, 0x00200052),
    positionMm: reader.numbers(ds, 0x00200032),
    orientation: reader.numbers(ds, 0x00200037),
    pixelSpacingMm: reader.numbers(ds, 0x00280030),
    sliceThicknessMm: reader.number(ds, 0x00180050),
    rows: reader.number(ds, 0x00280010),
    columns: reader.number(ds, 0x00280011),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function checkSeriesQuality(slices: SliceFacts[], rules: QualityRules = DEFAULT_RULES): SeriesQuality {
  const problems: QualityProblem[] = [];
  const problem = (rule: RuleId, message: string): void => {
    problems.push({ rule, severity: rules.severity[rule], message });
  };
  const done = (extentMm: number | null, spacingMm: number | null): SeriesQuality => ({
    verdict: problems.some((p) => p.severity === 'refuse') ? 'refused' : problems.length ? 'warned' : 'accepted',
    problems,
    slices: slices.length,
    extentMm,
    spacingMm,
  });

  const notCt = slices.filter((s) => s.modality !== 'CT');
  if (notCt.length) problem('not-ct', `not a CT series: ${notCt.length} image(s) of modality ${[...new Set(notCt.map((s) => s.modality ?? 'unknown'))].join(', ')}`);

  const frames = new Set(slices.map((s) => s.frameOfReferenceUid ?? ''));
  if (frames.size > 1) problem('frames-of-reference', `${frames.size} frames of reference in one series: positions come from different acquisitions`);

  const placed = slices.filter((s) => s.positionMm?.length === 3 && s.orientation?.length === 6 && s.pixelSpacingMm?.length === 2 && s.rows && s.columns);
  if (placed.length < slices.length) {
    problem('no-geometry', `${slices.length - placed.length} image(s) without position, orientation or pixel spacing`);
    if (placed.length === 0) return done(null, null);
  }
  const sizes = new Set(placed.map((s) => `${s.rows}x${s.columns}`));
  if (sizes.size > 1) problem('size-mismatch', `images of different sizes (${[...sizes].join(', ')})`);

  const iop = placed[0].orientation!;
  const mixed = placed.filter((s) => s.orientation!.some((v, i) => Math.abs(v - iop[i]) > 1e-3));
  if (mixed.length) problem('mixed-orientation', `${mixed.length} image(s) with another orientation (a localizer?)`);

  const normal = [iop[1] * iop[5] - iop[2] * iop[4], iop[2] * iop[3] - iop[0] * iop[5], iop[0] * iop[4] - iop[1] * iop[3]];
  const along = placed.map((s) => s.positionMm![0] * normal[0] + s.positionMm![1] * normal[1] + s.positionMm![2] * normal[2]).sort((a, b) => a - b);
  const steps = along.slice(1).map((z, i) => z - along[i]);
  const duplicates = steps.filter((d) => d < POSITION_EPSILON_MM).length;
  if (duplicates) problem('duplicate-positions', `${duplicates} image(s) at the position of another image`);
  const distinct = steps.filter((d) => d >= POSITION_EPSILON_MM);
  const extentMm = along.length ? along[along.length - 1] - along[0] : 0;
  let spacingMm: number | null = null;
  if (distinct.length) {
    const step = median(distinct);
    spacingMm = step;
    const gaps = distinct.filter((d) => d > GAP_FACTOR * step);
    if (gaps.length) {
      const missing = gaps.reduce((n, d) => n + Math.round(d / step) - 1, 0);
      problem('missing-slices', `about ${missing} slice(s) missing (a gap of ${Math.max(...gaps).toFixed(1)} mm where the spacing is ${step.toFixed(2)} mm)`);
    }
    const uneven = distinct.filter((d) => d <= GAP_FACTOR * step && Math.abs(d - step) > SPACING_TOLERANCE * step);
    if (uneven.length) problem('uneven-spacing', `uneven slice spacing: ${uneven.length} step(s) differ from ${step.toFixed(2)} mm`);
  }
  const thickness = Math.max(...placed.map((s) => s.sliceThicknessMm ?? spacingMm ?? 0));
  if (thickness > rules.maxSliceThicknessMm) problem('slice-thickness', `slices ${thickness.toFixed(2)} mm thick (at most ${rules.maxSliceThicknessMm} mm)`);
  if (extentMm < rules.minExtentMm) problem('chest-coverage', `the slices cover ${extentMm.toFixed(0)} mm, less than a chest (${rules.minExtentMm} mm)`);
  return done(extentMm, spacingMm);
}
