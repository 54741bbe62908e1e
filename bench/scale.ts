// npm run bench -- scale: figures of the replicated deployment (scripts/cluster.sh), started here
// on its own ports and folders (.data/bench-scale-*, wiped first). A skeleton of issue 21's
// benchmark: the gateway's memory on a large STOW-RS, study-level QIDO on a many-study archive
// (bench/scaleQido.ts), and the 20-reader soak with failover (bench/scaleSoak.ts, its figures
// there). CTAW_SCALE_PARTS (stow,qido,soak) picks which run.
//   stow_rss_mb       gateway 1's RSS growth (peak during, minus before) on one STOW of
//                     CTAW_SCALE_STOW_MB (1024, issue 21's 1 GB) of CT slices, sent by the admin
//   qido_p95_ms       a reader's /dicom-web/studies through HAProxy, p95 of 50, on an archive of
//                     CTAW_SCALE_STUDIES (1000) one-slice studies (qido_10k_p95_ms at 10,000)
//   soak_*, reads_lost, failover_s, frame_p95_*  bench/scaleSoak.ts
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writePhantomSeries } from '../scripts/data/syntheticCt.ts';
import { PASSWORD, call, stowBody } from '../tests/integration/blindingStack.ts';
import { qidoFigures } from './scaleQido.ts';
import { soakFigures, stopRestarted } from './scaleSoak.ts';

const ROOT = resolve(import.meta.dirname, '..');
const NAME = 'bench-scale';
const LB = Number(process.env.CTAW_SCALE_PORT ?? 5267);
const ORTHANC = Number(process.env.CTAW_SCALE_ORTHANC_PORT ?? 18766);
const PG = Number(process.env.CTAW_SCALE_PG_PORT ?? 15434);
const STOW_MB = Number(process.env.CTAW_SCALE_STOW_MB ?? 1024);
const gw1 = { host: '127.0.0.1', port: LB + 1 };

const emit = (name: string, value: number, unit: string, dataset: string) => console.log(JSON.stringify({ name, value, unit, dataset }));

function wipe(): void {
  // A fresh clone has no .data yet: nothing to wipe.
  if (!existsSync(join(ROOT, '.data'))) return;
  for (const e of readdirSync(join(ROOT, '.data'))) if (e.startsWith(`${NAME}-`)) rmSync(join(ROOT, '.data', e), { recursive: true, force: true });
}

async function startCluster(): Promise<ChildProcess> {
  wipe();
  const child = spawn('bash', [join(ROOT, 'scripts/cluster.sh')], {
    cwd: ROOT,
    env: { ...process.env, CTAW_CLUSTER_NAME: NAME, CTAW_PORT: String(LB), CTAW_ORTHANC_PORT: String(ORTHANC), CTAW_CLUSTER_PG_PORT: String(PG), CTAW_CLUSTER_SAMPLE: '0', CTAW_CLUSTER_SKIP_SETUP: '1', CTAW_DIST: '', CTAW_ADMIN_PASSWORD: PASSWORD, CTAW_STOW_LIMIT_MB: String(Math.max(512, STOW_MB * 2)) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  await new Promise<void>((ready, fail) => {
    const read = (c: Buffer) => {
      out += c.toString();
      if (out.includes('is running: http')) ready();
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', (c: Buffer) => {
      out += c.toString();
      process.stderr.write(c);
    });
    child.once('exit', (code) => fail(new Error(`scripts/cluster.sh ended (${code})\n${out}`)));
  });
  return child;
}

/** The PID of the process listening on port (the gateway's node, not its tsx wrapper). */
function listener(port: number): number {
  const line = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const pid = /pid=(\d+)/.exec(line)?.[1];
  if (!pid) throw new Error(`nothing listens on ${port}`);
  return Number(pid);
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

async function login(target: { host: string; port: number }, username: string) {
  const res = await call(target, 'POST', '/api/auth/login', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${res.text}`);
  return { cookie: String(([] as string[]).concat(res.headers['set-cookie'] ?? [])[0]).split(';')[0], csrf: res.json<{ csrfToken: string }>().csrfToken };
}

async function stowRss(): Promise<void> {
  const admin = await login(gw1, 'admin');
  const dir = mkdtempSync(join(tmpdir(), 'ctaw-scale-'));
  try {
    const slices = Math.max(1, Math.round((STOW_MB * 2 ** 20) / (512 * 512 * 2)));
    const made = writePhantomSeries(dir, { rows: 512, columns: 512, slices, pixelSpacingMm: 0.7, sliceSpacingMm: 1, seed: `scale-${Date.now()}`, patientName: 'SCALE^STOW', patientId: 'SCALE', studyDescription: 'scale', seriesDescription: 'stow' });
    const { body, contentType } = stowBody(made.files.map((f) => new Uint8Array(readFileSync(f))));
    const pid = listener(gw1.port);
    const before = rssMb(pid);
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20);
    const t0 = performance.now();
    const res = await call(gw1, 'POST', '/dicom-web/studies', { who: admin, body, headers: { 'content-type': contentType, accept: 'application/dicom+json' } });
    const ms = performance.now() - t0;
    clearInterval(timer);
    if (res.status !== 200) throw new Error(`STOW: ${res.status} ${res.text.slice(0, 200)}`);
    const dataset = `${(body.length / 2 ** 20).toFixed(0)} MB, ${slices} slices 512x512, one request`;
    emit('stow_rss_mb', Math.round(peak - before), 'MB', dataset);
    emit('stow_ms', Math.round(ms), 'ms', dataset);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const parts = new Set((process.env.CTAW_SCALE_PARTS ?? 'stow,qido,soak').split(','));
const cluster = await startCluster();
try {
  if (parts.has('stow')) await stowRss();
  if (parts.has('qido')) await qidoFigures(LB, [ORTHANC, ORTHANC + 1]);
  if (parts.has('soak')) await soakFigures({ root: ROOT, name: NAME, lbPort: LB, orthancPort: ORTHANC, pgPort: PG });
} finally {
  await stopRestarted();
  const ended = new Promise((done) => cluster.once('exit', done));
  cluster.kill('SIGTERM');
  await ended;
  wipe();
}
