// Frames of visible instances served by Orthanc ID (server/gateway/orthancFrames.ts): the bytes
// and transfer syntax a reader gets are exactly those Orthanc's DICOMweb plugin gives for the same
// frame, uncompressed and JPEG Lossless; what the module cannot serve as stored (a transcoding
// Accept, a frame list, an instance deleted since the series was looked up) still goes through the
// plugin; a series the reader may not see never reaches Orthanc's REST routes. A recording proxy
// sits between the gateway and the real Orthanc to tell which way each frame went.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import { firstPart, transferSyntaxOf } from '../../src/dicomweb/multipart.ts';
import { type ArchiveProxy, archiveProxy } from './archiveProxy.ts';
import { type Gateway, type PhantomCt, type Who, addUser, api, call, login, orthanc, phantomCt, randomUid, startGateway, stow } from './blindingStack.ts';
import { openTestPglite } from './dbServers.ts';

const ANY = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
const EXPLICIT = 'multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1';
const JPEG_LOSSLESS = '1.2.840.10008.1.2.4.70';

let archive: { url: string; stop: () => void };
let recorder: ArchiveProxy;
let db: Database;
let gw: Gateway;
let plain: PhantomCt;
let jpeg: PhantomCt;
let hidden: PhantomCt;
const who: Record<string, Who & { cookie: string; csrf: string }> = {};

const framePath = (ct: PhantomCt, k: number, frames = '1') => `/dicom-web/studies/${ct.studyUid}/series/${ct.seriesUid}/instances/${ct.sopUids[k]}/frames/${frames}`;

async function viaGateway(path: string, accept: string): Promise<{ status: number; bytes: Uint8Array; syntax: string; text: string }> {
  const res = await call(gw, 'GET', path, { who: who.reader, headers: { accept } });
  const part = firstPart(new Uint8Array(res.body), String(res.headers['content-type'] ?? ''));
  return { status: res.status, bytes: part.body, syntax: transferSyntaxOf(part.contentType), text: res.text };
}

async function viaPlugin(path: string, accept: string): Promise<{ bytes: Uint8Array; syntax: string }> {
  const res = await fetch(`${archive.url}${path}`, { headers: { accept } });
  expect(res.status).toBe(200);
  const part = firstPart(new Uint8Array(await res.arrayBuffer()), res.headers.get('content-type') ?? '');
  return { bytes: part.body, syntax: transferSyntaxOf(part.contentType) };
}

/** What the gateway asked Orthanc while `act` ran. */
async function asked(act: () => Promise<unknown>): Promise<string[]> {
  const from = recorder.log.length;
  await act();
  return recorder.log.slice(from).map((r) => `${r.method} ${r.url}`);
}

/** The CT re-encoded by Orthanc itself, every UID kept, in place of the stored one. */
async function transcodeInArchive(ct: PhantomCt, syntax: string): Promise<void> {
  for (const sop of ct.sopUids) {
    const [found] = (await (await fetch(`${archive.url}/tools/lookup`, { method: 'POST', body: sop })).json()) as Array<{ ID: string }>;
    const modified = await fetch(`${archive.url}/instances/${found.ID}/modify`, {
      method: 'POST',
      body: JSON.stringify({ Transcode: syntax, Keep: ['StudyInstanceUID', 'SeriesInstanceUID', 'SOPInstanceUID'], Force: true }),
    });
    expect(modified.status).toBe(200);
    const bytes = Buffer.from(await modified.arrayBuffer());
    expect((await fetch(`${archive.url}/instances/${found.ID}`, { method: 'DELETE' })).status).toBe(200);
    expect((await fetch(`${archive.url}/instances`, { method: 'POST', body: bytes })).status).toBe(200);
  }
}

beforeAll(async () => {
  archive = await orthanc();
  recorder = await archiveProxy(archive.url);
  db = await openTestPglite();
  gw = await startGateway(recorder.url, db);
  for (const [name, role] of [['root', 'admin'], ['reader', 'reader']] as const) await addUser(gw.app, name, role);
  for (const name of ['root', 'reader']) who[name] = await login(gw, name);
  plain = phantomCt('frames-plain', 3);
  jpeg = phantomCt('frames-jpeg', 3);
  hidden = phantomCt('frames-hidden', 1);
  for (const ct of [plain, jpeg, hidden]) expect((await stow(gw, who.root, ct.files)).status).toBe(200);
  await transcodeInArchive(jpeg, JPEG_LOSSLESS);
  const study = await api(gw, who.root, 'POST', '/api/studies', { name: `Frames ${randomUid()}`, readersPerCase: 1, seed: 'frames', segmentList: [{ label: 'Lesion' }] });
  const added = await api(gw, who.root, 'POST', `/api/studies/${study.json<{ study: { id: number } }>().study.id}/cases`, {
    cases: [plain, jpeg, hidden].map((ct) => ({ studyInstanceUid: ct.studyUid, seriesInstanceUid: ct.seriesUid })),
  });
  expect(added.status, added.text).toBe(201);
  const [a, b] = added.json<{ cases: Array<{ id: number }> }>().cases.map((c) => c.id);
  for (const id of [a, b]) expect((await api(gw, who.root, 'POST', `/api/cases/${id}/assignments`, { userId: (await db.query<{ id: number }>("SELECT id FROM users WHERE username = 'reader'")).rows[0].id })).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await gw?.app.close();
  await db?.close();
  await recorder?.close();
  archive?.stop();
});

describe('frames of visible instances by Orthanc ID', () => {
  it('gives the plugin’s bytes and transfer syntax, uncompressed and JPEG Lossless, without asking the plugin, the first time (syntax asked beside the frame) and after (streamed)', async () => {
    for (const [ct, syntax] of [[plain, '1.2.840.10008.1.2.1'], [jpeg, JPEG_LOSSLESS], [plain, '1.2.840.10008.1.2.1'], [jpeg, JPEG_LOSSLESS]] as const) {
      for (let k = 0; k < ct.slices; k++) {
        let got: Awaited<ReturnType<typeof viaGateway>> | undefined;
        const requests = await asked(async () => (got = await viaGateway(framePath(ct, k), ANY)));
        expect(got!.status, got!.text).toBe(200);
        const expected = await viaPlugin(framePath(ct, k), ANY);
        expect(got!.syntax).toBe(syntax);
        expect(expected.syntax).toBe(syntax);
        expect(Buffer.from(got!.bytes).equals(Buffer.from(expected.bytes))).toBe(true);
        expect(requests.some((r) => r.includes('/frames/0/raw'))).toBe(true);
        expect(requests.some((r) => r.startsWith('GET /dicom-web/'))).toBe(false);
      }
    }
    // Uncompressed voxels are the phantom's own stored values.
    const stored = plain.files[0];
    const got = await viaGateway(framePath(plain, 0), EXPLICIT);
    expect(Buffer.from(stored.subarray(stored.length - got.bytes.length)).equals(Buffer.from(got.bytes))).toBe(true);
  });

  it('leaves to the plugin what it cannot send as stored: a transcoding Accept, a frame list', async () => {
    let got: Awaited<ReturnType<typeof viaGateway>> | undefined;
    const requests = await asked(async () => (got = await viaGateway(framePath(jpeg, 0), EXPLICIT)));
    expect(got!.status, got!.text).toBe(200);
    expect(got!.syntax).toBe('1.2.840.10008.1.2.1');
    expect(Buffer.from(got!.bytes).equals(Buffer.from((await viaPlugin(framePath(jpeg, 0), EXPLICIT)).bytes))).toBe(true);
    expect(requests.some((r) => r.startsWith(`GET ${framePath(jpeg, 0)}`))).toBe(true);
    const listed = await asked(() => viaGateway(framePath(plain, 0, '1,1'), ANY));
    expect(listed.some((r) => r.startsWith(`GET ${framePath(plain, 0, '1,1')}`))).toBe(true);
  });

  it('answers a frame of an instance deleted after its series was looked up with the plugin’s 404', async () => {
    expect((await viaGateway(framePath(plain, 2), ANY)).status).toBe(200);
    const [found] = (await (await fetch(`${archive.url}/tools/lookup`, { method: 'POST', body: plain.sopUids[2] })).json()) as Array<{ ID: string }>;
    expect((await fetch(`${archive.url}/instances/${found.ID}`, { method: 'DELETE' })).status).toBe(200);
    const gone = await call(gw, 'GET', framePath(plain, 2), { who: who.reader, headers: { accept: ANY } });
    const missing = await call(gw, 'GET', framePath(plain, 2).replace(plain.sopUids[2], randomUid()), { who: who.reader, headers: { accept: ANY } });
    expect(gone.status).toBe(404);
    expect(gone.text).toBe(missing.text);
  });

  it('never asks Orthanc’s REST routes about a series the reader may not see', async () => {
    const requests = await asked(async () => expect((await viaGateway(framePath(hidden, 0), ANY)).status).toBe(404));
    expect(requests.filter((r) => !r.startsWith('GET /dicom-web/'))).toEqual([]);
  });
});
