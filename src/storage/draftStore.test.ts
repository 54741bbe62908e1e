import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { LocalDb } from './localDb.ts';
import { DraftStore } from './draftStore.ts';
import type { DraftSegment } from '../model/segment.ts';

const dims = [16, 8, 5] as const;
const plane = dims[0] * dims[1];
const segments: DraftSegment[] = [
  { value: 1, label: 'GGO', color: [1, 2, 3], category: { value: 'c', scheme: 'SCT', meaning: 'C' }, type: { value: 't', scheme: 'SCT', meaning: 'T' }, visible: true, locked: false },
];
let dbCount = 0;
const freshDb = () => new LocalDb(`test-${++dbCount}`);

describe('draft store', () => {
  it('restores the labelmap byte for byte from the changed slices, with the segment list', async () => {
    const db = freshDb();
    const store = new DraftStore(db, 'study/series', 'reader A');
    const labels = new Uint8Array(plane * dims[2]);
    labels.fill(1, plane * 1 + 3, plane * 1 + 40);
    labels.fill(2, plane * 3, plane * 3 + 7);
    expect(await store.save(labels, dims, [1, 3], segments, 1)).toBe(1);
    labels.fill(0, plane * 3, plane * 4);
    labels[plane * 4 + 5] = 1;
    expect(await store.save(labels, dims, [3, 4], segments, 1)).toBe(2);

    const back = new Uint8Array(labels.length);
    const snap = await new DraftStore(db, 'study/series', 'reader A').restore(back, dims);
    expect(back).toEqual(labels);
    expect(snap).toMatchObject({ version: 2, activeValue: 1, slices: 2 });
    expect(snap!.segments).toEqual(segments);
    // The emptied slice is gone from the store, not kept as a row of zeros.
    expect(await db.draftSlices.count()).toBe(2);
  });

  it('keeps readers and cases apart', async () => {
    const db = freshDb();
    const labels = new Uint8Array(plane * dims[2]).fill(1);
    await new DraftStore(db, 'study/series', 'reader A').save(labels, dims, [0], segments, 1);
    expect(await new DraftStore(db, 'study/series', 'reader B').restore(new Uint8Array(labels.length), dims)).toBeNull();
    expect(await new DraftStore(db, 'study/other', 'reader A').restore(new Uint8Array(labels.length), dims)).toBeNull();
  });

  it('refuses a draft made on another grid, with a message', async () => {
    const db = freshDb();
    const store = new DraftStore(db, 'study/series', 'reader A');
    await store.save(new Uint8Array(plane * dims[2]).fill(1), dims, [0], segments, 1);
    await expect(store.restore(new Uint8Array(16 * 8 * 6), [16, 8, 6])).rejects.toThrow(/16×8×5 grid/);
  });
});
