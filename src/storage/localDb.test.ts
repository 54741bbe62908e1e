import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { LocalDb } from './localDb.ts';

describe('local database migrations', () => {
  it('opens a version 1 database written by the previous release, keeping its rows, and adds the tables of later versions', async () => {
    const name = 'migration-v1';
    // The schema as release 1 created it.
    const v1 = new Dexie(name);
    v1.version(1).stores({
      drafts: '[caseKey+user], updatedAt',
      draftSlices: '[caseKey+user+k], [caseKey+user]',
      segmentLists: '[caseKey+user]',
      formAnswers: '[caseKey+user+itemId], [caseKey+user]',
      outbox: '++id, [caseKey+user], state, createdAt',
      syncLog: '++id, at, [caseKey+user]',
    });
    await v1.table('drafts').put({ caseKey: 'a/b', user: 'Reader', version: 7, dims: [4, 4, 2], updatedAt: 1 });
    await v1.table('outbox').add({ caseKey: 'a/b', user: 'Reader', kind: 'seg', sopInstanceUid: '2.25.9', state: 'waiting', attempts: 0, lastError: null, createdAt: 2, body: new Uint8Array([1, 2, 3]) });
    v1.close();

    const db = new LocalDb(name);
    await db.open();
    expect(db.verno).toBe(5);
    expect((await db.drafts.get(['a/b', 'Reader']))?.version).toBe(7);
    const queued = await db.outbox.toArray();
    expect(queued.map((o) => [o.sopInstanceUid, o.state, Array.from(o.body)])).toEqual([['2.25.9', 'waiting', [1, 2, 3]]]);
    await db.offlineSeries.put({ studyUid: 's', seriesUid: 'r', frames: 3, bytes: 10, savedAt: 5 });
    expect(await db.offlineSeries.get(['s', 'r'])).toMatchObject({ frames: 3 });
    await db.quant.put({ caseKey: 'a/b', user: 'Reader', method: 'm', dims: [4, 4, 2], rightMl: 1, leftMl: 2, bytes: new Uint8Array([1]), updatedAt: 3 });
    expect(await db.quant.get(['a/b', 'Reader'])).toMatchObject({ rightMl: 1, leftMl: 2 });
    db.close();
  });
});
