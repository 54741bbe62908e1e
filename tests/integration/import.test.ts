// The de-identified import against the real gateway and a real Orthanc: files with an identifying
// value in every attribute of the profile's table go in through PUT /api/import/:id/files; what
// WADO-RS gives back holds none of them (read with dcmtk's dcmdump and as bytes), passes dciodvfy,
// keeps its pixel bytes; a cut import run again and a second import store each instance once, with
// the same UIDs; bad files are named and skipped; only admins may import.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import { identifiedSeries, type IdentifiedSeries } from '../../server/import/identifiedCt.testSupport.ts';
import { parsePart10 } from '../../src/dicom/part10Reader.ts';
import { StoredZipWriter } from '../../src/export/storedZip.ts';
import { dciodvfy, onPath } from '../../src/dicom/dicomTools.testSupport.ts';
import type { ImportFileOutcome, ImportProgress, ImportSummary } from '../../src/model/importApi.ts';
import { PASSWORD, type Gateway, type Who, addUser, api, call, login, orthanc, randomUid, startGateway } from './blindingStack.ts';
import { openTestPglite } from './dbServers.ts';

let archive: { url: string; stop: () => void };
let db: Database;
let gw: Gateway;
let admin: Who & { cookie: string; csrf: string };
let reader: Who & { cookie: string; csrf: string };
let ct: IdentifiedSeries;
let studyId: number;
const dir = mkdtempSync(join(tmpdir(), 'ctaw-import-it-'));
const ROOT = resolve(import.meta.dirname, '../..');

beforeAll(async () => {
  archive = await orthanc();
  db = await openTestPglite();
  gw = await startGateway(archive.url, db);
  await addUser(gw.app, 'impadmin', 'admin');
  await addUser(gw.app, 'impreader', 'reader');
  admin = await login(gw, 'impadmin');
  reader = await login(gw, 'impreader');
  // 40 slices 4 mm apart: 156 mm, a chest's extent, so the series passes every quality rule.
  ct = identifiedSeries({ seed: `import-it-${randomUid()}`, slices: 40, sliceSpacingMm: 4, rows: 16 });
  const res = await api(gw, admin, 'POST', '/api/studies', { name: `Import ${randomUid()}`, readersPerCase: 1, seed: 's', formSchema: { id: 'chest', version: '1' }, segmentList: [{ value: 1, label: 'GGO' }] });
  expect(res.status, res.text).toBe(201);
  studyId = res.json<{ study: { id: number } }>().study.id;
}, 120_000);

afterAll(async () => {
  await gw?.app.close();
  await db?.close();
  archive?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function startImport(body: unknown = {}): Promise<number> {
  const res = await api(gw, admin, 'POST', '/api/import', body);
  expect(res.status, res.text).toBe(201);
  return res.json<ImportProgress>().importId;
}

async function send(importId: number, name: string, bytes: Uint8Array): Promise<ImportFileOutcome> {
  const res = await call(gw, 'PUT', `/api/import/${importId}/files?name=${encodeURIComponent(name)}`, { who: admin, headers: { 'content-type': 'application/dicom' }, body: Buffer.from(bytes) });
  expect(res.status, res.text).toBe(200);
  return res.json<ImportFileOutcome>();
}

async function finish(importId: number, body: unknown = {}): Promise<ImportSummary> {
  const res = await api(gw, admin, 'POST', `/api/import/${importId}/finish`, body);
  expect(res.status, res.text).toBe(200);
  return res.json<ImportSummary>();
}

/** One instance by WADO-RS through the gateway, as the Part 10 bytes of its one part. */
async function wado(studyUid: string, seriesUid: string, sopUid: string): Promise<Uint8Array> {
  const res = await call(gw, 'GET', `/dicom-web/studies/${studyUid}/series/${seriesUid}/instances/${sopUid}`, { who: admin, headers: { accept: 'multipart/related; type="application/dicom"' } });
  expect(res.status).toBe(200);
  const boundary = /boundary="?([^";]+)"?/.exec(String(res.headers['content-type']))![1];
  const start = res.body.indexOf('\r\n\r\n') + 4;
  const end = res.body.indexOf(Buffer.from(`\r\n--${boundary}`), start);
  return new Uint8Array(res.body.subarray(start, end));
}

function pixels(bytes: Uint8Array): Buffer {
  const { reader: r, ds } = parsePart10(bytes, { implicitVrs: new Map(), objectName: 'image' });
  return Buffer.from(r.bulk(ds, 0x7fe00010)!);
}

function importCommand(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/import.ts'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

let firstOutcomes: ImportFileOutcome[] = [];

describe('import', () => {
  it('an import cut by a server restart, run again with a not-DICOM and a truncated file: each named and skipped, the rest stored once, a case made', async () => {
    // The first run stops after half the files (never finished: the client went away).
    const cut = await startImport();
    for (let k = 0; k < 20; k++) expect((await send(cut, `IM${k}.dcm`, ct.files[k])).status).toBe('stored');
    // The server stops there and starts again on the same database: the import's files so far are
    // in the database, not in the process that took them.
    await gw.app.close();
    gw = await startGateway(archive.url, db);
    const kept = await call(gw, 'GET', `/api/import/${cut}`, { who: admin });
    expect(kept.json<ImportProgress>()).toMatchObject({ files: 20, stored: 20, finished: false });

    const again = await startImport({ studyId });
    const outcomes: ImportFileOutcome[] = [];
    outcomes.push(await send(again, 'notes.txt', new TextEncoder().encode('Patient DOEMARKER, see attached images')));
    outcomes.push(await send(again, 'broken.dcm', ct.files[0].subarray(0, ct.files[0].length - 300)));
    for (let k = 0; k < ct.files.length; k++) outcomes.push(await send(again, `IM${k}.dcm`, ct.files[k]));
    expect(outcomes[0]).toMatchObject({ name: 'notes.txt', status: 'skipped', reason: 'not a DICOM file' });
    expect(outcomes[1]).toMatchObject({ name: 'broken.dcm', status: 'skipped' });
    expect(outcomes[1].reason).toMatch(/damaged or truncated/);
    expect(outcomes.slice(2, 22).every((o) => o.status === 'duplicate')).toBe(true);
    expect(outcomes.slice(22).every((o) => o.status === 'stored')).toBe(true);
    firstOutcomes = outcomes.slice(2);

    const summary = await finish(again);
    expect(summary).toMatchObject({ files: 42, stored: 20, duplicates: 20, skipped: 2, series: 1, patients: 1, studyId });
    expect(summary.skippedFiles.map((f) => f.name)).toEqual(['notes.txt', 'broken.dcm']);
    expect(summary.seriesResults).toHaveLength(1);
    const [series] = summary.seriesResults;
    expect(series).toMatchObject({ verdict: 'accepted', problems: [], slices: 40, patient: expect.stringMatching(/^CTAW-\d{6}$/) });
    expect(series.caseId).toBeGreaterThan(0);
    const cases = await db.query('SELECT series_instance_uid FROM cases WHERE study_id = $1', [studyId]);
    expect(cases.rows.map((r) => r.series_instance_uid)).toEqual([series.seriesInstanceUid]);

    // Stored once: the archive holds 40 instances of the new series, none of the source series.
    const instances = await fetch(`${archive.url}/dicom-web/studies/${series.studyInstanceUid}/series/${series.seriesInstanceUid}/instances`).then((r) => r.json() as Promise<unknown[]>);
    expect(instances).toHaveLength(40);
    const source = await fetch(`${archive.url}/dicom-web/studies?StudyInstanceUID=${ct.studyUid}`).then((r) => r.json() as Promise<unknown[]>);
    expect(source).toEqual([]);
  });

  it('what WADO returns holds none of the identifying values (dcmdump and bytes), passes dciodvfy, keeps the pixels', async () => {
    const series = firstOutcomes[0];
    const studyUid = (await db.query<{ study_instance_uid: string }>('SELECT study_instance_uid FROM cases WHERE series_instance_uid = $1', [series.seriesInstanceUid])).rows[0].study_instance_uid;
    const dcmdump = onPath('dcmdump');
    for (const k of [0, 17, 39]) {
      const bytes = await wado(studyUid, series.seriesInstanceUid!, firstOutcomes[k].sopInstanceUid!);
      const raw = Buffer.from(bytes).toString('latin1');
      const forbidden = [...ct.secrets, ...ct.sourceUids];
      expect(forbidden.filter((s) => raw.includes(s))).toEqual([]);
      if (dcmdump) {
        const path = join(dir, `wado-${k}.dcm`);
        writeFileSync(path, bytes);
        const dump = execFileSync('dcmdump', ['+L', path], { encoding: 'latin1' });
        expect(dump).toMatch(/PatientIdentityRemoved/);
        expect(forbidden.filter((s) => dump.includes(s))).toEqual([]);
      }
      if (onPath('dciodvfy')) expect(dciodvfy(bytes).errors).toEqual([]);
      expect(pixels(bytes).equals(pixels(ct.files[k]))).toBe(true);
    }
  });

  it('a second import of the same files gives the same UIDs and stores nothing twice', async () => {
    const second = await startImport();
    const outcomes: ImportFileOutcome[] = [];
    for (let k = 0; k < ct.files.length; k++) outcomes.push(await send(second, `again-${k}.dcm`, ct.files[k]));
    expect(outcomes.map((o) => o.status)).toEqual(ct.files.map(() => 'duplicate'));
    expect(outcomes.map((o) => o.sopInstanceUid)).toEqual(firstOutcomes.map((o) => o.sopInstanceUid));
    const summary = await finish(second);
    expect(summary.seriesResults[0].seriesInstanceUid).toBe(firstOutcomes[0].seriesInstanceUid);
    const [one] = summary.seriesResults;
    const instances = await fetch(`${archive.url}/dicom-web/studies/${one.studyInstanceUid}/series/${one.seriesInstanceUid}/instances`).then((r) => r.json() as Promise<unknown[]>);
    expect(instances).toHaveLength(40);
  });

  it('puts each import in the audit log with counts and reasons, never a name, an ID or a file name', async () => {
    const rows = await db.query<{ detail: unknown; user_id: number }>("SELECT user_id, detail FROM audit_log WHERE action = 'import.run' ORDER BY id");
    expect(rows.rows).toHaveLength(2);
    expect(rows.rows[0].detail).toMatchObject({ files: 42, stored: 20, duplicates: 20, skipped: 2, patients: 1 });
    const everything = JSON.stringify((await db.query('SELECT * FROM audit_log')).rows) + JSON.stringify((await db.query('SELECT * FROM imports')).rows);
    expect([...ct.secrets, ct.patientName, ct.patientId, 'notes.txt', 'IM1.dcm'].filter((s) => everything.includes(s))).toEqual([]);
  });

  it('de-identifies without storing (POST /api/import/deidentify) with the same keys', async () => {
    const res = await call(gw, 'POST', '/api/import/deidentify', { who: admin, headers: { 'content-type': 'application/dicom' }, body: Buffer.from(ct.files[3]) });
    expect(res.status).toBe(200);
    const { reader: r, ds } = parsePart10(new Uint8Array(res.body), { implicitVrs: new Map(), objectName: 'image' });
    expect(r.string(ds, 0x00080018)).toBe(firstOutcomes[3].sopInstanceUid);
    const refused = await call(gw, 'POST', '/api/import/deidentify', { who: admin, headers: { 'content-type': 'application/dicom' }, body: 'not dicom at all, really not' });
    expect(refused.status).toBe(422);
  });

  it('npm run import: a folder through the running server, progress on stderr, the summary on stdout', async () => {
    const folder = join(dir, 'cli-in');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    ct.files.forEach((f, k) => writeFileSync(join(folder, k % 2 ? 'sub' : '.', `IM${k}.dcm`), f));
    writeFileSync(join(folder, 'readme.txt'), 'not an image');
    // Not spawnSync: the gateway answering the command runs in this process.
    const run = await importCommand(['--url', gw.base, '--user', 'impadmin', '--study', String(studyId), folder], { CTAW_IMPORT_PASSWORD: PASSWORD });
    expect(run.stdout).toMatch(/41 files .*0 stored, 40 already there, 1 skipped; 1 patient\(s\), 1 series/);
    expect(run.stdout).toMatch(/skipped readme.txt: not a DICOM file/);
    expect(run.stdout).toMatch(/accepted, case \d+/);
    expect(run.stderr).toMatch(/41\/41 files/);
    expect(run.status).toBe(1);
  });

  it('npm run import -- --deidentify-only OUT --keys FILE: the same files from the same keys, nothing stored', async () => {
    const folder = join(dir, 'cli-deid-in');
    mkdirSync(folder, { recursive: true });
    ct.files.slice(0, 3).forEach((f, k) => writeFileSync(join(folder, `IM${k}.dcm`), f));
    const keys = join(dir, 'keys.json');
    const outs = [join(dir, 'deid-1'), join(dir, 'deid-2')];
    for (const out of outs) {
      const run = await importCommand(['--deidentify-only', out, '--keys', keys, folder]);
      expect(run.stdout, run.stderr).toMatch(/3 de-identified file\(s\) written/);
      expect(run.status).toBe(0);
    }
    expect(JSON.parse(readFileSync(keys, 'utf8'))).toMatchObject({ format: 'ctaw-import-keys-1' });
    for (const name of readdirSync(outs[0])) {
      const a = readFileSync(join(outs[0], name));
      expect(a.equals(readFileSync(join(outs[1], name)))).toBe(true);
      const raw = a.toString('latin1');
      expect([...ct.secrets, ...ct.sourceUids].filter((x) => raw.includes(x))).toEqual([]);
    }
    // The same files in a zip archive, as a hospital sends them: the same de-identified output.
    const chunks: Uint8Array[] = [];
    const zip = new StoredZipWriter((c) => void chunks.push(c.slice()));
    for (const name of readdirSync(folder).sort()) await zip.add(`scan/${name}`, new Uint8Array(readFileSync(join(folder, name))));
    await zip.finish();
    const archive = join(dir, 'cli-deid.zip');
    writeFileSync(archive, Buffer.concat(chunks));
    const zipped = join(dir, 'deid-zip');
    const run = await importCommand(['--deidentify-only', zipped, '--keys', keys, archive]);
    expect(run.stdout, run.stderr).toMatch(/3 de-identified file\(s\) written/);
    for (const name of readdirSync(outs[0])) expect(readFileSync(join(zipped, name)).equals(readFileSync(join(outs[0], name)))).toBe(true);

    // Uploaded later: the site's UIDs are kept (its later batches join the same study), the site's
    // pseudonym replaced by one of the server's, and a second upload stores nothing.
    const upload = async () => {
      const id = await startImport();
      const outcomes: ImportFileOutcome[] = [];
      for (const name of readdirSync(outs[0]).sort()) outcomes.push(await send(id, name, new Uint8Array(readFileSync(join(outs[0], name)))));
      return { outcomes, summary: await finish(id) };
    };
    const siteUids = readdirSync(outs[0]).sort().map((name) => {
      const { reader: r, ds } = parsePart10(new Uint8Array(readFileSync(join(outs[0], name))), { implicitVrs: new Map(), objectName: 'image' });
      return [r.string(ds, 0x00080018), r.string(ds, 0x0020000e)];
    });
    const first = await upload();
    expect(first.outcomes.map((o) => o.status)).toEqual(siteUids.map(() => 'stored'));
    expect(first.outcomes.map((o) => [o.sopInstanceUid, o.seriesInstanceUid])).toEqual(siteUids);
    const stored = await wado(first.summary.seriesResults[0].studyInstanceUid, siteUids[0][1]!, siteUids[0][0]!);
    const { reader: r, ds } = parsePart10(stored, { implicitVrs: new Map(), objectName: 'image' });
    const sitePseudonym = parsePart10(new Uint8Array(readFileSync(join(outs[0], readdirSync(outs[0]).sort()[0]))), { implicitVrs: new Map(), objectName: 'image' });
    expect(r.string(ds, 0x00100020)).toMatch(/^CTAW-\d{6}$/);
    expect(r.string(ds, 0x00100020)).not.toBe(sitePseudonym.reader.string(sitePseudonym.ds, 0x00100020));
    expect((await upload()).outcomes.map((o) => o.status)).toEqual(siteUids.map(() => 'duplicate'));
  });

  it('an import spread over two gateways on one database (as behind HAProxy): files to either, the same image to both at once stored once, finished through the other', async () => {
    const other = await startGateway(archive.url, db);
    try {
      const two = identifiedSeries({ seed: `import-two-${randomUid()}`, slices: 40, sliceSpacingMm: 4, rows: 16 });
      const id = await startImport({ studyId });
      const gws = [gw, other];
      const put = async (g: Gateway, name: string, bytes: Uint8Array) => {
        const res = await call(g, 'PUT', `/api/import/${id}/files?name=${name}`, { who: admin, headers: { 'content-type': 'application/dicom' }, body: Buffer.from(bytes) });
        expect(res.status, res.text).toBe(200);
        return res.json<ImportFileOutcome>();
      };
      const outcomes = await Promise.all(two.files.slice(0, 39).map((f, k) => put(gws[k % 2], `IM${k}.dcm`, f)));
      expect(outcomes.map((o) => o.status)).toEqual(outcomes.map(() => 'stored'));
      const twice = await Promise.all(gws.map((g, k) => put(g, `IM39-${k}.dcm`, two.files[39])));
      expect(twice.map((o) => o.status).sort()).toEqual(['skipped', 'stored']);
      expect(twice.find((o) => o.status === 'skipped')?.reason).toMatch(/^duplicate: the same image as IM39-[01].dcm in this import$/);
      expect((await call(other, 'GET', `/api/import/${id}`, { who: admin })).json<ImportProgress>()).toMatchObject({ files: 41, stored: 40, skipped: 1, series: 1, patients: 1, finished: false });

      const fin = await call(other, 'POST', `/api/import/${id}/finish`, { who: admin, headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(fin.status, fin.text).toBe(200);
      const summary = fin.json<ImportSummary>();
      expect(summary).toMatchObject({ files: 41, stored: 40, skipped: 1, finished: true, studyId });
      expect(summary.skippedFiles.map((f) => f.name)).toHaveLength(1);
      expect(summary.seriesResults).toHaveLength(1);
      expect(summary.seriesResults[0]).toMatchObject({ verdict: 'accepted', slices: 40 });
      expect(summary.seriesResults[0].caseId).toBeGreaterThan(0);
      // Asked again through the first gateway: the same answer, without the file names.
      const again = await finish(id);
      expect(again.seriesResults).toEqual(summary.seriesResults);
      expect(again.skippedFiles.map((f) => f.name)).toEqual(['(name not kept)']);
      expect((await db.query('SELECT count(*)::int AS n FROM import_files WHERE import_id = $1 AND name IS NOT NULL', [id])).rows[0].n).toBe(0);
      expect((await call(gw, 'PUT', `/api/import/${id}/files?name=late.dcm`, { who: admin, headers: { 'content-type': 'application/dicom' }, body: Buffer.from(two.files[0]) })).status).toBe(409);
      const [s] = summary.seriesResults;
      const instances = await fetch(`${archive.url}/dicom-web/studies/${s.studyInstanceUid}/series/${s.seriesInstanceUid}/instances`).then((r) => r.json() as Promise<unknown[]>);
      expect(instances).toHaveLength(40);
    } finally {
      await other.app.close();
    }
  });

  it('answers a reader and a caller without a session as the admin routes do', async () => {
    for (const [method, path, body] of [
      ['POST', '/api/import', '{}'],
      ['PUT', '/api/import/1/files?name=x', 'DICM'],
      ['GET', '/api/import/patients', undefined],
      ['POST', '/api/import/deidentify', 'DICM'],
    ] as const) {
      const headers = { 'content-type': method === 'PUT' || path.endsWith('deidentify') ? 'application/dicom' : 'application/json' };
      const asReader = await call(gw, method, path, { who: reader, headers, body });
      const adminRoute = await call(gw, method === 'GET' ? 'GET' : 'POST', '/api/admin/users', { who: reader, headers: { 'content-type': 'application/json' }, body: method === 'GET' ? undefined : '{}' });
      expect([asReader.status, asReader.text], path).toEqual([adminRoute.status, adminRoute.text]);
      expect(asReader.status).toBe(403);
      const nobody = await call(gw, method, path, { headers, body });
      expect(nobody.status).toBe(401);
    }
  });
});
