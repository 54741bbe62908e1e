import { describe, expect, it } from 'vitest';
import type { Queryable } from '../db/database.ts';
import { parseAnnouncement } from '../db/invalidationBus.ts';
import { AccessFacts } from './accessFacts.ts';

// The tables as the facts query sees them (one row per asked UID), and how often it was asked of
// each UID: a fake of the database's answer, not of what is decided from it.
function fakeTables() {
  const reader = 7;
  const rows = new Map<string, { cases: unknown[] | null; result: unknown }>([
    // the reader's own case CT
    ['ct.own', { cases: [{ id: 1, study_instance_uid: 's1', assigned: true }], result: null }],
    // another case's CT, not assigned to the reader (hidden from them)
    ['ct.other', { cases: [{ id: 2, study_instance_uid: 's2', assigned: false }], result: null }],
    // another reader's result series in the reader's own case (hidden from them)
    ['seg.other', { cases: null, result: { study_instance_uid: 's1', case_id: 1, user_id: 8, owner_assigned: true, case_complete: false } }],
    // the reader's own result series
    ['seg.own', { cases: null, result: { study_instance_uid: 's1', case_id: 1, user_id: reader, owner_assigned: true, case_complete: false } }],
  ]);
  const asked = new Map<string, number>();
  const db: Queryable = {
    query: (async (_text: string, params?: unknown[]) => {
      const uids = params![0] as string[];
      for (const u of uids) asked.set(u, (asked.get(u) ?? 0) + 1);
      // An unknown UID comes back with no cases and no result, as the real query answers it.
      return { rows: uids.map((uid) => ({ uid, cases: rows.get(uid)?.cases ?? null, result: rows.get(uid)?.result ?? null })) };
    }) as Queryable['query'],
  };
  return { db, asked, caller: { id: reader, role: 'reader' as const } };
}

const ALL = ['ct.own', 'ct.other', 'seg.other', 'seg.own', 'no.such.series'];

describe('AccessFacts', () => {
  it('keeps across a stored result only the case CTs the caller sees; hidden and missing series are asked again alike', async () => {
    const { db, asked, caller } = fakeTables();
    const facts = new AccessFacts(db, () => 1000);
    await facts.series(caller, ALL);
    await facts.series(caller, ALL);
    expect(Object.fromEntries(asked)).toEqual({ 'ct.own': 1, 'ct.other': 1, 'seg.other': 1, 'seg.own': 1, 'no.such.series': 1 });
    await facts.invalidate('results');
    const again = await facts.series(caller, ALL);
    expect(Object.fromEntries(asked)).toEqual({ 'ct.own': 1, 'ct.other': 2, 'seg.other': 2, 'seg.own': 2, 'no.such.series': 2 });
    // The kept facts are the same facts.
    expect(again.get('ct.own')).toEqual({ cases: [{ caseId: 1, studyUid: 's1', assignedToCaller: true }], result: null });
  });

  it('drops everything on a change of cases or assignments, and nothing on a sessions announcement', async () => {
    const { db, asked, caller } = fakeTables();
    const facts = new AccessFacts(db, () => 1000);
    await facts.series(caller, ALL);
    facts.dropCached('sessions');
    await facts.series(caller, ALL);
    expect([...asked.values()]).toEqual([1, 1, 1, 1, 1]);
    await facts.invalidate('access');
    await facts.series(caller, ALL);
    expect([...asked.values()]).toEqual([2, 2, 2, 2, 2]);
    facts.dropCached('all');
    await facts.series(caller, ALL);
    expect([...asked.values()]).toEqual([3, 3, 3, 3, 3]);
  });

  it('drops an entry whose query was still running when a result was stored', async () => {
    const { db, asked, caller } = fakeTables();
    const facts = new AccessFacts(db, () => 1000);
    const running = facts.series(caller, ['ct.own']);
    facts.dropCached('results');
    await running;
    await facts.series(caller, ['ct.own']);
    expect(asked.get('ct.own')).toBe(2);
  });

  it('announces each change with its scope', async () => {
    const { db, caller } = fakeTables();
    const facts = new AccessFacts(db, () => 1000);
    const heard: string[] = [];
    facts.shared = { announce: async (scope) => void heard.push(scope), live: () => true };
    await facts.series(caller, ['ct.own']);
    await facts.invalidate('results');
    await facts.invalidate();
    expect(heard).toEqual(['results', 'access']);
  });
});

describe('parseAnnouncement', () => {
  it('reads the scope, and takes a payload without a known scope (an older replica) for everything', () => {
    expect(parseAnnouncement('results:0b1c')).toEqual({ scope: 'results', id: '0b1c' });
    expect(parseAnnouncement('sessions:x:y')).toEqual({ scope: 'sessions', id: 'x:y' });
    expect(parseAnnouncement('5f0e6c1e-0000-4000-8000-000000000000')).toEqual({ scope: 'all', id: '5f0e6c1e-0000-4000-8000-000000000000' });
    expect(parseAnnouncement('frames:1')).toEqual({ scope: 'all', id: 'frames:1' });
  });
});
