// A case's agreement computed without opening it (the review queue fills in the cases that have
// none yet): the CT's series metadata, checked and placed on the grid the way the viewer does
// (checkSeries, buildVolumeGrid, ctSourceOf), each reader's latest SEG decoded on that grid and
// latest SR's answers (loadCaseReads), the form's items, the figures in the agreement worker,
// then kept by the server for exactly the versions of the reads they came from. A 409 means a
// reader stored a new result meanwhile: the reads are loaded and computed once more.
//
// A case that cannot be computed (a read with no SEG, a SEG that does not decode on the CT, reads
// on different grids, a case not complete, a series that is not a CT volume) comes back with its
// problems, for its row; nothing is stored then, and nothing on the archive is ever changed.
import { loadStudyConfig } from '../contouring/segmentConfig.ts';
import { getNumbers, type DicomJsonDataset } from '../dicomweb/dicomJson.ts';
import { fetchSeriesMetadata } from '../dicomweb/qido.ts';
import { checkSeries } from '../dicomweb/seriesValidation.ts';
import { TAG } from '../dicomweb/tags.ts';
import { allItems } from '../form/formSchema.ts';
import { loadFormSchema } from '../form/loadFormSchema.ts';
import type { QueueRead, ReviewQueueItem } from '../model/api.ts';
import { summarize, type CaseAgreement, type DisagreementSummary, type ReadVersion } from '../model/review.ts';
import type { SegDecodeTarget } from '../seg/segModel.ts';
import { segWorker } from '../seg/segWorkerClient.ts';
import type { SrAnswer } from '../sr/srModel.ts';
import { StaleAgreementError, fetchCaseAgreement, storeCaseAgreement } from '../study/reviewApi.ts';
import { ctSourceOf } from '../viewer/ctSource.ts';
import { buildVolumeGrid } from '../viewer/volumeGrid.ts';
import { agreementWorker } from './agreementWorkerClient.ts';
import { AgreementInputError, type AgreementFormItem, type AgreementInput, type AgreementRead } from './caseAgreement.ts';
import { CaseNotReadyError, answerText, loadCaseReads, type LoadedCase, type SegDecode } from './caseReads.ts';

export type CaseComputation =
  | { caseId: number; status: 'stored'; agreement: CaseAgreement; summary: DisagreementSummary }
  | { caseId: number; status: 'problem'; problems: string[] };

/** What the computation talks to; the defaults are the app's, tests give their own. */
export interface ComputeDeps {
  fetchSeriesMetadata: (studyUid: string, seriesUid: string) => Promise<DicomJsonDataset[]>;
  loadCaseReads: (caseId: number, studyUid: string, target: SegDecodeTarget, decode: SegDecode, pinned: readonly ReadVersion[]) => Promise<LoadedCase>;
  /** the versions of the case's reads as the server has them now (after a 409) */
  currentVersions: (caseId: number) => Promise<ReadVersion[]>;
  decode: SegDecode;
  formItems: () => Promise<AgreementFormItem[]>;
  compute: (input: AgreementInput) => Promise<CaseAgreement>;
  store: (agreement: CaseAgreement) => Promise<void>;
  now: () => Date;
}

let formItemsOnce: Promise<AgreementFormItem[]> | null = null;

/** The read form's items (the study configuration's form), loaded once; none when there is no form. */
export function studyFormItems(): Promise<AgreementFormItem[]> {
  formItemsOnce ??= (async () => {
    const config = await loadStudyConfig();
    if (!config.form) return [];
    const schema = await loadFormSchema(config.form);
    return allItems(schema).map((item) => ({ id: item.id, label: item.label, kind: item.type }));
  })();
  // A failure is not kept: the next case asks again.
  formItemsOnce.catch(() => {
    formItemsOnce = null;
  });
  return formItemsOnce;
}

export const APP_DEPS: ComputeDeps = {
  fetchSeriesMetadata: (studyUid, seriesUid) => fetchSeriesMetadata(studyUid, seriesUid),
  loadCaseReads: (caseId, studyUid, target, decode, pinned) => loadCaseReads(caseId, studyUid, target, decode, { pinned }),
  currentVersions: async (caseId) => (await fetchCaseAgreement(caseId)).versions,
  decode: (bytes, target) => segWorker().decode(bytes, target, { copy: true }),
  formItems: studyFormItems,
  compute: (input) => agreementWorker().compute(input),
  store: storeCaseAgreement,
  now: () => new Date(),
};

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** What the queue may say of a read's timing (the server sends more than QueueRead names). */
type TimedRead = QueueRead & { openedAt?: string | null; readingTimeS?: number | null };

/** From opening the case to the submit, in seconds; null when the server gives no opening time. */
export function readingTimeOf(read: TimedRead | undefined): number | null {
  if (!read) return null;
  if (typeof read.readingTimeS === 'number' && Number.isFinite(read.readingTimeS) && read.readingTimeS >= 0) return read.readingTimeS;
  if (!read.openedAt || !read.submittedAt) return null;
  const ms = Date.parse(read.submittedAt) - Date.parse(read.openedAt);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : null;
}

/** An SR's answers as text by item id (answerText: a code's meaning, a number with its unit, the text). */
export function answersById(answers: readonly SrAnswer[] | null): Record<string, string | null> | null {
  if (!answers) return null;
  const out: Record<string, string | null> = {};
  for (const a of answers) out[a.itemId] = answerText(a);
  return out;
}

/** The CT's grid as the viewer builds it, as a SEG decode target; or why the series cannot be one. */
export function decodeTargetOf(studyUid: string, seriesUid: string, metadata: DicomJsonDataset[]): { target: SegDecodeTarget; dims: [number, number, number]; spacingMm: [number, number, number] } | { problem: string } {
  const check = checkSeries(metadata);
  if (!check.ok) return { problem: check.message };
  const first = check.slices[0].dataset;
  const orientation = getNumbers(first, TAG.ImageOrientationPatient);
  if (!orientation) return { problem: 'The CT has no image orientation.' };
  const grid = buildVolumeGrid(check.slices, check.rows, check.columns, check.pixelSpacingMm, check.sliceSpacingMm, orientation);
  const source = ctSourceOf(studyUid, seriesUid, first, grid);
  return {
    target: { grid: source.grid, slices: source.slices, seriesInstanceUid: source.seriesInstanceUid, frameOfReferenceUid: source.frameOfReferenceUid },
    dims: grid.dimensions,
    spacingMm: grid.spacingMm,
  };
}

/** Computes the case's agreement and has the server keep it; problems come back, never thrown. */
export async function computeCaseAgreement(item: ReviewQueueItem, deps: ComputeDeps = APP_DEPS): Promise<CaseComputation> {
  const problem = (...problems: string[]): CaseComputation => ({ caseId: item.caseId, status: 'problem', problems });
  let grid: ReturnType<typeof decodeTargetOf>;
  let formItems: AgreementFormItem[];
  try {
    const metadata = await deps.fetchSeriesMetadata(item.studyInstanceUid, item.seriesInstanceUid);
    grid = decodeTargetOf(item.studyInstanceUid, item.seriesInstanceUid, metadata);
  } catch (err) {
    return problem(`The CT's metadata could not be fetched: ${message(err)}`);
  }
  if ('problem' in grid) return problem(grid.problem);
  try {
    formItems = await deps.formItems();
  } catch (err) {
    return problem(`The read form could not be loaded: ${message(err)}`);
  }
  const timing = new Map(item.reads.map((r) => [r.userId, readingTimeOf(r)]));

  let pinned: readonly ReadVersion[] = item.versions;
  for (let attempt = 1; ; attempt++) {
    let loaded: LoadedCase;
    try {
      if (attempt > 1) pinned = await deps.currentVersions(item.caseId);
      loaded = await deps.loadCaseReads(item.caseId, item.studyInstanceUid, grid.target, deps.decode, pinned);
    } catch (err) {
      if (err instanceof CaseNotReadyError) return problem(err.message);
      return problem(`The reads could not be loaded: ${message(err)}`);
    }
    const readProblems = loaded.reads.map((r) => r.problem).filter((p): p is string => p !== null);
    if (readProblems.length > 0) return problem(...readProblems.map((p) => p.charAt(0).toUpperCase() + p.slice(1) + '.'));
    if (loaded.reads.length < 2) return problem(`This case has ${loaded.reads.length} read; agreement needs two or more.`);

    const reads: AgreementRead[] = loaded.reads.map((r) => ({
      userId: r.userId,
      labels: r.labels,
      segments: r.segments.map((s) => ({ value: s.value, label: s.label })),
      answers: answersById(r.answers),
      readingTimeS: timing.get(r.userId) ?? null,
      severityScore: r.severityScore6Zone,
    }));
    let agreement: CaseAgreement;
    try {
      agreement = await deps.compute({ caseId: item.caseId, versions: loaded.versions, dims: grid.dims, spacingMm: grid.spacingMm, reads, formItems, computedAt: deps.now().toISOString() });
    } catch (err) {
      if (err instanceof AgreementInputError) return problem(err.message.charAt(0).toUpperCase() + err.message.slice(1) + '.');
      return problem(`The agreement could not be computed: ${message(err)}`);
    }
    try {
      await deps.store(agreement);
    } catch (err) {
      if (err instanceof StaleAgreementError && attempt === 1) continue;
      if (err instanceof StaleAgreementError) return problem('The reads changed again while the agreement was being computed; it was not kept. Try again later.');
      return problem(`The agreement could not be kept by the server: ${message(err)}`);
    }
    return { caseId: item.caseId, status: 'stored', agreement, summary: summarize(agreement) };
  }
}
