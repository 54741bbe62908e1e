// "Submit": the read as it is now goes into the outbox as one unit: the labelmap as a DICOM-SEG
// (encoded in the worker) and, when the study has a form, the answers and measurements as a
// DICOM SR that references that SEG. Each has its SOP Instance UID fixed once, so however often
// it is sent the archive stores it once. The sync engine takes it from there.
import type { SegEncodeInput, SegSource } from '../seg/segModel.ts';
import { segWorker, type SegWorkerClient } from '../seg/segWorkerClient.ts';
import type { DraftSegment as Segment } from '../model/segment.ts';
import type { LocalDb } from '../storage/localDb.ts';
import { newUid } from './dicomUid.ts';
import { segSeriesDescription } from '../read/readSeries.ts';
import { SEGMENTATION_STORAGE } from '../seg/segEncoder.ts';
import { encodeSr } from '../sr/srEncoder.ts';
import type { SrAnswer, SrFormSchema, SrQuantification } from '../sr/srModel.ts';

export interface ReadToSubmit {
  caseKey: string;
  user: string;
  source: SegSource;
  labels: Uint8Array;
  segments: Segment[];
  /** the highest Instance Number of this reader's results the archive was seen to hold (another device's) */
  serverInstanceNumber?: number;
  /** the series the results go into (src/read/readSeries.ts: random, kept with the draft) */
  series: { segSeriesUid: string; formSeriesUid: string };
  /** the SEG series' description; default: the reader's lesion segmentation */
  seriesDescription?: string;
  /** the read form, when the study has one (already validated) */
  form?: { schema: SrFormSchema; answers: SrAnswer[] };
  /** the read's measured figures for this labelmap, written into the form's SR (none without a form) */
  quantification?: SrQuantification;
}

export interface SubmittedRead {
  sopInstanceUid: string;
  formSopInstanceUid: string | null;
  frames: number;
  bytes: number;
  droppedVoxels: number;
}

/** A DICOM person name from what the reader typed ("Jane Doe" -> "Doe^Jane"). */
export function readerPersonName(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length < 2) return parts[0] ?? '';
  return `${parts[parts.length - 1]}^${parts.slice(0, -1).join(' ')}`.replace(/[\\=]/g, ' ');
}

/** `codec`: the SEG encoder (the shared worker; tests pass one that runs in place). */
export async function submitRead(db: LocalDb, read: ReadToSubmit, codec: Pick<SegWorkerClient, 'encode'> = segWorker()): Promise<SubmittedRead> {
  // Numbered after this device's earlier submissions and after any the archive holds from another.
  const local = await db.outbox.where('[caseKey+user]').equals([read.caseKey, read.user]).filter((o) => o.kind === 'seg').count();
  const previous = Math.max(local, read.serverInstanceNumber ?? 0);
  const sopInstanceUid = newUid();
  const input: SegEncodeInput = {
    source: read.source,
    labels: read.labels.slice(),
    segments: read.segments.map((s) => ({ value: s.value, label: s.label, color: s.color, category: s.category, type: s.type })),
    reader: readerPersonName(read.user),
    seriesDescription: read.seriesDescription ?? segSeriesDescription(read.user),
    // One SEG series per reader and case: each submission is the next instance in it.
    seriesInstanceUid: read.series.segSeriesUid,
    seriesNumber: 9001,
    instanceNumber: previous + 1,
    sopInstanceUid,
    contentDateTime: new Date(),
    contentLabel: 'LESIONS',
    contentDescription: 'COVID-19 lesion contours',
  };
  const result = await codec.encode(input, { transferLabels: true });
  const form = read.form ? await formSr(read, input, previous + 1) : null;
  const now = Date.now();
  await db.transaction('rw', db.outbox, db.syncLog, async () => {
    await db.outbox.add({ caseKey: read.caseKey, user: read.user, kind: 'seg', sopInstanceUid, state: 'waiting', attempts: 0, lastError: null, createdAt: now, body: result.bytes });
    await db.syncLog.add({ at: now, caseKey: read.caseKey, user: read.user, event: `queued seg ${sopInstanceUid}` });
    if (form) {
      // Queued after its SEG, so the archive never holds a form pointing at a SEG it lacks.
      await db.outbox.add({ caseKey: read.caseKey, user: read.user, kind: 'form', sopInstanceUid: form.sopInstanceUid, state: 'waiting', attempts: 0, lastError: null, createdAt: now + 1, body: form.bytes });
      await db.syncLog.add({ at: now, caseKey: read.caseKey, user: read.user, event: `queued form ${form.sopInstanceUid}` });
    }
  });
  return { sopInstanceUid, formSopInstanceUid: form?.sopInstanceUid ?? null, frames: result.frames, bytes: result.bytes.length, droppedVoxels: result.droppedVoxels };
}

async function formSr(read: ReadToSubmit, seg: SegEncodeInput, instanceNumber: number): Promise<{ sopInstanceUid: string; bytes: Uint8Array }> {
  const { source } = read;
  const slices = source.slices.filter((s): s is NonNullable<typeof s> => s !== null);
  const sopInstanceUid = newUid();
  const bytes = encodeSr({
    source: { ...source, sopClassUid: slices[0]?.sopClassUid ?? '1.2.840.10008.5.1.4.1.1.2', instanceUids: slices.map((s) => s.sopInstanceUid) },
    seg: { seriesInstanceUid: seg.seriesInstanceUid, sopInstanceUid: seg.sopInstanceUid, sopClassUid: SEGMENTATION_STORAGE },
    schema: read.form!.schema,
    answers: read.form!.answers,
    reader: seg.reader,
    sopInstanceUid,
    seriesInstanceUid: read.series.formSeriesUid,
    seriesNumber: 9002,
    instanceNumber,
    contentDateTime: seg.contentDateTime,
    complete: true,
    ...(read.quantification ? { quantification: read.quantification } : {}),
  });
  return { sopInstanceUid, bytes };
}
