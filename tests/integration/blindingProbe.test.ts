// The holes an outside probe of the reading-study gateway found, each as the probe ran it, against
// the real gateway and a real Orthanc (through a recording proxy, which also injects one fault:
// a STOW body rewritten on its way to the archive). Readers A and B read one case, A has stored a
// SEG; C is a reader of another case; L is a lead; root is the admin.
import { randomBytes } from 'node:crypto';
import dcmjs from 'dcmjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import { STORE_REFUSED } from '../../server/gateway/blinding.ts';
import { type ArchiveProxy, archiveProxy } from './archiveProxy.ts';
import { type Answer, type Gateway, type PhantomCt, type Who, addUser, api, call, login, orthanc, phantomCt, randomUid, segOf, startGateway, stow } from './blindingStack.ts';
import { openTestPglite } from './dbServers.ts';

let archive: { url: string; stop: () => void };
let proxy: ArchiveProxy;
let db: Database;
let gw: Gateway;
let ct: PhantomCt;
let caseId: number;
let studyId: number;
const ids: Record<string, number> = {};
const who: Record<string, Who & { cookie: string; csrf: string }> = {};
let segA: { bytes: Uint8Array; sopInstanceUid: string; seriesInstanceUid: string };

/** What a client can compare of two answers: status, every header but the date, and the body. */
function fingerprint(a: Answer): { status: number; headers: Record<string, unknown>; body: string } {
  const headers: Record<string, unknown> = { ...a.headers };
  delete headers.date;
  return { status: a.status, headers, body: a.body.toString('base64') };
}

/** A UID of the same length as `uid` that exists nowhere. */
function sameLengthRandom(uid: string): string {
  let digits = '1';
  while (digits.length < uid.length - 5) digits += String(randomBytes(1)[0] % 10);
  return `2.25.${digits}`;
}

async function inArchive(level: 'series' | 'instances', key: string, uid: string): Promise<unknown[]> {
  const res = await fetch(`${archive.url}/dicom-web/${level}?${key}=${uid}`);
  return res.status === 204 ? [] : ((await res.json()) as unknown[]);
}

// ---- DICOM bytes as an attacker writes them (explicit VR little endian) ----

function uiElement(tag: number, uid: string): Buffer {
  const value = Buffer.from(uid.length % 2 ? `${uid}\0` : uid, 'latin1');
  const el = Buffer.alloc(8 + value.length);
  el.writeUInt16LE(tag >>> 16, 0);
  el.writeUInt16LE(tag & 0xffff, 2);
  el.write('UI', 4, 'latin1');
  el.writeUInt16LE(value.length, 6);
  value.copy(el, 8);
  return el;
}

function metaEnd(bytes: Uint8Array): number {
  return 132 + 12 + Buffer.from(bytes).readUInt32LE(140);
}

/** Where the top-level element holding `uid` (its only value) starts. */
function elementWithValue(bytes: Uint8Array, tag: number, uid: string): { start: number; end: number } {
  const buf = Buffer.from(bytes);
  const header = uiElement(tag, uid);
  const start = buf.indexOf(header, metaEnd(bytes));
  if (start < 0) throw new Error('element not found');
  return { start, end: start + header.length };
}

function insertAt(bytes: Uint8Array, at: number, ...parts: Buffer[]): Uint8Array {
  const buf = Buffer.from(bytes);
  return new Uint8Array(Buffer.concat([buf.subarray(0, at), ...parts, buf.subarray(at)]));
}

/** A CT image of the phantom moved into another series (the admin's upload). */
function imageInSeries(source: Uint8Array, seriesUid: string): Uint8Array {
  const ab = source.buffer.slice(source.byteOffset, source.byteOffset + source.byteLength) as ArrayBuffer;
  const file = dcmjs.data.DicomMessage.readFile(ab);
  const sop = randomUid();
  (file.dict as Record<string, { Value: unknown[] }>)['0020000E'].Value = [seriesUid];
  (file.dict as Record<string, { Value: unknown[] }>)['00080018'].Value = [sop];
  (file.meta as Record<string, { Value: unknown[] }>)['00020003'].Value = [sop];
  const dict = new dcmjs.data.DicomDict(file.meta);
  dict.dict = file.dict as never;
  return new Uint8Array(dict.write());
}

beforeAll(async () => {
  archive = await orthanc();
  proxy = await archiveProxy(archive.url);
  db = await openTestPglite();
  gw = await startGateway(proxy.url, db);
  for (const [name, role] of [['root', 'admin'], ['reader-a', 'reader'], ['reader-b', 'reader'], ['reader-c', 'reader'], ['lead-l', 'lead']] as const) ids[name] = await addUser(gw.app, name, role);
  for (const name of Object.keys(ids)) who[name] = await login(gw, name);
  ct = phantomCt('probe');
  const up = await stow(gw, who.root, ct.files);
  expect(up.status, up.text).toBe(200);
  const study = await api(gw, who.root, 'POST', '/api/studies', { name: `Probe ${randomUid()}`, readersPerCase: 2, seed: 'probe', segmentList: [{ label: 'Lesion' }] });
  studyId = study.json<{ study: { id: number } }>().study.id;
  const cases = await api(gw, who.root, 'POST', `/api/studies/${studyId}/cases`, { cases: [{ studyInstanceUid: ct.studyUid, seriesInstanceUid: ct.seriesUid }] });
  expect(cases.status, cases.text).toBe(201);
  caseId = cases.json<{ cases: Array<{ id: number }> }>().cases[0].id;
  for (const reader of ['reader-a', 'reader-b']) expect((await api(gw, who.root, 'POST', `/api/cases/${caseId}/assignments`, { userId: ids[reader] })).status).toBe(201);
  segA = segOf(ct, { reader: 'A^Reader' });
  const stored = await stow(gw, who['reader-a'], [segA.bytes]);
  expect(stored.status, stored.text).toBe(200);
  // A lead looks at A's read (as a consensus reader could, once complete): its view is audited.
}, 120_000);

afterAll(async () => {
  await gw?.app.close();
  await proxy?.close();
  await db?.close();
  archive?.stop();
});

describe('1. a STOW judged on exactly what the archive stores', () => {
  it('refuses a SEG with two Series Instance UIDs, two SOP Instance UIDs, a tag out of order or a wrong group length, and stores nothing', async () => {
    const B = who['reader-b'];
    const fresh = segOf(ct, { reader: 'B^Reader' });
    const series = elementWithValue(fresh.bytes, 0x0020000e, fresh.seriesInstanceUid);
    const sop = elementWithValue(fresh.bytes, 0x00080018, fresh.sopInstanceUid);
    const intoA = uiElement(0x0020000e, segA.seriesInstanceUid);
    const smuggled = {
      // A's series first (the archive's choice), B's own second (what a last-wins reader judged).
      'two Series Instance UIDs': insertAt(fresh.bytes, series.start, intoA),
      'two SOP Instance UIDs': insertAt(fresh.bytes, sop.end, uiElement(0x00080018, segA.sopInstanceUid)),
      'a Series Instance UID after the pixel data': insertAt(fresh.bytes, fresh.bytes.length, intoA),
      'a wrong group length': insertAt(fresh.bytes, elementWithValue(fresh.bytes, 0x0020000d, ct.studyUid).start, Buffer.from([0x20, 0x00, 0x00, 0x00, 0x55, 0x4c, 0x04, 0x00, 0x10, 0x00, 0x00, 0x00])),
    };
    for (const [what, bytes] of Object.entries(smuggled)) {
      const res = await stow(gw, B, [bytes]);
      expect(res.status, what).toBe(400);
      expect(res.json<{ error: string }>().error, what).toMatch(/^unreadable STOW-RS body: /);
    }
    expect(await inArchive('instances', 'SOPInstanceUID', fresh.sopInstanceUid)).toEqual([]);
    expect(await inArchive('series', 'SeriesInstanceUID', fresh.seriesInstanceUid)).toEqual([]);
    expect(await inArchive('instances', '00080018', segA.sopInstanceUid)).toHaveLength(1);
    expect((await db.query('SELECT 1 FROM results WHERE user_id = $1', [ids['reader-b']])).rowCount).toBe(0);
  });

  it('deletes what the archive filed under other UIDs than judged, and answers 403 (fault injected: the body rewritten on its way to the archive)', async () => {
    const C = who['reader-b'];
    const seg = segOf(ct, { reader: 'B^Reader' });
    const judged = Buffer.from(seg.seriesInstanceUid, 'latin1');
    const other = sameLengthRandom(seg.seriesInstanceUid);
    proxy.rewrite = (req, body) => {
      if (req.method !== 'POST') return body;
      const at = body.indexOf(judged);
      if (at >= 0) Buffer.from(other, 'latin1').copy(body, at);
      return body;
    };
    try {
      const res = await stow(gw, C, [seg.bytes]);
      expect(res.status, res.text).toBe(403);
      expect(res.json()).toEqual({ error: STORE_REFUSED });
    } finally {
      proxy.rewrite = null;
    }
    expect(await inArchive('series', 'SeriesInstanceUID', other)).toEqual([]);
    expect(await inArchive('instances', 'SOPInstanceUID', seg.sopInstanceUid)).toEqual([]);
    expect((await db.query('SELECT 1 FROM results WHERE sop_instance_uid = $1', [seg.sopInstanceUid])).rowCount).toBe(0);
  });
});

describe('11. what an admin and a lead learn of reads, as documented in server/API.md', () => {
  it('an admin sees who submitted and when, never a result UID; a lead neither before the reads are complete', async () => {
    for (const name of ['root', 'lead-l']) {
      const reads = await call(gw, 'GET', `/api/cases/${caseId}/reads`, { who: who[name] });
      expect(reads.status).toBe(200);
      const body = reads.json<{ complete: boolean; reads: Array<{ username: string; submitted: boolean; results?: unknown }> }>();
      expect(body.complete).toBe(false);
      expect(body.reads.find((r) => r.username === 'reader-a')).toMatchObject({ submitted: true });
      expect(body.reads.every((r) => r.results === undefined), name).toBe(true);
      const progress = await call(gw, 'GET', `/api/studies/${studyId}/progress`, { who: who[name] });
      for (const res of [reads, progress]) {
        expect(res.text, name).not.toContain(segA.seriesInstanceUid);
        expect(res.text, name).not.toContain(segA.sopInstanceUid);
      }
    }
    // A reader has no such route at all.
    expect((await call(gw, 'GET', `/api/cases/${caseId}/reads`, { who: who['reader-b'] })).status).toBe(403);
  });
});

describe('2. the audit API by role', () => {
  it('gives an admin, and a lead before the reads are complete, no UID of a stored result', async () => {
    for (const name of ['root', 'lead-l']) {
      const res = await call(gw, 'GET', `/api/cases/${caseId}/audit`, { who: who[name] });
      expect(res.status).toBe(200);
      const entries = res.json<{ entries: Array<{ action: string; detail: unknown }> }>().entries;
      expect(entries.some((e) => e.action === 'result.store'), name).toBe(true);
      expect(res.text, name).not.toContain(segA.seriesInstanceUid);
      expect(res.text, name).not.toContain(segA.sopInstanceUid);
      expect(entries.find((e) => e.action === 'result.store')!.detail).toEqual({ kind: 'seg' });
    }
  });
});

/** The WADO and QIDO routes of a series and an instance in it. */
function routes(studyUid: string, seriesUid: string, sopUid: string): string[] {
  const s = `/dicom-web/studies/${studyUid}/series/${seriesUid}`;
  return [
    s,
    `${s}/metadata`,
    `${s}/rendered`,
    `${s}/thumbnail`,
    `${s}/instances`,
    `${s}/instances/${sopUid}`,
    `${s}/instances/${sopUid}/metadata`,
    `${s}/instances/${sopUid}/frames/1`,
    `${s}/instances/${sopUid}/rendered`,
    `/dicom-web/studies/${studyUid}/series?SeriesInstanceUID=${seriesUid}`,
    `/dicom-web/series?SeriesInstanceUID=${seriesUid}`,
    `/dicom-web/instances?SOPInstanceUID=${sopUid}`,
    `/dicom-web/studies/${studyUid}/instances?SOPInstanceUID=${sopUid}`,
  ];
}
const ACCEPTS = [undefined, 'application/dicom', 'text/html', 'application/dicom+json', 'multipart/related; type="application/dicom"', 'multipart/related; type="application/octet-stream"; transfer-syntax=*', 'image/jpeg', '*/*'];

describe('3 and 6. what a caller may not see answers exactly like what does not exist, and never reaches the archive', () => {
  it("another reader's result, an admin's view of a result series and a random UID give byte-identical answers, for every route and Accept", async () => {
    const randomSeries = sameLengthRandom(segA.seriesInstanceUid);
    const randomSop = sameLengthRandom(segA.sopInstanceUid);
    for (const name of ['reader-b', 'reader-c', 'root']) {
      const hidden = routes(ct.studyUid, segA.seriesInstanceUid, segA.sopInstanceUid);
      const missing = routes(ct.studyUid, randomSeries, randomSop);
      for (const [i, path] of hidden.entries()) {
        for (const accept of ACCEPTS) {
          for (const method of ['GET', 'HEAD']) {
            const headers = accept ? { accept } : undefined;
            proxy.log.length = 0;
            const a = await call(gw, method, path, { who: who[name], headers });
            const upstream = proxy.log.map((r) => r.url).join('\n');
            const b = await call(gw, method, missing[i], { who: who[name], headers });
            const label = `${name} ${method} ${path} (Accept ${accept ?? 'none'})`;
            expect(fingerprint(a), label).toEqual(fingerprint(b));
            expect(a.status, label).toBeGreaterThanOrEqual(200);
            expect(upstream, `${label}: the hidden UID reached the archive`).not.toContain(segA.seriesInstanceUid);
            expect(upstream, `${label}: the hidden UID reached the archive`).not.toContain(segA.sopInstanceUid);
          }
        }
      }
    }
  }, 300_000);
});

describe('4 and 5. STOW answers tell nothing about other reads', () => {
  it("an admin's CT image into a result series and into a fresh series answer alike beside a SEG; alone it is refused and not stored", async () => {
    const fresh = randomUid();
    const intoResult = await stow(gw, who.root, [imageInSeries(ct.files[0], segA.seriesInstanceUid), segOf(ct, { reader: 'Root' }).bytes]);
    const intoFresh = await stow(gw, who.root, [imageInSeries(ct.files[0], fresh), segOf(ct, { reader: 'Root' }).bytes]);
    expect(fingerprint(intoResult)).toEqual(fingerprint(intoFresh));
    expect(intoResult.status).toBe(403);
    const alone = await stow(gw, who.root, [imageInSeries(ct.files[0], segA.seriesInstanceUid)]);
    expect(alone.status).toBe(403);
    expect(alone.text).not.toMatch(/result/i);
    expect(await inArchive('series', 'SeriesInstanceUID', fresh)).toEqual([]);
    expect(await inArchive('instances', 'SeriesInstanceUID', segA.seriesInstanceUid)).toHaveLength(1);
  });

  it("with a wrong Patient ID, another reader's series or SOP UID and fresh ones answer alike", async () => {
    const B = who['reader-b'];
    const answers = [
      await stow(gw, B, [segOf(ct, { reader: 'B^Reader', patientId: 'WRONG', seriesInstanceUid: segA.seriesInstanceUid }).bytes]),
      await stow(gw, B, [segOf(ct, { reader: 'B^Reader', patientId: 'WRONG', sopInstanceUid: segA.sopInstanceUid }).bytes]),
      await stow(gw, B, [segOf(ct, { reader: 'B^Reader', patientId: 'WRONG' }).bytes]),
    ];
    expect(answers[0].status).toBe(400);
    for (const a of answers.slice(1)) expect(fingerprint(a)).toEqual(fingerprint(answers[0]));
  });
});

describe("a case's CT never becomes a result series", () => {
  it("a reader's SEG into the series UID of their case's CT, while the archive no longer holds that CT, is refused and claims nothing", async () => {
    // The gateway's access-fact cache keeps a visible CT's facts across stored results because of this.
    const gone = phantomCt('probe-gone');
    expect((await stow(gw, who.root, gone.files)).status).toBe(200);
    const made = await api(gw, who.root, 'POST', `/api/studies/${studyId}/cases`, { cases: [{ studyInstanceUid: gone.studyUid, seriesInstanceUid: gone.seriesUid }] });
    expect(made.status, made.text).toBe(201);
    const goneCase = made.json<{ cases: Array<{ id: number }> }>().cases[0].id;
    expect((await api(gw, who.root, 'POST', `/api/cases/${goneCase}/assignments`, { userId: ids['reader-c'] })).status).toBe(201);
    const found = (await (await fetch(`${archive.url}/tools/lookup`, { method: 'POST', body: gone.seriesUid })).json()) as Array<{ ID: string; Type: string }>;
    const seriesId = found.find((f) => f.Type === 'Series')!.ID;
    expect((await fetch(`${archive.url}/series/${seriesId}`, { method: 'DELETE' })).status).toBe(200);
    expect(await inArchive('series', 'SeriesInstanceUID', gone.seriesUid)).toEqual([]);

    // Refused before the claim (the CT's Patient ID is no longer in the archive to compare with);
    // the claim itself refuses a case's series too (blindedStore.ts), should an earlier check change.
    const into = await stow(gw, who['reader-c'], [segOf(gone, { reader: 'C^Reader', seriesInstanceUid: gone.seriesUid }).bytes]);
    expect([400, 403], into.text).toContain(into.status);
    expect((await db.query('SELECT 1 FROM result_series WHERE series_instance_uid = $1', [gone.seriesUid])).rowCount).toBe(0);
    expect(await inArchive('series', 'SeriesInstanceUID', gone.seriesUid)).toEqual([]);
  });
});
