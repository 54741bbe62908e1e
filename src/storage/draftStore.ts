// Saves and restores a reader's labelmap draft: the changed axial slices, compressed, each with
// the version of the save that wrote it, and the segment list, in one transaction.
import type { DraftSegment } from '../model/segment.ts';
import { compressSlice, decompressSlice } from './sliceCodec.ts';
import type { LocalDb } from './localDb.ts';

export interface DraftSnapshot {
  version: number;
  segments: DraftSegment[];
  activeValue: number;
  /** Slices restored into the labelmap. */
  slices: number;
}

export class DraftStore {
  constructor(
    private readonly db: LocalDb,
    private readonly caseKey: string,
    private readonly user: string,
  ) {}

  /**
   * Writes the given axial slices of `labels` (all-zero slices are removed) and the segment list.
   * Returns the new draft version.
   */
  async save(labels: Uint8Array, dims: readonly [number, number, number], slices: Iterable<number>, segments: DraftSegment[], activeValue: number): Promise<number> {
    const plane = dims[0] * dims[1];
    const changed: Array<{ k: number; bytes: Uint8Array | null }> = [];
    for (const k of slices) {
      const slice = labels.subarray(k * plane, (k + 1) * plane);
      // A copy: the reader keeps painting while the compression runs.
      changed.push({ k, bytes: isEmpty(slice) ? null : await compressSlice(slice.slice()) });
    }
    const { db, caseKey, user } = this;
    return db.transaction('rw', db.drafts, db.draftSlices, db.segmentLists, async () => {
      const previous = await db.drafts.get([caseKey, user]);
      const version = (previous?.version ?? 0) + 1;
      const now = Date.now();
      await db.drafts.put({ caseKey, user, version, dims: [dims[0], dims[1], dims[2]], updatedAt: now });
      const toDelete = changed.filter((c) => !c.bytes).map((c) => [caseKey, user, c.k] as [string, string, number]);
      const toPut = changed.filter((c) => c.bytes).map((c) => ({ caseKey, user, k: c.k, version, bytes: c.bytes! }));
      if (toDelete.length) await db.draftSlices.bulkDelete(toDelete);
      if (toPut.length) await db.draftSlices.bulkPut(toPut);
      await db.segmentLists.put({ caseKey, user, segments, activeValue, updatedAt: now });
      return version;
    });
  }

  /** Restores the draft into `labels` (which must be empty); null when there is none. */
  async restore(labels: Uint8Array, dims: readonly [number, number, number]): Promise<DraftSnapshot | null> {
    const { db, caseKey, user } = this;
    const [draft, list, rows] = await db.transaction('r', db.drafts, db.draftSlices, db.segmentLists, () =>
      Promise.all([db.drafts.get([caseKey, user]), db.segmentLists.get([caseKey, user]), db.draftSlices.where('[caseKey+user]').equals([caseKey, user]).toArray()]),
    );
    if (!draft || !list) return null;
    if (draft.dims.some((d, a) => d !== dims[a])) {
      throw new Error(`the saved draft was made on a ${draft.dims.join('×')} grid but this series is ${dims.join('×')}; it was kept and not loaded`);
    }
    const plane = dims[0] * dims[1];
    const decoded = await Promise.all(rows.map((r) => decompressSlice(r.bytes)));
    rows.forEach((r, n) => {
      if (decoded[n].length !== plane) throw new Error(`slice ${r.k} of the saved draft is damaged`);
      labels.set(decoded[n], r.k * plane);
    });
    return { version: draft.version, segments: list.segments, activeValue: list.activeValue, slices: rows.length };
  }

  async clear(): Promise<void> {
    const { db, caseKey, user } = this;
    await db.transaction('rw', db.drafts, db.draftSlices, db.segmentLists, async () => {
      await db.drafts.delete([caseKey, user]);
      await db.draftSlices.where('[caseKey+user]').equals([caseKey, user]).delete();
      await db.segmentLists.delete([caseKey, user]);
    });
  }
}

function isEmpty(slice: Uint8Array): boolean {
  // Eight bytes at a time: this runs for every changed slice of every save.
  const words = slice.byteOffset % 8 === 0 && slice.length % 8 === 0 ? new BigUint64Array(slice.buffer, slice.byteOffset, slice.length / 8) : null;
  if (words) {
    for (let n = 0; n < words.length; n++) if (words[n] !== 0n) return false;
    return true;
  }
  for (let n = 0; n < slice.length; n++) if (slice[n] !== 0) return false;
  return true;
}
