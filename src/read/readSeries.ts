// The series a reader's results of one case go into. Random UIDs (2.25 + a UUID), made on the
// first submit and kept in IndexedDB with the draft, so that nobody can compute them and claim
// them first (they used to be derived from the case and the reader's name, which another reader
// knows). Later submits reuse them; a result submitted on another device is found on the archive
// and its series taken over; reads submitted before the change keep their derived series.
import type { LocalDb, ReadSeriesRecord } from '../storage/localDb.ts';
import { fetchJson } from '../dicomweb/httpClient.ts';
import { getString, type DicomJsonDataset } from '../dicomweb/dicomJson.ts';
import { TAG } from '../dicomweb/tags.ts';
import { newUid, stableUid } from '../sync/dicomUid.ts';

/** The UIDs results had before version 4 of the local database (kept for reads submitted then). */
export async function legacySeriesUids(caseKey: string, user: string): Promise<{ seg: string; form: string }> {
  return { seg: await stableUid(`ctaw-seg-series/${caseKey}/${user}`), form: await stableUid(`ctaw-sr-series/${caseKey}/${user}`) };
}

/** The SEG series' description, by which this reader's results are found on the archive. */
export function segSeriesDescription(user: string): string {
  return `Lesion segmentation (${user})`.slice(0, 64);
}

/** A lead's consensus SEG series' description (the server records it as a consensus too). */
export function consensusSeriesDescription(lead: string): string {
  return `Consensus segmentation (${lead})`.slice(0, 64);
}

export function knownReadSeries(db: LocalDb, caseKey: string, user: string): Promise<ReadSeriesRecord | undefined> {
  return db.readSeries.get([caseKey, user]);
}

/** Keeps what was learnt (the first answer wins: a record is never replaced by another). */
export async function rememberReadSeries(db: LocalDb, record: Omit<ReadSeriesRecord, 'createdAt'>): Promise<ReadSeriesRecord> {
  return db.transaction('rw', db.readSeries, async () => {
    const existing = await db.readSeries.get([record.caseKey, record.user]);
    if (existing) return existing;
    const made = { ...record, createdAt: Date.now() };
    await db.readSeries.add(made);
    return made;
  });
}

/**
 * The series for a submit: the known ones; else, when this device sent results of the case
 * before version 4, the derived ones they went into; else new random ones.
 */
export async function seriesForSubmit(db: LocalDb, caseKey: string, user: string): Promise<ReadSeriesRecord> {
  const known = await knownReadSeries(db, caseKey, user);
  if (known) return known;
  const sentBefore = await db.outbox.where('[caseKey+user]').equals([caseKey, user]).count();
  if (sentBefore > 0) {
    const legacy = await legacySeriesUids(caseKey, user);
    return rememberReadSeries(db, { caseKey, user, segSeriesUid: legacy.seg, formSeriesUid: legacy.form, origin: 'legacy' });
  }
  return rememberReadSeries(db, { caseKey, user, segSeriesUid: newUid(), formSeriesUid: newUid(), origin: 'random' });
}

/**
 * SEG series in the study that may hold this reader's results, best first: the known one, the
 * legacy derived one, then those the archive lists under the reader's description (through the
 * gateway a reader sees only their own). Throws when the archive could not be asked.
 */
export async function candidateSegSeries(db: LocalDb, studyUid: string, caseKey: string, user: string, base = '/dicom-web', description = segSeriesDescription(user)): Promise<Array<{ seriesUid: string; origin: ReadSeriesRecord['origin'] }>> {
  const known = await knownReadSeries(db, caseKey, user);
  if (known) return [{ seriesUid: known.segSeriesUid, origin: known.origin }];
  const out: Array<{ seriesUid: string; origin: ReadSeriesRecord['origin'] }> = [{ seriesUid: (await legacySeriesUids(caseKey, user)).seg, origin: 'legacy' }];
  const rows = await fetchJson<DicomJsonDataset[]>(`${base}/studies/${studyUid}/series?Modality=SEG&includefield=0008103E`, { timeoutMs: 30_000 });
  for (const row of Array.isArray(rows) ? rows : []) {
    const uid = getString(row, TAG.SeriesInstanceUID);
    if (uid && getString(row, TAG.SeriesDescription) === description && !out.some((c) => c.seriesUid === uid)) out.push({ seriesUid: uid, origin: 'archive' });
  }
  return out;
}
