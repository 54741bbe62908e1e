// The reading-study API against the real gateway and a real Orthanc: an admin creates a study,
// adds CT series as cases (checked in Orthanc), assigns readers (seeded, balanced, editable by
// hand); leads follow progress; readers get their study's form and nothing about the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import { planAssignments } from '../../server/study/assignmentPlan.ts';
import { type Gateway, type PhantomCt, type Who, addUser, api, ctFiles, login, orthanc, phantomCt, randomUid, segOf, startGateway, stow } from './blindingStack.ts';
import { openTestPglite } from './dbServers.ts';

let archive: { url: string; stop: () => void };
let db: Database;
let gw: Gateway;
const ids: Record<string, number> = {};
const who: Record<string, Who & { cookie: string; csrf: string }> = {};
const cts: PhantomCt[] = [];

beforeAll(async () => {
  archive = await orthanc();
  db = await openTestPglite();
  gw = await startGateway(archive.url, db);
  for (const [name, role] of [['admin', 'admin'], ['lead', 'lead'], ['r1', 'reader'], ['r2', 'reader'], ['r3', 'reader'], ['r4', 'reader'], ['r5', 'reader']] as const) {
    ids[name] = await addUser(gw.app, name, role);
    who[name] = await login(gw, name);
  }
  for (let i = 0; i < 6; i++) {
    const ct = phantomCt(`studies-${i}`, 2);
    const up = await stow(gw, who.admin, ctFiles(ct));
    expect(up.status, up.text).toBe(200);
    cts.push(ct);
  }
}, 120_000);

afterAll(async () => {
  await gw?.app.close();
  await db?.close();
  archive?.stop();
});

async function newStudy(seed: string, readersPerCase = 2): Promise<number> {
  const res = await api(gw, who.admin, 'POST', '/api/studies', {
    name: `Study ${randomUid()}`,
    readersPerCase,
    seed,
    formSchema: { id: 'chest', version: '1' },
    segmentList: [{ value: 1, label: 'GGO' }],
  });
  expect(res.status, res.text).toBe(201);
  return res.json<{ study: { id: number } }>().study.id;
}

async function addAllCases(studyId: number): Promise<number[]> {
  const res = await api(gw, who.admin, 'POST', `/api/studies/${studyId}/cases`, { cases: cts.map((c) => ({ studyInstanceUid: c.studyUid, seriesInstanceUid: c.seriesUid })) });
  expect(res.status, res.text).toBe(201);
  return res.json<{ cases: Array<{ id: number }> }>().cases.map((c) => c.id);
}

describe('studies and cases', () => {
  it('admins create studies; names are unique; leads list them; readers may not', async () => {
    const id = await newStudy('s1');
    const list = await api(gw, who.lead, 'GET', '/api/studies');
    expect(list.status).toBe(200);
    expect(list.json<{ studies: Array<{ id: number; readersPerCase: number; seed: string; formSchema: unknown }> }>().studies.find((s) => s.id === id)).toMatchObject({ readersPerCase: 2, seed: 's1', formSchema: { id: 'chest', version: '1' } });
    expect((await api(gw, who.r1, 'GET', '/api/studies')).status).toBe(403);
    expect((await api(gw, who.lead, 'POST', '/api/studies', { name: 'x' })).status).toBe(403);
    const name = list.json<{ studies: Array<{ id: number; name: string }> }>().studies.find((s) => s.id === id)!.name;
    expect((await api(gw, who.admin, 'POST', '/api/studies', { name })).status).toBe(409);
    expect((await api(gw, who.admin, 'POST', '/api/studies', { name: 'bad', readersPerCase: 0 })).status).toBe(400);
    // Without the CSRF header: refused.
    expect((await api(gw, { cookie: who.admin.cookie }, 'POST', '/api/studies', { name: 'no csrf' })).status).toBe(403);
  });

  it('adds only CT series that are in Orthanc, labels them, refuses duplicates', async () => {
    const studyId = await newStudy('s2');
    const missing = await api(gw, who.admin, 'POST', `/api/studies/${studyId}/cases`, { cases: [{ studyInstanceUid: cts[0].studyUid, seriesInstanceUid: randomUid() }] });
    expect(missing.status).toBe(400);
    expect(missing.json<{ error: string }>().error).toMatch(/not in the image archive/);
    // A SEG series is no case.
    const seg = segOf(cts[0], { reader: 'X' });
    await fetch(`${archive.url}/instances`, { method: 'POST', body: Buffer.from(seg.bytes) });
    const notCt = await api(gw, who.admin, 'POST', `/api/studies/${studyId}/cases`, { cases: [{ studyInstanceUid: cts[0].studyUid, seriesInstanceUid: seg.seriesInstanceUid }] });
    expect(notCt.status).toBe(400);
    expect(notCt.json<{ error: string }>().error).toMatch(/is SEG, not CT/);
    const ok = await api(gw, who.admin, 'POST', `/api/studies/${studyId}/cases`, { cases: [{ studyInstanceUid: cts[0].studyUid, seriesInstanceUid: cts[0].seriesUid }, { studyInstanceUid: cts[1].studyUid, seriesInstanceUid: cts[1].seriesUid, label: 'Pilot' }] });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.json<{ cases: Array<{ label: string }> }>().cases.map((c) => c.label)).toEqual(['Case 0001', 'Pilot']);
    const again = await api(gw, who.admin, 'POST', `/api/studies/${studyId}/cases`, { cases: [{ studyInstanceUid: cts[0].studyUid, seriesInstanceUid: cts[0].seriesUid }] });
    expect(again.status).toBe(409);
    expect((await api(gw, who.admin, 'POST', '/api/studies/999999/cases', { cases: [{ studyInstanceUid: cts[0].studyUid, seriesInstanceUid: cts[0].seriesUid }] })).status).toBe(404);
    expect((await api(gw, who.admin, 'POST', `/api/studies/${studyId}/cases`, { cases: [{ studyInstanceUid: '1.2.x', seriesInstanceUid: '1' }] })).status).toBe(400);
  });
});

describe('assignments', () => {
  it('assigns N distinct readers per case, balanced, as planAssignments draws it from the seed', async () => {
    const readerIds = [ids.r1, ids.r2, ids.r3, ids.r4, ids.r5];
    for (const seed of ['same', 'other']) {
      const studyId = await newStudy(seed, 3);
      const caseIds = await addAllCases(studyId);
      const res = await api(gw, who.admin, 'POST', `/api/studies/${studyId}/assignments`, { readerIds });
      expect(res.status, res.text).toBe(200);
      const body = res.json<{ assigned: number; seed: string; plan: Array<{ caseId: number; readerIds: number[] }> }>();
      expect(body.assigned).toBe(cts.length * 3);
      expect(body.seed).toBe(seed);
      // Reproducible: the pure function gives the same plan from the seed, the cases and the readers.
      expect(body.plan).toEqual(planAssignments({ caseIds, readerIds, readersPerCase: 3, seed }));
      for (const p of body.plan) expect(new Set(p.readerIds).size).toBe(3);
      const stored = await db.query<{ case_id: number; user_id: number }>('SELECT case_id, user_id FROM assignments WHERE case_id = ANY($1::int[]) ORDER BY case_id, user_id', [caseIds]);
      expect(stored.rows.map((r) => [r.case_id, r.user_id])).toEqual(body.plan.flatMap((p) => p.readerIds.map((r) => [p.caseId, r])));
      const progress = await api(gw, who.lead, 'GET', `/api/studies/${studyId}/progress`);
      const counts = progress.json<{ readers: Array<{ assigned: number }> }>().readers.map((r) => r.assigned);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(18);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      // A second run finds nothing left to assign.
      expect((await api(gw, who.admin, 'POST', `/api/studies/${studyId}/assignments`, {})).json()).toMatchObject({ assigned: 0 });
    }
    expect((await api(gw, who.admin, 'POST', '/api/studies/999999/assignments', {})).status).toBe(404);
    const tooFew = await newStudy('few', 3);
    await addAllCases(tooFew);
    const refused = await api(gw, who.admin, 'POST', `/api/studies/${tooFew}/assignments`, { readerIds: [ids.r1, ids.r2] });
    expect(refused.status).toBe(400);
    expect(refused.json()).toEqual({ error: '3 readers per case need at least 3 readers; there are 2' });
  });

  it('edits an assignment by hand; a reader with a result stays', async () => {
    const studyId = await newStudy('hand');
    // A CT of its own: a CT in two reading studies, both assigned to one reader, is ambiguous for a
    // result (it goes to the earlier case).
    const ct = phantomCt('studies-hand', 2);
    expect((await stow(gw, who.admin, ctFiles(ct))).status).toBe(200);
    const added = await api(gw, who.admin, 'POST', `/api/studies/${studyId}/cases`, { cases: [{ studyInstanceUid: ct.studyUid, seriesInstanceUid: ct.seriesUid }] });
    const [c1] = added.json<{ cases: Array<{ id: number }> }>().cases.map((c) => c.id);
    const add = (userId: number) => api(gw, who.admin, 'POST', `/api/cases/${c1}/assignments`, { userId });
    expect((await add(ids.r1)).status).toBe(201);
    expect((await add(ids.r1)).json()).toMatchObject({ added: false });
    expect((await add(ids.lead)).status).toBe(400); // only readers read
    expect((await add(ids.r2)).status).toBe(201);
    expect((await api(gw, who.r1, 'POST', `/api/cases/${c1}/assignments`, { userId: ids.r3 })).status).toBe(403);
    expect((await api(gw, who.admin, 'DELETE', `/api/cases/${c1}/assignments/${ids.r2}`)).status).toBe(204);
    expect((await api(gw, who.admin, 'DELETE', `/api/cases/${c1}/assignments/${ids.r2}`)).status).toBe(404);
    const seg = segOf(ct, { reader: 'R1' });
    expect((await stow(gw, who.r1, [seg.bytes])).status).toBe(200);
    expect((await db.query('SELECT case_id FROM results WHERE sop_instance_uid = $1', [seg.sopInstanceUid])).rows).toEqual([{ case_id: c1 }]);
    expect((await api(gw, who.admin, 'DELETE', `/api/cases/${c1}/assignments/${ids.r1}`)).status).toBe(409);
    const cases = await api(gw, who.lead, 'GET', `/api/studies/${studyId}/cases`);
    expect(cases.json<{ cases: Array<{ id: number; assigned: number; submitted: number }> }>().cases.find((c) => c.id === c1)).toMatchObject({ assigned: 1, submitted: 1 });
    const progress = await api(gw, who.admin, 'GET', `/api/studies/${studyId}/progress`);
    expect(progress.json<{ readers: unknown[] }>().readers).toEqual([{ userId: ids.r1, username: 'r1', displayName: 'r1 (reader)', assigned: 1, submitted: 1 }]);
    // Readers see neither progress nor case lists; their study's form, yes.
    expect((await api(gw, who.r1, 'GET', `/api/studies/${studyId}/progress`)).status).toBe(403);
    expect((await api(gw, who.r1, 'GET', `/api/studies/${studyId}/cases`)).status).toBe(403);
    const form = await api(gw, who.r1, 'GET', `/api/studies/${studyId}`);
    expect(form.json()).toEqual({ study: { id: studyId, name: expect.any(String), formSchema: { id: 'chest', version: '1' }, segmentList: [{ value: 1, label: 'GGO' }] } });
    const notMine = await api(gw, who.r5, 'GET', `/api/studies/${studyId}`);
    expect(notMine.status).toBe(404);
    expect(notMine.text).toBe((await api(gw, who.r5, 'GET', '/api/studies/999999')).text);
    // The worklist: r1 has the case, submitted.
    const list = await api(gw, who.r1, 'GET', `/api/worklist?study=${studyId}`);
    expect(list.json<{ items: Array<{ caseId: number; state: string; seriesInstanceUid: string }> }>().items).toEqual([expect.objectContaining({ caseId: c1, state: 'submitted', seriesInstanceUid: ct.seriesUid })]);
  });
});
