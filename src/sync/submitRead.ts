// "Submit": the labelmap as it is now becomes a DICOM-SEG (encoded in the worker) in the
// outbox, with its SOP Instance UID fixed once, so however often it is sent the archive stores
// it once. The sync engine takes it from there.
import type { SegEncodeInput, SegSource } from '../seg/segModel.ts';
import { segWorker } from '../seg/segWorkerClient.ts';
import type { Segment } from '../stores/contouringStore.ts';
import type { LocalDb } from '../storage/localDb.ts';
import { newUid } from './dicomUid.ts';
import { readerSeriesUid } from './serverResults.ts';

export interface ReadToSubmit {
  caseKey: string;
  user: string;
  source: SegSource;
  labels: Uint8Array;
  segments: Segment[];
}

export interface SubmittedRead {
  sopInstanceUid: string;
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

export async function submitRead(db: LocalDb, read: ReadToSubmit): Promise<SubmittedRead> {
  const previous = await db.outbox.where('[caseKey+user]').equals([read.caseKey, read.user]).count();
  const sopInstanceUid = newUid();
  const input: SegEncodeInput = {
    source: read.source,
    labels: read.labels.slice(),
    segments: read.segments.map((s) => ({ value: s.value, label: s.label, color: s.color, category: s.category, type: s.type })),
    reader: readerPersonName(read.user),
    seriesDescription: `Lesion segmentation (${read.user})`.slice(0, 64),
    // One SEG series per reader and case: each submission is the next instance in it.
    seriesInstanceUid: await readerSeriesUid(read.caseKey, read.user),
    seriesNumber: 9001,
    instanceNumber: previous + 1,
    sopInstanceUid,
    contentDateTime: new Date(),
    contentLabel: 'LESIONS',
    contentDescription: 'COVID-19 lesion contours',
  };
  const result = await segWorker().encode(input, { transferLabels: true });
  await db.transaction('rw', db.outbox, db.syncLog, async () => {
    await db.outbox.add({ caseKey: read.caseKey, user: read.user, kind: 'seg', sopInstanceUid, state: 'waiting', attempts: 0, lastError: null, createdAt: Date.now(), body: result.bytes });
    await db.syncLog.add({ at: Date.now(), caseKey: read.caseKey, user: read.user, event: `queued seg ${sopInstanceUid}` });
  });
  return { sopInstanceUid, frames: result.frames, bytes: result.bytes.length, droppedVoxels: result.droppedVoxels };
}
