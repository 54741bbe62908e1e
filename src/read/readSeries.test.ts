import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { LocalDb } from '../storage/localDb.ts';
import { legacySeriesUids, seriesForSubmit } from './readSeries.ts';

let n = 0;
const freshDb = () => new LocalDb(`read-series-${n++}`);

describe("a reader's result series", () => {
  it('are random, not derived from the case and the reader, and kept for later submits and reloads', async () => {
    const db = freshDb();
    const first = await seriesForSubmit(db, 'study/ct', 'Ann');
    const legacy = await legacySeriesUids('study/ct', 'Ann');
    expect(first.origin).toBe('random');
    expect(first.segSeriesUid).toMatch(/^2\.25\.\d+$/);
    expect(first.segSeriesUid).not.toBe(legacy.seg);
    expect(first.formSeriesUid).not.toBe(legacy.form);
    expect(first.formSeriesUid).not.toBe(first.segSeriesUid);
    // Another reader, another case: other series; the same read again: the same.
    expect((await seriesForSubmit(db, 'study/ct', 'Bob')).segSeriesUid).not.toBe(first.segSeriesUid);
    expect((await seriesForSubmit(db, 'study/ct2', 'Ann')).segSeriesUid).not.toBe(first.segSeriesUid);
    db.close();
    const reopened = new LocalDb(db.name);
    expect(await seriesForSubmit(reopened, 'study/ct', 'Ann')).toEqual(first);
    reopened.close();
  });

  it('of a case this device submitted before version 4 stay the derived ones its results went into', async () => {
    const name = `read-series-v3-${n++}`;
    // The schema as release 3 created it, with a result sent and a draft kept.
    const v3 = new Dexie(name);
    v3.version(1).stores({
      drafts: '[caseKey+user], updatedAt',
      draftSlices: '[caseKey+user+k], [caseKey+user]',
      segmentLists: '[caseKey+user]',
      formAnswers: '[caseKey+user+itemId], [caseKey+user]',
      outbox: '++id, [caseKey+user], state, createdAt',
      syncLog: '++id, at, [caseKey+user]',
    });
    v3.version(2).stores({ offlineSeries: '[studyUid+seriesUid], savedAt' });
    v3.version(3).stores({ measurements: '[caseKey+user+id], [caseKey+user]' });
    await v3.table('outbox').add({ caseKey: 'study/ct', user: 'Ann', kind: 'seg', sopInstanceUid: '2.25.9', state: 'sent', attempts: 1, lastError: null, createdAt: 2, body: new Uint8Array(0) });
    await v3.table('drafts').put({ caseKey: 'study/ct', user: 'Ann', version: 3, dims: [4, 4, 2], updatedAt: 1 });
    v3.close();

    const db = new LocalDb(name);
    await db.open();
    expect(db.verno).toBe(5);
    expect((await db.drafts.get(['study/ct', 'Ann']))?.version).toBe(3);
    const legacy = await legacySeriesUids('study/ct', 'Ann');
    expect(await seriesForSubmit(db, 'study/ct', 'Ann')).toMatchObject({ segSeriesUid: legacy.seg, formSeriesUid: legacy.form, origin: 'legacy' });
    // A case never submitted from here gets random ones.
    expect((await seriesForSubmit(db, 'study/other', 'Ann')).origin).toBe('random');
    db.close();
  });
});
