// The reads of a complete case as a lead sees them: each assigned reader's latest SEG decoded on
// the case's CT and latest SR's answers, with the versions (SOP UIDs) they are. A read that has
// no SEG (form only) or whose SEG does not decode is kept, with the reason, never dropped
// silently, and nothing stored is touched.
import type { CaseReads } from '../model/api.ts';
import type { ReadVersion } from '../model/review.ts';
import type { Segment } from '../model/segment.ts';
import type { DecodedSeg, SegDecodeTarget } from '../seg/segModel.ts';
import { decodeSr } from '../sr/srDecoder.ts';
import type { SrAnswer } from '../sr/srModel.ts';
import { fetchCaseReads } from '../study/studyApi.ts';
import { instanceInSeries, latestInSeries } from '../sync/serverResults.ts';

export interface LoadedRead {
  userId: number;
  username: string;
  displayName: string;
  /** the labelmap on the CT's grid; null: no SEG, or it could not be read (see problem) */
  labels: Uint8Array | null;
  segments: Segment[];
  segSopInstanceUid: string | null;
  srSopInstanceUid: string | null;
  answers: SrAnswer[] | null;
  /** the 6-zone CT severity score the read's SR carries (its quantification), null without one */
  severityScore6Zone: number | null;
  /** what is wrong with this read, for the screen */
  problem: string | null;
}

export interface LoadedCase {
  caseId: number;
  reads: LoadedRead[];
  versions: ReadVersion[];
}

export type SegDecode = (bytes: Uint8Array, target: SegDecodeTarget) => Promise<DecodedSeg>;

export class CaseNotReadyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaseNotReadyError';
  }
}

export interface LoadOptions {
  /** the reads as already listed (else asked of the server) */
  reads?: CaseReads;
  /** the exact results to load, by reader, as the server named them (the review queue's or the
   * kept agreement's versions): an agreement is kept only for the server's latest results, which
   * it orders by when they were stored, not by Instance Number */
  pinned?: readonly ReadVersion[];
  base?: string;
}

/** Every assigned read of the case, decoded on `target` (the CT the lead has open). */
export async function loadCaseReads(caseId: number, studyUid: string, target: SegDecodeTarget, decode: SegDecode, opts: LoadOptions = {}): Promise<LoadedCase> {
  const base = opts.base ?? '/dicom-web';
  const listed = opts.reads ?? (await fetchCaseReads(caseId));
  const pinnedOf = new Map((opts.pinned ?? []).map((v) => [v.userId, v]));
  const fetchResult = (series: string, pinnedSop: string | null | undefined) => (pinnedSop ? instanceInSeries(studyUid, series, pinnedSop, base) : latestInSeries(studyUid, series, base));
  if (!listed.complete) throw new CaseNotReadyError('This case is not ready for review: not every assigned reader has submitted.');
  const loaded = await Promise.all(
    listed.reads.map(async (read): Promise<LoadedRead> => {
      const out: LoadedRead = { userId: read.userId, username: read.username, displayName: read.displayName, labels: null, segments: [], segSopInstanceUid: null, srSopInstanceUid: null, answers: null, severityScore6Zone: null, problem: null };
      const segSeries = read.results?.find((r) => r.kind === 'seg');
      const srSeries = read.results?.find((r) => r.kind === 'sr');
      if (srSeries) {
        try {
          const sr = await fetchResult(srSeries.seriesInstanceUid, pinnedOf.get(read.userId)?.srSopInstanceUid);
          if (sr) {
            out.srSopInstanceUid = sr.sopInstanceUid;
            const decoded = decodeSr(sr.bytes);
            out.answers = decoded.answers;
            out.severityScore6Zone = decoded.quantification?.severityScore6Zone ?? null;
          }
        } catch (err) {
          out.problem = `the read form of ${read.displayName} could not be read: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
      if (!segSeries) {
        out.problem ??= `${read.displayName} submitted no segmentation (form only)`;
        return out;
      }
      try {
        const seg = await fetchResult(segSeries.seriesInstanceUid, pinnedOf.get(read.userId)?.segSopInstanceUid);
        if (!seg) {
          out.problem ??= `the segmentation of ${read.displayName} is not on the archive`;
          return out;
        }
        out.segSopInstanceUid = seg.sopInstanceUid;
        const decoded = await decode(seg.bytes, target);
        out.labels = decoded.labels;
        out.segments = decoded.segments;
      } catch (err) {
        out.problem ??= `the segmentation of ${read.displayName} could not be read on this CT: ${err instanceof Error ? err.message : String(err)}`;
      }
      return out;
    }),
  );
  return {
    caseId,
    reads: loaded,
    versions: loaded.map((r) => ({ userId: r.userId, segSopInstanceUid: r.segSopInstanceUid, srSopInstanceUid: r.srSopInstanceUid })),
  };
}

/** An answer as the screen and the statistics compare it: the code's meaning, the number with its unit, the text. */
export function answerText(answer: SrAnswer | undefined): string | null {
  if (!answer) return null;
  if (answer.kind === 'code') return answer.value.meaning;
  if (answer.kind === 'num') return `${answer.value}${answer.unit.code && answer.unit.code !== '1' ? ` ${answer.unit.code}` : ''}`;
  return answer.value;
}
