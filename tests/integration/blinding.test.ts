// The double-blind rules end to end, against the real gateway (requireLogin on, over HTTP with
// paths exactly as written) and a real Orthanc: readers A and B read one case; A stores a SEG; B
// tries every way there is to reach it, and every answer must be the one a random UID gets. The
// lead sees both reads only once both are in; the admin never sees results.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import {
  type Answer,
  type Gateway,
  type PhantomCt,
  type Who,
  addUser,
  api,
  call,
  ctFiles,
  login,
  orthanc,
  phantomCt,
  randomUid,
  segOf,
  startGateway,
  stow,
} from './blindingStack.ts';
import { openTestPglite } from './dbServers.ts';

const SEG_ACCEPT = 'multipart/related; type="application/dicom"; transfer-syntax=*';
const FRAME_ACCEPT = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';

let archive: { url: string; stop: () => void };
let db: Database;
let gw: Gateway;
let ct: PhantomCt;
let other: PhantomCt; // a second case, assigned to C only
const ids: Record<string, number> = {};
const who: Record<string, Who & { cookie: string; csrf: string }> = {};
let caseId: number;
let otherCaseId: number;
let segA: { bytes: Uint8Array; sopInstanceUid: string; seriesInstanceUid: string };
let segB: { bytes: Uint8Array; sopInstanceUid: string; seriesInstanceUid: string };

const get = (user: Who | undefined, path: string, accept?: string): Promise<Answer> => call(gw, 'GET', path, { who: user, headers: accept ? { accept } : {} });

/** The parts of an answer a client can compare: status, type and body (dates and lengths aside). */
function shape(a: Answer): { status: number; type: string | undefined; body: string } {
  return { status: a.status, type: a.headers['content-type'], body: a.text };
}

function expectNoTrace(a: Answer, label: string): void {
  for (const secret of [segA.sopInstanceUid, segA.seriesInstanceUid]) expect(a.text, `${label} mentions A's result`).not.toContain(secret);
  expect(a.text, `${label} mentions Orthanc`).not.toMatch(/orthanc/i);
}

beforeAll(async () => {
  archive = await orthanc();
  db = await openTestPglite();
  gw = await startGateway(archive.url, db);
  for (const [name, role] of [['root', 'admin'], ['reader-a', 'reader'], ['reader-b', 'reader'], ['reader-c', 'reader'], ['lead-l', 'lead']] as const) ids[name] = await addUser(gw.app, name, role);
  for (const name of Object.keys(ids)) who[name] = await login(gw, name);

  // The admin uploads the CTs through the gateway, makes a study, adds the cases and assigns them.
  ct = phantomCt('blinding');
  other = phantomCt('blinding-other', 2);
  for (const series of [ct, other]) {
    const up = await stow(gw, who.root, ctFiles(series));
    expect(up.status, up.text).toBe(200);
  }
  const study = await api(gw, who.root, 'POST', '/api/studies', { name: `Blinding ${randomUid()}`, readersPerCase: 2, seed: 'blinding', segmentList: [{ label: 'Lesion' }] });
  expect(study.status, study.text).toBe(201);
  const studyId = study.json<{ study: { id: number } }>().study.id;
  const cases = await api(gw, who.root, 'POST', `/api/studies/${studyId}/cases`, {
    cases: [
      { studyInstanceUid: ct.studyUid, seriesInstanceUid: ct.seriesUid },
      { studyInstanceUid: other.studyUid, seriesInstanceUid: other.seriesUid },
    ],
  });
  expect(cases.status, cases.text).toBe(201);
  [caseId, otherCaseId] = cases.json<{ cases: Array<{ id: number }> }>().cases.map((c) => c.id);
  for (const [c, reader] of [[caseId, 'reader-a'], [caseId, 'reader-b'], [otherCaseId, 'reader-c']] as const) {
    const res = await api(gw, who.root, 'POST', `/api/cases/${c}/assignments`, { userId: ids[reader] });
    expect(res.status, res.text).toBe(201);
  }

  // A stores a SEG of the case.
  segA = segOf(ct, { reader: 'A^Reader' });
  segB = segOf(ct, { reader: 'B^Reader' });
  const stored = await stow(gw, who['reader-a'], [segA.bytes]);
  expect(stored.status, stored.text).toBe(200);
}, 120_000);

afterAll(async () => {
  await gw?.app.close();
  await db?.close();
  archive?.stop();
});

describe('without a session', () => {
  it('answers 401 on /api and /dicom-web but for the health check and the login', async () => {
    for (const path of ['/dicom-web/studies', `/dicom-web/studies/${ct.studyUid}/series/${ct.seriesUid}/metadata`, '/dicom-web/../instances', '/api/worklist', '/api/studies', `/api/cases/${caseId}/reads`, '/api/auth/session']) {
      const res = await get(undefined, path);
      expect(res.status, path).toBe(401);
      expect(res.json(), path).toEqual({ error: 'not logged in' });
    }
    const health = await get(undefined, '/api/health');
    expect(health.json()).toEqual({ ok: true, orthanc: true, requireLogin: true }); // the SPA shows its login
    const forged = await get({ cookie: `ctaw_session=${'A'.repeat(43)}` }, '/dicom-web/studies');
    expect(forged.status).toBe(401);
    // Percent-encoded letters reach the same route, and the same guard.
    const encoded = await get(undefined, '/%64icom-web/studies');
    expect([401, 404]).toContain(encoded.status);
    expectNoTrace(encoded, 'encoded path');
  });

  it('refuses a STOW without the x-csrf-token header, and stores nothing', async () => {
    const seg = segOf(ct, { reader: 'A^Reader' });
    const res = await stow(gw, { cookie: who['reader-a'].cookie }, [seg.bytes]);
    expect(res.status).toBe(403);
    expect(res.json()).toEqual({ error: 'missing or wrong x-csrf-token header' });
    const wrong = await stow(gw, { cookie: who['reader-a'].cookie, csrf: who['reader-b'].csrf }, [seg.bytes]);
    expect(wrong.status).toBe(403);
    expect((await db.query('SELECT 1 FROM results WHERE sop_instance_uid = $1', [seg.sopInstanceUid])).rowCount).toBe(0);
    const direct = await fetch(`${archive.url}/dicom-web/instances?SOPInstanceUID=${seg.sopInstanceUid}`);
    expect(await direct.json()).toEqual([]);
  });
});

describe("reader B cannot reach reader A's SEG", () => {
  const B = () => who['reader-b'];

  it('recorded the SEG as A’s, for the case', async () => {
    const rows = await db.query('SELECT case_id, user_id, kind, series_instance_uid FROM results WHERE sop_instance_uid = $1', [segA.sopInstanceUid]);
    expect(rows.rows).toEqual([{ case_id: caseId, user_id: ids['reader-a'], kind: 'seg', series_instance_uid: segA.seriesInstanceUid }]);
    // A sees it.
    const mine = await get(who['reader-a'], `/dicom-web/studies/${ct.studyUid}/series/${segA.seriesInstanceUid}/instances`);
    expect(mine.status).toBe(200);
    expect(mine.json<unknown[]>()).toHaveLength(1);
  });

  it('QIDO at study level: the study with CT-only counts, filters that would match the SEG match nothing', async () => {
    const all = await get(B(), '/dicom-web/studies?includefield=00201206&includefield=00201208&includefield=00080061');
    expect(all.status).toBe(200);
    const rows = all.json<Array<Record<string, { Value?: unknown[] }>>>();
    expect(rows.map((r) => r['0020000D'].Value![0])).toEqual([ct.studyUid]); // only the assigned case's study
    expect(rows[0]['00201206'].Value).toEqual([1]);
    expect(rows[0]['00201208'].Value).toEqual([ct.slices]);
    expect(rows[0]['00080061'].Value).toEqual(['CT']);
    expectNoTrace(all, 'studies');
    const byModality = await get(B(), '/dicom-web/studies?ModalitiesInStudy=SEG');
    expect(byModality.json()).toEqual([]);
    expect(shape(await get(B(), '/dicom-web/studies?00080061=SEG'))).toEqual(shape(byModality));
    // Series- and instance-level keys at study level are refused, whatever the UID.
    for (const key of ['SeriesInstanceUID', '0020000E']) {
      expect(shape(await get(B(), `/dicom-web/studies?${key}=${segA.seriesInstanceUid}`))).toEqual(shape(await get(B(), `/dicom-web/studies?${key}=${randomUid()}`)));
    }
    expect(shape(await get(B(), `/dicom-web/studies?SOPInstanceUID=${segA.sopInstanceUid}`))).toEqual(shape(await get(B(), `/dicom-web/studies?SOPInstanceUID=${randomUid()}`)));
    const everything = await get(B(), `/dicom-web/studies?StudyInstanceUID=${ct.studyUid}&includefield=all`);
    expect(everything.json<unknown[]>()).toHaveLength(1);
    expectNoTrace(everything, 'includefield=all');
    expect(everything.text).not.toContain('SEG');
  });

  it('QIDO at series and instance level, with and without filters, limit and offset', async () => {
    const series = await get(B(), `/dicom-web/studies/${ct.studyUid}/series?includefield=all`);
    expect(series.json<Array<Record<string, { Value?: unknown[] }>>>().map((r) => r['0020000E'].Value![0])).toEqual([ct.seriesUid]);
    expectNoTrace(series, 'series');
    for (const q of ['Modality=SEG', `SeriesInstanceUID=${segA.seriesInstanceUid}`, `0020000E=${segA.seriesInstanceUid}`, 'limit=1&offset=1', `SOPInstanceUID=${segA.sopInstanceUid}`]) {
      const res = await get(B(), `/dicom-web/studies/${ct.studyUid}/series?${q}`);
      expect(res.json(), q).toEqual([]);
    }
    for (const q of [`SeriesInstanceUID=${segA.seriesInstanceUid}`, 'Modality=SEG', `SOPInstanceUID=${segA.sopInstanceUid}`]) {
      const res = await get(B(), `/dicom-web/series?${q}`);
      expect(res.json(), q).toEqual([]);
      expectNoTrace(res, q);
    }
    expect(shape(await get(B(), `/dicom-web/series?SeriesInstanceUID=${segA.seriesInstanceUid}`))).toEqual(shape(await get(B(), `/dicom-web/series?SeriesInstanceUID=${randomUid()}`)));
    const instances = await get(B(), `/dicom-web/studies/${ct.studyUid}/instances?includefield=all`);
    expect(instances.json<unknown[]>()).toHaveLength(ct.slices);
    expectNoTrace(instances, 'instances');
    // Pages are pages of what B may see: Orthanc holds slices + 1 objects in this study.
    expect((await get(B(), `/dicom-web/studies/${ct.studyUid}/instances?limit=2&offset=${ct.slices - 1}`)).json<unknown[]>()).toHaveLength(1);
    expect((await get(B(), `/dicom-web/studies/${ct.studyUid}/instances?offset=${ct.slices}`)).json()).toEqual([]);
    expect((await get(B(), `/dicom-web/instances?StudyInstanceUID=${ct.studyUid}&limit=100`)).json<unknown[]>()).toHaveLength(ct.slices);
    for (const [hidden, random] of [
      [`/dicom-web/instances?SOPInstanceUID=${segA.sopInstanceUid}`, `/dicom-web/instances?SOPInstanceUID=${randomUid()}`],
      [`/dicom-web/instances?SeriesInstanceUID=${segA.seriesInstanceUid}`, `/dicom-web/instances?SeriesInstanceUID=${randomUid()}`],
      [`/dicom-web/studies/${ct.studyUid}/series/${segA.seriesInstanceUid}/instances`, `/dicom-web/studies/${ct.studyUid}/series/${randomUid()}/instances`],
      [`/dicom-web/studies/${ct.studyUid}/series/${segA.seriesInstanceUid}/instances?includefield=all`, `/dicom-web/studies/${randomUid()}/series/${randomUid()}/instances?includefield=all`],
      [`/dicom-web/studies/${ct.studyUid}/instances?SOPInstanceUID=${segA.sopInstanceUid}`, `/dicom-web/studies/${ct.studyUid}/instances?SOPInstanceUID=${randomUid()}`],
      [`/dicom-web/studies/${ct.studyUid}/instances?Modality=SEG`, `/dicom-web/studies/${ct.studyUid}/instances?Modality=XA`],
    ]) {
      const a = await get(B(), hidden);
      expect(shape(a), hidden).toEqual(shape(await get(B(), random)));
      expect(a.json(), hidden).toEqual([]);
    }
  });

  it('WADO-RS on the SEG (instance, series, frames, metadata, bulk data, rendered, thumbnail): the answer of a random UID', async () => {
    const st = ct.studyUid;
    const [se, sop] = [segA.seriesInstanceUid, segA.sopInstanceUid];
    const [rse, rsop] = [randomUid(), randomUid()];
    const variants: Array<[string, string, string]> = [
      [`/studies/${st}/series/${se}/instances/${sop}`, `/studies/${st}/series/${rse}/instances/${rsop}`, SEG_ACCEPT],
      [`/studies/${st}/series/${se}/instances/${sop}/metadata`, `/studies/${st}/series/${rse}/instances/${rsop}/metadata`, 'application/dicom+json'],
      [`/studies/${st}/series/${se}/instances/${sop}/frames/1`, `/studies/${st}/series/${rse}/instances/${rsop}/frames/1`, FRAME_ACCEPT],
      [`/studies/${st}/series/${se}/instances/${sop}/frames/1,2`, `/studies/${st}/series/${rse}/instances/${rsop}/frames/1,2`, FRAME_ACCEPT],
      [`/studies/${st}/series/${se}/instances/${sop}/bulk/7fe00010`, `/studies/${st}/series/${rse}/instances/${rsop}/bulk/7fe00010`, FRAME_ACCEPT],
      [`/studies/${st}/series/${se}/instances/${sop}/rendered`, `/studies/${st}/series/${rse}/instances/${rsop}/rendered`, 'image/png'],
      [`/studies/${st}/series/${se}/instances/${sop}/thumbnail`, `/studies/${st}/series/${rse}/instances/${rsop}/thumbnail`, 'image/jpeg'],
      [`/studies/${st}/series/${se}/instances/${sop}/frames/1/rendered`, `/studies/${st}/series/${rse}/instances/${rsop}/frames/1/rendered`, 'image/png'],
      [`/studies/${st}/series/${se}`, `/studies/${st}/series/${rse}`, SEG_ACCEPT],
      [`/studies/${st}/series/${se}/metadata`, `/studies/${st}/series/${rse}/metadata`, 'application/dicom+json'],
      [`/studies/${st}/series/${se}/rendered`, `/studies/${st}/series/${rse}/rendered`, 'image/png'],
      [`/studies/${st}/series/${se}/thumbnail`, `/studies/${st}/series/${rse}/thumbnail`, 'image/jpeg'],
      // A's SOP under the CT series B may read: Orthanc says "not in this series", the gateway says what it says for any missing UID.
      [`/studies/${st}/series/${ct.seriesUid}/instances/${sop}/frames/1`, `/studies/${st}/series/${ct.seriesUid}/instances/${rsop}/frames/1`, FRAME_ACCEPT],
      [`/studies/${st}/series/${ct.seriesUid}/instances/${sop}/metadata`, `/studies/${st}/series/${ct.seriesUid}/instances/${rsop}/metadata`, 'application/dicom+json'],
      [`/studies/${st}/series/${ct.seriesUid}/instances/${sop}`, `/studies/${st}/series/${ct.seriesUid}/instances/${rsop}`, SEG_ACCEPT],
      [`/studies/${st}/series/${ct.seriesUid}/instances/${sop}/bulk/7fe00010`, `/studies/${st}/series/${ct.seriesUid}/instances/${rsop}/bulk/7fe00010`, FRAME_ACCEPT],
      // The SEG series under another study, and a study-level retrieval.
      [`/studies/${other.studyUid}/series/${se}/metadata`, `/studies/${other.studyUid}/series/${rse}/metadata`, 'application/dicom+json'],
      [`/studies/${st}`, `/studies/${randomUid()}`, SEG_ACCEPT],
      [`/studies/${st}/rendered`, `/studies/${randomUid()}/rendered`, 'image/png'],
    ];
    for (const [hidden, random, accept] of variants) {
      const a = await get(B(), `/dicom-web${hidden}`, accept);
      const r = await get(B(), `/dicom-web${random}`, accept);
      expect(a.status, hidden).toBeGreaterThanOrEqual(400);
      expect(shape(a), hidden).toEqual(shape(r));
      expectNoTrace(a, hidden);
    }
    // Study metadata lists the CT and nothing of A's.
    const meta = await get(B(), `/dicom-web/studies/${st}/metadata`, 'application/dicom+json');
    expect(meta.status).toBe(200);
    expect(meta.json<unknown[]>()).toHaveLength(ct.slices);
    expectNoTrace(meta, 'study metadata');
    // The CT itself streams.
    const frame = await get(B(), `/dicom-web/studies/${st}/series/${ct.seriesUid}/instances/${ct.sopUids[0]}/frames/1`, FRAME_ACCEPT);
    expect(frame.status).toBe(200);
    expect(frame.body.length).toBeGreaterThan(32 * 32 * 2);
  });

  it("Orthanc's REST API, path traversal, encoded and double-encoded separators", async () => {
    const orthancId = ((await (await fetch(`${archive.url}/tools/lookup`, { method: 'POST', body: segA.sopInstanceUid })).json()) as Array<{ ID: string }>)[0].ID;
    const paths = [
      '/instances',
      `/instances/${orthancId}`,
      `/instances/${orthancId}/file`,
      '/series',
      '/studies',
      '/tools/find',
      '/system',
      '/app/explorer.html',
      '/dicom-web/servers',
      '/dicom-web/../instances',
      `/dicom-web/../instances/${orthancId}/file`,
      '/dicom-web/studies/../../instances',
      `/dicom-web/studies/%2e%2e/%2e%2e/instances/${orthancId}/file`,
      '/dicom-web/studies%2F..%2F..%2Finstances',
      '/dicom-web/%2e%2e/tools/find',
      '/dicom-web/studies/%252e%252e/%252e%252e/instances',
      '/dicom-web/studies%252F..%252Finstances',
      '/dicom-web/studies/..%5C..%5Cinstances',
      '/dicom-web/./studies',
      `/dicom-web/studies/${ct.studyUid}/series/${segA.seriesInstanceUid}/instances/${segA.sopInstanceUid}%2Fframes%2F1`,
      `/dicom-web/studies/${ct.studyUid}/series/${segA.seriesInstanceUid}%00/metadata`,
      `/dicom-web/studies/${ct.studyUid}/series/${segA.seriesInstanceUid};/metadata`,
      `/dicom-web/instances/${segA.sopInstanceUid}`,
      `/dicom-web/series/${segA.seriesInstanceUid}`,
      `/dicom-web/series/${segA.seriesInstanceUid}/instances`,
      '/%64icom-web/studies',
      '//instances',
      '/../instances',
    ];
    for (const path of paths) {
      const res = await get(B(), path, SEG_ACCEPT);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expectNoTrace(res, path);
    }
    const find = await call(gw, 'POST', '/tools/find', { who: B(), headers: { 'content-type': 'application/json' }, body: '{"Level":"Instance","Query":{}}' });
    expect(find.status).toBe(404);
    const findVia = await call(gw, 'POST', '/dicom-web/../tools/find', { who: B(), headers: { 'content-type': 'application/json' }, body: '{"Level":"Instance","Query":{}}' });
    expect(findVia.status).toBeGreaterThanOrEqual(400);
    expectNoTrace(findVia, 'POST /dicom-web/../tools/find');
    for (const method of ['DELETE', 'PUT']) {
      const res = await call(gw, method, `/dicom-web/studies/${ct.studyUid}/series/${segA.seriesInstanceUid}`, { who: B() });
      expect(res.status, method).toBe(405);
    }
  });

  it("STOW: overwriting A's SOP instance, or writing into A's series, is refused like a case not assigned", async () => {
    const notAssigned = await stow(gw, B(), [segOf(other, { reader: 'B^Reader' }).bytes]);
    expect(notAssigned.status).toBe(403);
    const attempts = [
      segOf(ct, { reader: 'B^Reader', sopInstanceUid: segA.sopInstanceUid }), // A's SOP, B's own new series
      segOf(ct, { reader: 'B^Reader', seriesInstanceUid: segA.seriesInstanceUid }), // into A's series
      segOf(ct, { reader: 'B^Reader', sopInstanceUid: segA.sopInstanceUid, seriesInstanceUid: segA.seriesInstanceUid }),
      segOf(ct, { reader: 'B^Reader', seriesInstanceUid: ct.seriesUid }), // into the CT series
      segOf(ct, { reader: 'B^Reader', sopInstanceUid: ct.sopUids[0] }), // a CT image's SOP UID
    ];
    for (const [i, seg] of attempts.entries()) {
      const res = await stow(gw, B(), [seg.bytes]);
      expect(shape(res), `attempt ${i}`).toEqual(shape(notAssigned));
    }
    // Also to /studies/{study}, and mixed with B's own legitimate SEG: refused as a whole.
    const mixed = await stow(gw, B(), [segOf(ct, { reader: 'B^Reader' }).bytes, attempts[0].bytes], `/dicom-web/studies/${ct.studyUid}`);
    expect(shape(mixed)).toEqual(shape(notAssigned));
    // A reader does not store CT images at all.
    const image = await stow(gw, B(), ctFiles(ct).slice(0, 1));
    expect(image.status).toBe(403);
    // A's SEG is untouched: one object, A's, in A's series.
    const owner = await db.query('SELECT user_id FROM results WHERE sop_instance_uid = $1 OR series_instance_uid = $2', [segA.sopInstanceUid, segA.seriesInstanceUid]);
    expect(owner.rows).toEqual([{ user_id: ids['reader-a'] }]);
    const inArchive = (await (await fetch(`${archive.url}/dicom-web/series?SeriesInstanceUID=${segA.seriesInstanceUid}&includefield=00201209`)).json()) as Array<Record<string, { Value: number[] }>>;
    expect(inArchive[0]['00201209'].Value[0]).toBe(1);
    const ctCount = (await (await fetch(`${archive.url}/dicom-web/series?SeriesInstanceUID=${ct.seriesUid}&includefield=00201209`)).json()) as Array<Record<string, { Value: number[] }>>;
    expect(ctCount[0]['00201209'].Value[0]).toBe(ct.slices);
  });

  it("refuses A's result filed under another patient than the CT's", async () => {
    const res = await stow(gw, who['reader-a'], [segOf(ct, { reader: 'A^Reader', patientId: 'SOMEONE-ELSE' }).bytes]);
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ error: "a result carries its CT's Patient ID (0010,0020)" });
  });

  it('a repeated STOW of the same SEG by its owner is answered as a success, and recorded once', async () => {
    const again = await stow(gw, who['reader-a'], [segA.bytes]);
    expect(again.status).toBe(200);
    expect((await db.query('SELECT count(*)::int AS n FROM results WHERE sop_instance_uid = $1', [segA.sopInstanceUid])).rows[0].n).toBe(1);
  });

  it('reader C, not assigned the case, sees neither the study nor its CT', async () => {
    const C = who['reader-c'];
    const studies = await get(C, '/dicom-web/studies');
    expect(studies.json<Array<Record<string, { Value: string[] }>>>().map((r) => r['0020000D'].Value[0])).toEqual([other.studyUid]);
    expect((await get(C, `/dicom-web/studies/${ct.studyUid}/series`)).json()).toEqual([]);
    const frame = `/dicom-web/studies/${ct.studyUid}/series/${ct.seriesUid}/instances/${ct.sopUids[0]}/frames/1`;
    expect(shape(await get(C, frame, FRAME_ACCEPT))).toEqual(shape(await get(C, `/dicom-web/studies/${ct.studyUid}/series/${randomUid()}/instances/${ct.sopUids[0]}/frames/1`, FRAME_ACCEPT)));
    expect((await get(C, `/dicom-web/studies/${ct.studyUid}/series/${ct.seriesUid}/metadata`)).status).toBe(404);
  });
});

describe('the lead', () => {
  const L = () => who['lead-l'];

  it('sees who has submitted, but no read, until every reader has', async () => {
    const reads = await get(L(), `/api/cases/${caseId}/reads`);
    expect(reads.status).toBe(200);
    expect(reads.json()).toEqual({
      caseId,
      complete: false,
      reads: [
        { userId: ids['reader-a'], username: 'reader-a', displayName: 'reader-a (reader)', submitted: true, submittedAt: expect.any(String) },
        { userId: ids['reader-b'], username: 'reader-b', displayName: 'reader-b (reader)', submitted: false, submittedAt: null },
      ],
    });
    const series = await get(L(), `/dicom-web/studies/${ct.studyUid}/series`);
    expect(series.json<Array<Record<string, { Value: string[] }>>>().map((r) => r['0020000E'].Value[0])).toEqual([ct.seriesUid]);
    const seg = await get(L(), `/dicom-web/studies/${ct.studyUid}/series/${segA.seriesInstanceUid}/metadata`);
    expect(shape(seg)).toEqual(shape(await get(L(), `/dicom-web/studies/${ct.studyUid}/series/${randomUid()}/metadata`)));
    // Readers and admins do not get the reads.
    expect((await get(who['reader-a'], `/api/cases/${caseId}/reads`)).status).toBe(403);
  });

  it('sees both reads once B has submitted too; B still does not see A’s', async () => {
    const stored = await stow(gw, who['reader-b'], [segB.bytes]);
    expect(stored.status, stored.text).toBe(200);
    const reads = await get(L(), `/api/cases/${caseId}/reads`);
    const body = reads.json<{ complete: boolean; reads: Array<{ username: string; results: Array<{ kind: string; seriesInstanceUid: string; sopInstanceUids: string[] }> }> }>();
    expect(body.complete).toBe(true);
    expect(body.reads.map((r) => [r.username, r.results])).toEqual([
      ['reader-a', [{ kind: 'seg', studyInstanceUid: ct.studyUid, seriesInstanceUid: segA.seriesInstanceUid, sopInstanceUids: [segA.sopInstanceUid], storedAt: expect.any(String) }]],
      ['reader-b', [{ kind: 'seg', studyInstanceUid: ct.studyUid, seriesInstanceUid: segB.seriesInstanceUid, sopInstanceUids: [segB.sopInstanceUid], storedAt: expect.any(String) }]],
    ]);
    const series = await get(L(), `/dicom-web/studies/${ct.studyUid}/series`);
    expect(series.json<Array<Record<string, { Value: string[] }>>>().map((r) => r['0020000E'].Value[0]).sort()).toEqual([ct.seriesUid, segA.seriesInstanceUid, segB.seriesInstanceUid].sort());
    const seg = await get(L(), `/dicom-web/studies/${ct.studyUid}/series/${segA.seriesInstanceUid}/instances/${segA.sopInstanceUid}`, SEG_ACCEPT);
    expect(seg.status).toBe(200);
    expect(seg.body.indexOf(Buffer.from(segA.sopInstanceUid))).toBeGreaterThan(0);
    // B: still only the CT and their own SEG.
    const bSeries = await get(who['reader-b'], `/dicom-web/studies/${ct.studyUid}/series`);
    expect(bSeries.json<Array<Record<string, { Value: string[] }>>>().map((r) => r['0020000E'].Value[0]).sort()).toEqual([ct.seriesUid, segB.seriesInstanceUid].sort());
    expect((await get(who['reader-b'], `/dicom-web/studies/${ct.studyUid}/series/${segA.seriesInstanceUid}/metadata`)).status).toBe(404);
    const counts = (await get(who['reader-b'], `/dicom-web/studies?StudyInstanceUID=${ct.studyUid}`)).json<Array<Record<string, { Value: unknown[] }>>>()[0];
    expect(counts['00201206'].Value).toEqual([2]);
    expect(counts['00080061'].Value).toEqual(['CT', 'SEG']);
  });

  it('an admin manages but sees no result through DICOMweb', async () => {
    const series = await get(who.root, `/dicom-web/studies/${ct.studyUid}/series`);
    expect(series.json<Array<Record<string, { Value: string[] }>>>().map((r) => r['0020000E'].Value[0])).toEqual([ct.seriesUid]);
    expect((await get(who.root, `/dicom-web/studies/${ct.studyUid}/series/${segA.seriesInstanceUid}/metadata`)).status).toBe(404);
    const adminSeg = await stow(gw, who.root, [segOf(ct, { reader: 'Admin' }).bytes]);
    expect(adminSeg.status).toBe(403);
  });

  it('the audit log has the stores, the views and the opens of the case, with who and where from', async () => {
    expect((await call(gw, 'POST', `/api/cases/${caseId}/opened`, { who: who['reader-b'] })).status).toBe(204);
    expect((await call(gw, 'POST', `/api/cases/${caseId}/opened`, { who: who['reader-c'] })).status).toBe(404); // not C's case
    const audit = await get(L(), `/api/cases/${caseId}/audit`);
    expect(audit.status).toBe(200);
    const entries = audit.json<{ entries: Array<{ action: string; username: string; ip: string; detail: Record<string, unknown> }> }>().entries;
    const summary = entries.map((e) => `${e.action} ${e.username}`);
    expect(summary).toEqual(expect.arrayContaining(['case.add root', 'assignment.add root', 'result.store reader-a', 'result.store reader-b', 'result.view lead-l', 'case.open reader-b']));
    expect(summary.filter((s) => s === 'result.store reader-a')).toHaveLength(1); // the repeat was not a new store
    expect(summary).not.toContain('result.view reader-b'); // B never got A's result
    expect(entries.every((e) => e.ip === '127.0.0.1')).toBe(true);
    expect(entries.find((e) => e.action === 'result.store' && e.username === 'reader-a')!.detail).toMatchObject({ sopInstanceUid: segA.sopInstanceUid, kind: 'seg' });
    expect((await get(who['reader-a'], `/api/cases/${caseId}/audit`)).status).toBe(403);
  });
});

describe('sessions and limits', () => {
  it('a logout, or an admin disabling the account, ends DICOMweb access at once (no cached session survives)', async () => {
    const extraId = await addUser(gw.app, 'reader-d', 'reader');
    expect((await api(gw, who.root, 'POST', `/api/cases/${caseId}/assignments`, { userId: extraId })).status).toBe(201);
    const frame = `/dicom-web/studies/${ct.studyUid}/series/${ct.seriesUid}/instances/${ct.sopUids[0]}/frames/1`;
    const first = await login(gw, 'reader-d');
    expect((await get(first, frame, FRAME_ACCEPT)).status).toBe(200);
    expect((await call(gw, 'POST', '/api/auth/logout', { who: first })).status).toBe(204);
    expect((await get(first, frame, FRAME_ACCEPT)).status).toBe(401);
    const second = await login(gw, 'reader-d');
    expect((await get(second, frame, FRAME_ACCEPT)).status).toBe(200);
    expect((await api(gw, who.root, 'POST', `/api/admin/users/${extraId}/disable`, {})).status).toBe(200);
    expect((await get(second, frame, FRAME_ACCEPT)).status).toBe(401);
    // An assignment removed: the CT is gone from the reader's view at once too.
    expect((await api(gw, who.root, 'POST', `/api/admin/users/${extraId}/disable`, { disabled: false })).status).toBe(200);
    const third = await login(gw, 'reader-d');
    expect((await get(third, frame, FRAME_ACCEPT)).status).toBe(200);
    expect((await api(gw, who.root, 'DELETE', `/api/cases/${caseId}/assignments/${extraId}`)).status).toBe(204);
    expect((await get(third, frame, FRAME_ACCEPT)).status).toBe(404);
  });

  it('refuses a STOW body over the limit with 413, and QIDO in XML with 406', async () => {
    const small = await startGateway(archive.url, db, { stowLimitBytes: 4096 });
    try {
      const a = await login(small, 'reader-a');
      const big = segOf(ct, { reader: 'A^Reader' });
      expect(big.bytes.length).toBeGreaterThan(4096);
      const res = await stow(small, a, [big.bytes]);
      expect(res.status).toBe(413);
      expect((await db.query('SELECT 1 FROM result_series WHERE series_instance_uid = $1', [big.seriesInstanceUid])).rowCount).toBe(0);
      // Without a Content-Length (chunked), counted while reading.
      const chunked = await new Promise<number>((resolveStatus, reject) => {
        const req = http.request({ host: small.host, port: small.port, method: 'POST', path: '/dicom-web/studies', headers: { cookie: a.cookie, 'x-csrf-token': a.csrf, 'content-type': 'multipart/related; type="application/dicom"; boundary=x' } }, (r) => {
          r.resume();
          resolveStatus(r.statusCode ?? 0);
        });
        req.on('error', reject);
        for (let i = 0; i < 8; i++) req.write(Buffer.alloc(1024, 0x41));
        req.end();
      });
      expect(chunked).toBe(413);
    } finally {
      await small.app.close();
    }
    const xml = await get(who['reader-b'], '/dicom-web/studies', 'multipart/related; type="application/dicom+xml"');
    expect(xml.status).toBe(406);
    const notStow = await call(gw, 'POST', '/dicom-web/studies', { who: who['reader-a'], headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(notStow.status).toBe(415);
    const garbage = await call(gw, 'POST', '/dicom-web/studies', { who: who['reader-a'], headers: { 'content-type': 'multipart/related; type="application/dicom"; boundary=zz' }, body: '--zz\r\nContent-Type: application/dicom\r\n\r\nnot dicom\r\n--zz--\r\n' });
    expect(garbage.status).toBe(400);
  });
});
