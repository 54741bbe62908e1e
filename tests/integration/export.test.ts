// The research dataset export (issue 20) against the real gateway and a real Orthanc: a study with
// one complete case read by two readers (A with a read form) and a lead's consensus, one case
// still waiting for its second reader, and a kept agreement. The export lists every file in its
// manifest with the right checksum, the CT NIfTI holds the CT's HU, each labelmap NIfTI holds the
// SEG's labelmap decoded on the CT, reads.csv the volumes and coded answers the app computes, the
// SEGs pass dciodvfy, a second export writes nothing, a revised read rewrites only what changed,
// and the command refuses a bad setting in one line with exit code 2.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync, gzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/database.ts';
import { GZIP_LEVEL, exportDataset, type DatasetOutcome } from '../../server/export/datasetExport.ts';
import { folderFiles } from '../../server/export/folderFiles.ts';
import { reviewCase } from '../../server/study/reviewQueue.ts';
import { keepAgreement } from '../../server/study/reviewStore.ts';
import { derivedUid } from '../../scripts/data/syntheticCt.ts';
import { dciodvfy, onPath } from '../../src/dicom/dicomTools.testSupport.ts';
import type { DatasetManifest } from '../../src/export/datasetManifest.ts';
import type { CaseAgreement } from '../../src/model/review.ts';
import type { Segment } from '../../src/model/segment.ts';
import { fileSlug } from '../../src/review/exportCsv.ts';
import { ctSeriesFromPart10 } from '../../src/quant/ctFromPart10.ts';
import { decodeSeg } from '../../src/seg/segDecoder.ts';
import { encodeSeg } from '../../src/seg/segEncoder.ts';
import type { SegDecodeTarget } from '../../src/seg/segModel.ts';
import { encodeSr } from '../../src/sr/srEncoder.ts';
import { type Gateway, type PhantomCt, type Who, addUser, api, call, login, orthanc, phantomCt, randomUid, startGateway, stow } from './blindingStack.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SOFTWARE = { name: 'ct-annotation-workstation', version: 'test', commit: null };
const SEGMENTS: Segment[] = [
  { value: 1, label: 'Ground-glass opacity', color: [255, 200, 0], category: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' }, type: { value: '45828002', scheme: 'SCT', meaning: 'Ground glass opacity' } },
  { value: 2, label: 'Consolidation', color: [255, 0, 0], category: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' }, type: { value: '95436008', scheme: 'SCT', meaning: 'Lung consolidation' } },
];

let archive: { url: string; stop: () => void };
let db: Database;
let gw: Gateway;
const ids: Record<string, number> = {};
const who: Record<string, Who & { cookie: string; csrf: string }> = {};
let ct: PhantomCt;
let waiting: PhantomCt;
let studyId: number;
let caseId: number;
let out: string;
let pgliteDir: string;
/** the case label (made by the server), its pseudonym here, and its folder */
let label: string;
let dir: string;
const painted: Record<string, Uint8Array> = {};
const segBytes: Record<string, Uint8Array> = {};

const N = 32;
const SLICES = 4;
const grid = { dims: [N, N, SLICES] as [number, number, number], spacing: [10, 10, 10] as [number, number, number], origin: [-((N - 1) / 2) * 10, -((N - 1) / 2) * 10, SLICES * 10] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, -1] };

/** A labelmap with `ggo` voxels of segment 1 and `cons` of segment 2, from a seed, on the CT's grid. */
function labelsOf(ggo: number, cons: number, seed: number): Uint8Array {
  const labels = new Uint8Array(N * N * SLICES);
  let n = seed;
  const next = () => (n = (n * 1103515245 + 12345) % 2 ** 31) % labels.length;
  for (const [value, count] of [[1, ggo], [2, cons]] as const) {
    for (let placed = 0; placed < count; ) {
      const at = next();
      if (labels[at] !== 0) continue;
      labels[at] = value;
      placed++;
    }
  }
  return labels;
}

function seg(c: PhantomCt, reader: string, labels: Uint8Array, seriesInstanceUid = randomUid()): { bytes: Uint8Array; sopInstanceUid: string; seriesInstanceUid: string } {
  const sopInstanceUid = randomUid();
  const bytes = encodeSeg({
    source: {
      studyInstanceUid: c.studyUid, seriesInstanceUid: c.seriesUid, frameOfReferenceUid: derivedUid(c.seed, 'frame-of-reference'), patientName: 'BLIND^TEST', patientId: c.patientId,
      grid, slices: c.sopUids.map((sop) => ({ sopInstanceUid: sop, sopClassUid: '1.2.840.10008.5.1.4.1.1.2' })),
    },
    labels, segments: SEGMENTS, reader, seriesDescription: `Lesions (${reader})`, seriesNumber: 9001, instanceNumber: 1, sopInstanceUid, seriesInstanceUid, contentDateTime: new Date(),
  }).bytes;
  return { bytes, sopInstanceUid, seriesInstanceUid };
}

function sr(c: PhantomCt, reader: string): Uint8Array {
  return encodeSr({
    source: { studyInstanceUid: c.studyUid, seriesInstanceUid: c.seriesUid, frameOfReferenceUid: derivedUid(c.seed, 'frame-of-reference'), patientName: 'BLIND^TEST', patientId: c.patientId, sopClassUid: '1.2.840.10008.5.1.4.1.1.2', instanceUids: c.sopUids },
    schema: { id: 'covid-comorbidity', version: '1', title: 'Comorbidities' },
    answers: [
      { itemId: 'emphysema', concept: { value: '87433001', scheme: 'SCT', meaning: 'Pulmonary emphysema' }, kind: 'code', value: { value: '52101004', scheme: 'SCT', meaning: 'Present' } },
      { itemId: 'paTrunk', concept: { value: '99CTAW-PA', scheme: '99CTAW', meaning: 'PA trunk diameter' }, kind: 'num', value: 31.5, unit: { code: 'mm', meaning: 'millimeter' } },
    ],
    reader, sopInstanceUid: randomUid(), seriesInstanceUid: randomUid(), seriesNumber: 9002, instanceNumber: 1, contentDateTime: new Date(), complete: true,
    // The assertion keeps this test independent of which optional SR fields the encoder has.
  } as Parameters<typeof encodeSr>[0]);
}

async function storeSeg(user: string, name: string, labels: Uint8Array, series?: string): Promise<string> {
  const s = seg(ct, user, labels, series);
  const res = await stow(gw, who[user], [s.bytes]);
  expect(res.status, res.text).toBe(200);
  painted[name] = labels;
  segBytes[name] = s.bytes;
  return s.seriesInstanceUid;
}

async function runExport(opts: { realNames?: boolean } = {}): Promise<DatasetOutcome & { writes: number }> {
  const files = folderFiles(out);
  const outcome = await exportDataset(db, archive.url, files, { studyId, software: SOFTWARE, gzip: (b) => gzipSync(b, { level: GZIP_LEVEL }), realNames: opts.realNames });
  return { ...outcome, writes: files.writes };
}

const manifest = (): DatasetManifest => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as DatasetManifest;

function readNifti(path: string) {
  const raw = gunzipSync(readFileSync(join(out, path)));
  const buffer = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer;
  const header = nifti.readHeader(buffer) as nifti.NIFTI1;
  return { header, image: nifti.readImage(header, buffer) };
}

function csvRows(path: string): Array<Record<string, string>> {
  const [head, ...rows] = readFileSync(join(out, path), 'utf8').trimEnd().split('\r\n').map((l) => l.split(','));
  return rows.map((r) => Object.fromEntries(head.map((h, n) => [h, r[n]])));
}

function count(labels: Uint8Array, value: number): number {
  let n = 0;
  for (const v of labels) if (v === value) n++;
  return n;
}

let segSeriesB: string;
let leadSeries: string;

beforeAll(async () => {
  archive = await orthanc();
  // On disk, not in memory: the last test closes it and runs the command on the same database.
  pgliteDir = mkdtempSync(join(tmpdir(), 'ctaw-export-pglite-'));
  db = await openDatabase({ url: null, pgliteDir });
  gw = await startGateway(archive.url, db);
  for (const [name, role] of [['root', 'admin'], ['ann', 'reader'], ['bob', 'reader'], ['lea', 'lead']] as const) ids[name] = await addUser(gw.app, name, role);
  for (const name of Object.keys(ids)) who[name] = await login(gw, name);
  ct = phantomCt('export', SLICES);
  waiting = phantomCt('export-waiting', SLICES);
  for (const c of [ct, waiting]) expect((await stow(gw, who.root, c.files)).status).toBe(200);
  const study = await api(gw, who.root, 'POST', '/api/studies', { name: `Export ${randomUid()}`, readersPerCase: 2, seed: 'export', segmentList: SEGMENTS.map(({ label }) => ({ label })) });
  studyId = study.json<{ study: { id: number } }>().study.id;
  const added = await api(gw, who.root, 'POST', `/api/studies/${studyId}/cases`, { cases: [ct, waiting].map((c) => ({ studyInstanceUid: c.studyUid, seriesInstanceUid: c.seriesUid })) });
  expect(added.status, added.text).toBe(201);
  const [first, second] = added.json<{ cases: Array<{ id: number }> }>().cases.map((c) => c.id);
  caseId = first;
  for (const [c, user] of [[first, 'ann'], [first, 'bob'], [second, 'ann'], [second, 'bob']] as const) expect((await api(gw, who.root, 'POST', `/api/cases/${c}/assignments`, { userId: ids[user] })).status).toBe(201);
  for (const user of ['ann', 'bob']) expect((await call(gw, 'POST', `/api/cases/${first}/opened`, { who: who[user] })).status).toBe(204);
  await storeSeg('ann', 'ann', labelsOf(30, 12, 1));
  expect((await stow(gw, who.ann, [sr(ct, 'ann')])).status).toBe(200);
  segSeriesB = await storeSeg('bob', 'bob', labelsOf(25, 0, 2));
  leadSeries = await storeSeg('lea', 'consensus', labelsOf(28, 10, 3));
  // Only ann read the second case: it is not complete and must not be exported.
  const other = await stow(gw, who.ann, [seg(waiting, 'ann', new Uint8Array(N * N * SLICES)).bytes]);
  expect(other.status, other.text).toBe(200);
  const current = (await reviewCase(db, caseId))!;
  label = current.label;
  dir = `cases/${fileSlug(label)}`;
  const figures = { dice: 0.5, jaccard: 1 / 3, voxelsA: 42, voxelsB: 25, volumeAMl: 42, volumeBMl: 25, volumeDiffMl: 17, volumeDiffPct: 50.7, hdMm: 30, hd95Mm: 20, msdMm: 5, lesionsA: 40, lesionsB: 25, matchedA: 10, matchedB: 10, missed: 30, extra: 15, lesionF1: 0.3 };
  const agreement: CaseAgreement = { caseId, versions: current.versions, pairs: [{ userA: ids.ann, userB: ids.bob, segment: null, figures }], form: [], reads: [], computedAt: new Date().toISOString() };
  await keepAgreement(db, agreement, { userId: ids.lea, at: new Date(), ip: null });
  out = mkdtempSync(join(tmpdir(), 'ctaw-export-'));
}, 180_000);

let closed = false;
async function closeServer(): Promise<void> {
  if (closed) return;
  closed = true;
  await gw?.app.close();
  await db?.close();
}

afterAll(async () => {
  await closeServer();
  archive?.stop();
  for (const dir of [out, pgliteDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the research dataset export', () => {
  let first: Awaited<ReturnType<typeof runExport>>;

  it('exports the complete case only, and lists every file in the manifest with its SHA-256', async () => {
    first = await runExport();
    expect(first.cases).toBe(1);
    expect(first.reads).toBe(3);
    const m = manifest();
    expect(m.files.map((f) => f.path).sort()).toEqual(
      ['README.txt', 'agreement.csv', 'reads.csv', `${dir}/ct.nii.gz`, `${dir}/consensus.labels.nii.gz`, `${dir}/consensus.seg.dcm`, `${dir}/reads/R01.labels.nii.gz`, `${dir}/reads/R01.seg.dcm`, `${dir}/reads/R02.labels.nii.gz`, `${dir}/reads/R02.seg.dcm`].sort(),
    );
    for (const f of m.files) {
      const bytes = readFileSync(join(out, f.path));
      expect(f.bytes, f.path).toBe(bytes.length);
      expect(f.sha256, f.path).toBe(createHash('sha256').update(bytes).digest('hex'));
      if (f.contentSha256) expect(f.contentSha256).toBe(createHash('sha256').update(gunzipSync(bytes)).digest('hex'));
    }
    expect(m.study.id).toBe(studyId);
    expect(m.software).toEqual(SOFTWARE);
    expect(m.segmentList).toEqual(SEGMENTS.map(({ label }) => ({ label })));
    expect(m.deidentification[label]).toEqual({ patientIdentityRemoved: false, method: 'not de-identified by this software', codes: [] });
    // The case's SEGs are the stored objects, byte for byte.
    expect(new Uint8Array(readFileSync(join(out, `${dir}/reads/R01.seg.dcm`)))).toEqual(segBytes.ann);
    expect(new Uint8Array(readFileSync(join(out, `${dir}/consensus.seg.dcm`)))).toEqual(segBytes.consensus);
    expect(m.files.find((f) => f.path.endsWith('R01.labels.nii.gz'))!.labels).toEqual([
      { value: 1, label: 'Ground-glass opacity', category: 'SCT:49755003 Morphologically Abnormal Structure', type: 'SCT:45828002 Ground glass opacity' },
      { value: 2, label: 'Consolidation', category: 'SCT:49755003 Morphologically Abnormal Structure', type: 'SCT:95436008 Lung consolidation' },
    ]);
  });

  it('writes the CT as HU and each labelmap as the SEG decoded on the CT, on the RAS grid of the DICOM geometry', () => {
    const series = ctSeriesFromPart10(ct.files);
    const target: SegDecodeTarget = { grid: series.ct, slices: series.slices.map((s) => (s ? { sopInstanceUid: s.sopInstanceUid } : null)), seriesInstanceUid: ct.seriesUid, frameOfReferenceUid: derivedUid(ct.seed, 'frame-of-reference') };
    const image = readNifti(`${dir}/ct.nii.gz`);
    expect(image.header.dims.slice(0, 4)).toEqual([3, ...series.ct.dims]);
    expect(image.header.datatypeCode).toBe(nifti.NIFTI1.TYPE_INT16);
    expect([...new Int16Array(image.image)]).toEqual([...series.ct.hu]);
    const { origin: o, direction: d, spacing: s } = series.ct;
    expect(image.header.affine[0][3]).toBeCloseTo(-o[0], 4);
    expect(image.header.affine[1][3]).toBeCloseTo(-o[1], 4);
    expect(image.header.affine[2][3]).toBeCloseTo(o[2], 4);
    expect(image.header.affine[2][2]).toBeCloseTo(d[8] * s[2], 6);
    for (const [name, path] of [['ann', 'reads/R01'], ['bob', 'reads/R02'], ['consensus', 'consensus']]) {
      const labels = new Uint8Array(readNifti(`${dir}/${path}.labels.nii.gz`).image);
      expect([...labels], name).toEqual([...decodeSeg(segBytes[name], target).labels]);
      // And what was painted, voxel for voxel (the SEG's grid is the CT's).
      expect(count(labels, 1)).toBe(count(painted[name], 1));
      expect(count(labels, 2)).toBe(count(painted[name], 2));
    }
  });

  it('writes reads.csv with the volumes the segment statistics give, coded answers and reading times', () => {
    const rows = csvRows('reads.csv');
    expect(rows.map((r) => `${r.case} ${r.reader} ${r.consensus}`)).toEqual([`${label} R01 0`, `${label} R02 0`, `${label} L01 1`]);
    const [ann, bob, cons] = rows;
    // 10 mm voxels: 1 mL each.
    expect(ann).toMatchObject({ volume_ml_ground_glass_opacity: '30', volume_ml_consolidation: '12', lesion_volume_ml: '42', emphysema: '52101004', emphysema_scheme: 'SCT', paTrunk: '31.5', paTrunk_unit: 'mm', problem: '' });
    expect(bob).toMatchObject({ volume_ml_ground_glass_opacity: '25', volume_ml_consolidation: '0', lesion_volume_ml: '25', emphysema: '' });
    expect(cons).toMatchObject({ lesion_volume_ml: '38', reading_time_s: '' });
    expect(Number(ann.reading_time_s)).toBeGreaterThanOrEqual(0);
    expect(ann.reading_time_s).not.toBe('');
    expect(csvRows('agreement.csv')).toEqual([expect.objectContaining({ case: label, reader_a: 'R01', reader_b: 'R02', dice: '0.5' })]);
    const readme = readFileSync(join(out, 'README.txt'), 'utf8');
    for (const column of Object.keys(ann)) expect(readme).toContain(`  ${column}`);
  });

  it.skipIf(!onPath('dciodvfy'))('exports SEGs that pass dciodvfy', () => {
    for (const path of ['reads/R01', 'reads/R02', 'consensus']) {
      const { errors } = dciodvfy(new Uint8Array(readFileSync(join(out, `${dir}/${path}.seg.dcm`))), 'seg.dcm');
      expect(errors, path).toEqual([]);
    }
  });

  it('writes nothing when exported again unchanged', async () => {
    const before = readFileSync(join(out, 'manifest.json'));
    const again = await runExport();
    expect(again.writes).toBe(0);
    expect(again.written).toEqual([]);
    expect(again.unchanged).toBe(first.written.length - 1);
    expect(readFileSync(join(out, 'manifest.json'))).toEqual(before);
  });

  it('rewrites only what a revised read changed, and drops the agreement it made stale', async () => {
    await storeSeg('bob', 'bob', labelsOf(26, 1, 4), segSeriesB);
    const again = await runExport();
    expect(again.written.sort()).toEqual([`${dir}/reads/R02.labels.nii.gz`, `${dir}/reads/R02.seg.dcm`, 'README.txt', 'manifest.json', 'reads.csv'].sort());
    expect(again.removed).toEqual(['agreement.csv']);
    expect(csvRows('reads.csv')[1]).toMatchObject({ reader: 'R02', lesion_volume_ml: '27' });
    expect(leadSeries).toBeTruthy();
  });

  it('names readers by user name with --real-names', async () => {
    const named = await runExport({ realNames: true });
    expect(csvRows('reads.csv').map((r) => r.reader)).toEqual(['ann', 'bob', 'lea']);
    expect(named.removed).toContain(`${dir}/reads/R01.seg.dcm`);
  });
});

describe('GET /api/studies/:id/export', () => {
  it('gives a lead the dataset as a zip whose manifest checks out, and refuses readers and admins', async () => {
    const res = await call(gw, 'GET', `/api/studies/${studyId}/export`, { who: who.lea });
    expect(res.status, res.text.slice(0, 200)).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="Export-[\w-]+-dataset\.zip"$/);
    const zipDir = mkdtempSync(join(tmpdir(), 'ctaw-export-zip-'));
    try {
      writeFileSync(join(zipDir, 'd.zip'), res.body);
      // Python's zipfile checks every entry's CRC (testzip) and the central directory.
      const listed = await promisify(execFile)('python3', ['-c', 'import sys,zipfile,hashlib,json; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps({n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()}))', join(zipDir, 'd.zip')]);
      const hashes = JSON.parse(listed.stdout) as Record<string, string>;
      const m = JSON.parse(await promisify(execFile)('python3', ['-c', 'import sys,zipfile; sys.stdout.write(zipfile.ZipFile(sys.argv[1]).read("manifest.json").decode())', join(zipDir, 'd.zip')]).then((r) => r.stdout)) as DatasetManifest;
      expect(Object.keys(hashes).sort()).toEqual([...m.files.map((f) => f.path), 'manifest.json'].sort());
      for (const f of m.files) expect(hashes[f.path], f.path).toBe(f.sha256);
      expect(m.files.some((f) => f.path.endsWith('/reads/R01.seg.dcm'))).toBe(true);
    } finally {
      rmSync(zipDir, { recursive: true, force: true });
    }
    for (const user of ['ann', 'root']) expect((await call(gw, 'GET', `/api/studies/${studyId}/export`, { who: who[user] })).status, user).toBe(403);
    expect((await call(gw, 'GET', '/api/studies/999999/export', { who: who.lea })).status).toBe(404);
  });
});

describe('npm run export', () => {
  const exec = promisify(execFile);
  const cli = (args: string[], env: Record<string, string> = {}) =>
    exec(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/export.ts'), ...args], { cwd: ROOT, env: { ...process.env, ...env } }).then(
      (r) => ({ code: 0, stderr: r.stderr }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );

  it('refuses a bad setting in one line with exit code 2', async () => {
    for (const args of [['--out', '/tmp/x'], ['--study', 'abc', '--out', '/tmp/x'], ['--study', '1', '--out', '/tmp/x', '--bogus']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(/^export: /);
    }
    const dir = mkdtempSync(join(tmpdir(), 'ctaw-export-db-'));
    try {
      const r = await cli(['--study', '999999', '--out', join(dir, 'out')], { CTAW_PGLITE_DIR: join(dir, 'db'), CTAW_ORTHANC_URL: archive.url });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/export: there is no study with id 999999/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports the same files as the server does, from the database the server used once it stopped, and nothing the second time', async () => {
    await runExport();
    const served = manifest();
    // PGlite is one process at a time: the command opens the folder once the server closed it.
    await closeServer();
    const target = mkdtempSync(join(tmpdir(), 'ctaw-export-cli-'));
    try {
      const env = { CTAW_PGLITE_DIR: pgliteDir, CTAW_ORTHANC_URL: archive.url };
      const first = await cli(['--study', String(studyId), '--out', target], env);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/export: case 1\/1 /);
      const made = JSON.parse(readFileSync(join(target, 'manifest.json'), 'utf8')) as DatasetManifest;
      // README.txt names the software's version and commit, which the test's export leaves out.
      const files = (m: DatasetManifest) => m.files.filter((f) => f.path !== 'README.txt').map((f) => [f.path, f.sha256]);
      expect(files(made)).toEqual(files(served));
      const second = await cli(['--study', String(studyId), '--out', target], env);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toMatch(/export: 0 file\(s\) written, 9 unchanged/);
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });
});
