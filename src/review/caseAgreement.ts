// The agreement of one complete case from its reads: every pair of readers' segmentations (each
// segment, matched across readers by its label, and all lesion segments merged), the form item by
// item, and what each read measured. Pure (no DOM, no fetch), so the agreement worker
// (workers/agreement.worker.ts), the tests and a Node command run the same code.
//
// Segments are matched by label, not by label value: two readers' SEGs number their segments in
// their own order (a segment added by hand, one deleted). A read whose values are not the case's
// common numbering is renumbered into a copy first, so that one label value selects one label in
// every read; the merged figure ("all lesions") compares every nonzero voxel and needs no copy.
import type { Dims, Spacing } from '../contouring/labelmapGrid.ts';
import type { FormItemType } from '../form/formSchema.ts';
import { pairAgreement } from '../metrics/pairAgreement.ts';
import type { CaseAgreement, FormItemAgreement, PairAgreement, ReadFigures, ReadVersion } from '../model/review.ts';
import { toPairFigures } from './pairFigures.ts';

export interface AgreementSegment {
  /** label value in the read's labelmap */
  value: number;
  label: string;
}

export interface AgreementRead {
  userId: number;
  /** the read's labelmap on the case's grid (i + nx·(j + ny·k)); null: the read has no segmentation */
  labels: Uint8Array | null;
  segments: AgreementSegment[];
  /** the read's form answers as text by item id (null or absent: not answered); null: no form */
  answers: Record<string, string | null> | null;
  /** from opening the case to the first submit (s); null when unknown */
  readingTimeS: number | null;
  /** the read's CT severity score where a quantification exists; null otherwise */
  severityScore?: number | null;
}

export interface AgreementFormItem {
  id: string;
  label: string;
  kind: FormItemType;
}

export interface AgreementInput {
  caseId: number;
  versions: ReadVersion[];
  /** [nx, ny, nz] of the CT grid */
  dims: Dims;
  /** mm between voxel centres along i, j, k */
  spacingMm: Spacing;
  reads: AgreementRead[];
  /** the form's items in form order (none when the study has no form) */
  formItems: AgreementFormItem[];
  /** ISO 8601 */
  computedAt: string;
}

export class AgreementInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgreementInputError';
  }
}

function voxelMl(spacing: Spacing): number {
  return (spacing[0] * spacing[1] * spacing[2]) / 1000;
}

/** Voxels per label value, one pass. */
function valueCounts(labels: Uint8Array): Float64Array {
  const counts = new Float64Array(256);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/** The labels of every read in one numbering: the first read's order, then each new label as it comes. */
export function commonNumbering(reads: readonly AgreementRead[]): Map<string, number> {
  const numbering = new Map<string, number>();
  for (const read of reads) {
    for (const s of read.segments) if (!numbering.has(s.label)) numbering.set(s.label, numbering.size + 1);
  }
  if (numbering.size > 255) throw new AgreementInputError(`the reads have ${numbering.size} different segment labels; at most 255 fit a one-byte labelmap`);
  return numbering;
}

/**
 * The read's labelmap in the common numbering: the same array when it already is, else a
 * renumbered copy. A value the segment list does not name (the SEG decoder never gives one) is
 * in no segment; it still counts in "all lesions", which compares the original labelmaps.
 */
function inNumbering(labels: Uint8Array, segments: readonly AgreementSegment[], counts: Float64Array, numbering: Map<string, number>): Uint8Array {
  const lookup = new Uint8Array(256);
  for (const s of segments) lookup[s.value] = numbering.get(s.label)!;
  let identity = true;
  for (let v = 1; v < 256 && identity; v++) if (counts[v] > 0 && lookup[v] !== v) identity = false;
  if (identity) return labels;
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = lookup[labels[i]];
  return out;
}

/** All answered, and all the same. */
function itemAgreement(item: AgreementFormItem, reads: readonly AgreementRead[]): FormItemAgreement {
  const answers = reads.map((r) => ({ userId: r.userId, answer: r.answers?.[item.id] ?? null }));
  const first = answers[0]?.answer ?? null;
  const agree = answers.length > 0 && answers.every((a) => a.answer !== null && a.answer === first);
  return { itemId: item.id, label: item.label, answers, agree };
}

/**
 * The case's agreement. Reads are taken in user id order; pairs are (lower id, higher id), A the
 * lower; only reads with a labelmap are paired. Throws AgreementInputError when a labelmap is not
 * on the grid.
 */
export function caseAgreement(input: AgreementInput): CaseAgreement {
  const [nx, ny, nz] = input.dims;
  const voxels = nx * ny * nz;
  const reads = [...input.reads].sort((a, b) => a.userId - b.userId);
  if (new Set(reads.map((r) => r.userId)).size !== reads.length) throw new AgreementInputError('a reader appears twice among the reads');
  for (const r of reads) {
    if (r.labels && r.labels.length !== voxels) {
      throw new AgreementInputError(`the segmentation of reader ${r.userId} has ${r.labels.length} voxels, not the ${nx}×${ny}×${nz} of the CT's grid: the reads are not on one grid`);
    }
  }
  const painted = reads.filter((r) => r.labels !== null);
  const numbering = commonNumbering(painted);
  const counts = new Map(painted.map((r) => [r.userId, valueCounts(r.labels!)]));
  const renumbered = new Map(painted.map((r) => [r.userId, inNumbering(r.labels!, r.segments, counts.get(r.userId)!, numbering)]));
  const labelsOf = (r: AgreementRead) => new Set(r.segments.map((s) => s.label));

  const pairs: PairAgreement[] = [];
  for (let i = 0; i < painted.length; i++) {
    for (let j = i + 1; j < painted.length; j++) {
      const a = painted[i];
      const b = painted[j];
      pairs.push({ userA: a.userId, userB: b.userId, segment: null, figures: figuresOf(a.labels!, b.labels!, input, undefined) });
      const inA = labelsOf(a);
      const inB = labelsOf(b);
      for (const [label, value] of numbering) {
        if (!inA.has(label) && !inB.has(label)) continue;
        pairs.push({ userA: a.userId, userB: b.userId, segment: label, figures: figuresOf(renumbered.get(a.userId)!, renumbered.get(b.userId)!, input, value) });
      }
    }
  }

  const ml = voxelMl(input.spacingMm);
  const readFigures: ReadFigures[] = reads.map((r) => ({
    userId: r.userId,
    lesionVolumeMl: r.labels ? (voxels - counts.get(r.userId)![0]) * ml : 0,
    severityScore: r.severityScore ?? null,
    answers: Object.fromEntries(input.formItems.map((item) => [item.id, r.answers?.[item.id] ?? null])),
    readingTimeS: r.readingTimeS,
  }));

  return {
    caseId: input.caseId,
    versions: input.versions,
    pairs,
    form: input.formItems.map((item) => itemAgreement(item, reads)),
    reads: readFigures,
    computedAt: input.computedAt,
  };
}

function figuresOf(a: Uint8Array, b: Uint8Array, input: AgreementInput, segment: number | undefined) {
  const figures = toPairFigures(pairAgreement(a, b, input.dims, input.spacingMm, segment === undefined ? {} : { segment }));
  // The review model keeps the size of the difference in % (|A − B| / mean); its sign is volumeDiffMl's.
  return { ...figures, volumeDiffPct: figures.volumeDiffPct === null ? null : Math.abs(figures.volumeDiffPct) };
}

// Worker protocol (workers/agreement.worker.ts <-> agreementWorkerClient.ts).
export interface AgreementWorkerRequest {
  id: number;
  input: AgreementInput;
}

export type AgreementWorkerResponse =
  | { id: number; ok: true; agreement: CaseAgreement }
  | { id: number; ok: false; error: { name: string; message: string } };
