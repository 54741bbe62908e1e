// npm run bench -- server: what the blinding gateway costs. 20 simulated readers, logged in, each
// streaming every frame of a CT (six requests at a time, as a browser does over HTTP/1.1) through
// the gateway with requireLogin on, against the same load straight from Orthanc and through the
// gateway with requireLogin off (the plain pass-through: what the hop alone costs), in the same
// run, rounds rotating the order. The load generator, the gateway and Orthanc share this machine's
// cores, so the figures include their competition for CPU; the CPU seconds each used are reported
// with them. Then the worklist query with 10,000 cases and 20 readers. Prints JSON lines.
//   tsx bench/server.ts APP_BASE ORTHANC_URL   (APP_BASE unused: the gateways under test are started here)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Dataset, sharedCovid, synthetic300 } from './datasets.ts';
import { emit, median, quantile } from './report.ts';
import { freePort } from '../tests/support/freePort.ts';
import { phantomCt, randomUid, segOf } from '../tests/integration/blindingStack.ts';
import { benchGateway, login, post, stowAs, type Session } from './gatewayClient.ts';

const [, orthancUrl = 'http://127.0.0.1:18644'] = process.argv.slice(2);
const root = resolve(import.meta.dirname, '..');
const READERS = 20;
const PER_READER = 6;
const ROUNDS = Number(process.env.CTAW_BENCH_RUNS ?? 5);
const ACCEPT = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
const ADMIN_PASSWORD = 'bench keeper secret';
const READER_PASSWORD = 'bench viewer secret';


/** CPU seconds (user + system) a process has used so far; 0 when it cannot be read. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** A gateway as it runs in production, in a node process of its own (tsx as a loader, so that
 * its pid is the server's). */
async function startGateway(requireLogin: boolean): Promise<{ base: string; pid: number | undefined; stop: () => Promise<void> }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ctaw-bench-gateway-'));
  // CTAW_BENCH_PROFILE_DIR: each gateway writes a V8 CPU profile there when it stops.
  const profile = process.env.CTAW_BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CTAW_BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', join(root, 'server/main.ts')], {
    cwd: root,
    env: { ...process.env, CTAW_PORT: String(port), CTAW_ORTHANC_URL: orthancUrl, CTAW_REQUIRE_LOGIN: String(requireLogin), CTAW_PGLITE_DIR: dir, CTAW_DIST: '', CTAW_LOG: '0', CTAW_ADMIN_PASSWORD: ADMIN_PASSWORD },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error('the gateway exited');
    if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
    if (i > 600) throw new Error('the gateway did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    pid: child.pid,
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Run {
  wallMs: number;
  latenciesMs: number[];
  bytes: number;
  errors: number;
  /** CPU seconds used during the run by the gateway process and by Orthanc */
  gatewayCpuS: number;
  orthancCpuS: number;
}

const orthancPidFile = process.env.CTAW_ORTHANC_DIR ? join(process.env.CTAW_ORTHANC_DIR, 'orthanc.pid') : '';
const orthancPid = orthancPidFile && existsSync(orthancPidFile) ? Number(readFileSync(orthancPidFile, 'utf8')) : undefined;

/** Every reader fetches every frame, PER_READER requests at a time; all readers at once. */
async function load(base: string, ds: Dataset, sops: string[], sessions: Array<Session | null>, gatewayPid?: number): Promise<Run> {
  const latenciesMs: number[] = [];
  let bytes = 0;
  let errors = 0;
  const cpu0 = [cpuSeconds(gatewayPid), cpuSeconds(orthancPid)];
  const t0 = performance.now();
  await Promise.all(
    sessions.map(async (s, reader) => {
      // Each reader starts at a different slice, as readers opening different views would.
      const order = sops.map((_, i) => sops[(i + reader * 7) % sops.length]);
      let next = 0;
      await Promise.all(
        Array.from({ length: PER_READER }, async () => {
          while (next < order.length) {
            const sop = order[next++];
            const t = performance.now();
            try {
              const res = await fetch(`${base}/dicom-web/studies/${ds.studyUid}/series/${ds.seriesUid}/instances/${sop}/frames/1`, {
                headers: { accept: ACCEPT, ...(s ? { cookie: s.cookie } : {}) },
              });
              const n = (await res.arrayBuffer()).byteLength;
              if (res.status !== 200) errors++;
              bytes += n;
            } catch {
              errors++;
            }
            latenciesMs.push(performance.now() - t);
          }
        }),
      );
    }),
  );
  return { wallMs: performance.now() - t0, latenciesMs, bytes, errors, gatewayCpuS: cpuSeconds(gatewayPid) - cpu0[0], orthancCpuS: cpuSeconds(orthancPid) - cpu0[1] };
}

async function frames(): Promise<void> {
  const ds = (await sharedCovid(orthancUrl)) ?? (await synthetic300(orthancUrl));
  const gw = await startGateway(true);
  const plain = await startGateway(false);
  try {
    const admin = await login(gw.base, 'admin', ADMIN_PASSWORD);
    const study = (await post(gw.base, admin, '/api/studies', { name: `bench ${Date.now()}`, readersPerCase: READERS, seed: 'bench' })) as { study: { id: number } };
    const added = (await post(gw.base, admin, `/api/studies/${study.study.id}/cases`, { cases: [{ studyInstanceUid: ds.studyUid, seriesInstanceUid: ds.seriesUid }] })) as { cases: Array<{ id: number }> };
    const sessions: Session[] = [];
    for (let r = 0; r < READERS; r++) {
      const username = `bench-reader-${r}`;
      const made = (await post(gw.base, admin, '/api/admin/users', { username, displayName: `Bench reader ${r}`, role: 'reader', password: READER_PASSWORD })) as { user: { id: number } };
      await post(gw.base, admin, `/api/cases/${added.cases[0].id}/assignments`, { userId: made.user.id });
      sessions.push(await login(gw.base, username, READER_PASSWORD));
    }
    const listed = await fetch(`${gw.base}/dicom-web/studies/${ds.studyUid}/series/${ds.seriesUid}/instances`, { headers: { cookie: sessions[0].cookie } });
    const sops = ((await listed.json()) as Array<Record<string, { Value: string[] }>>).map((d) => d['00080018'].Value[0]);
    if (sops.length !== ds.count) throw new Error(`the gateway listed ${sops.length} of ${ds.count} instances`);

    const anonymous = sessions.map(() => null);
    const ways = {
      direct: () => load(orthancUrl, ds, sops, anonymous),
      passthrough: () => load(plain.base, ds, sops, anonymous, plain.pid),
      gateway: () => load(gw.base, ds, sops, sessions, gw.pid),
    };
    const names = Object.keys(ways) as Array<keyof typeof ways>;
    for (const name of names) await ways[name](); // warm-up
    const runs: Record<keyof typeof ways, Run[]> = { direct: [], passthrough: [], gateway: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(round + i) % names.length];
        runs[name].push(await ways[name]());
      }
    }
    const all = (rs: Run[]) => rs.flatMap((r) => r.latenciesMs);
    const mbps = (rs: Run[]) => median(rs.map((r) => r.bytes / 2 ** 20 / (r.wallMs / 1000)));
    const wall = (rs: Run[]) => median(rs.map((r) => r.wallMs));
    const cpu = (rs: Run[]) => ({ gatewayCpuS: Math.round(median(rs.map((r) => r.gatewayCpuS)) * 10) / 10, orthancCpuS: Math.round(median(rs.map((r) => r.orthancCpuS)) * 10) / 10 });
    const extra = { readers: READERS, perReader: PER_READER, frames: sops.length * READERS, rounds: ROUNDS, cores: (await import('node:os')).availableParallelism() };
    emit('frames_p99_ms_gateway', quantile(all(runs.gateway), 0.99), 'ms', ds.name, { ...extra, p50: Math.round(quantile(all(runs.gateway), 0.5)) });
    emit('frames_p99_ms_direct', quantile(all(runs.direct), 0.99), 'ms', ds.name, { ...extra, p50: Math.round(quantile(all(runs.direct), 0.5)) });
    emit('frames_p99_ms_passthrough', quantile(all(runs.passthrough), 0.99), 'ms', ds.name, { ...extra, p50: Math.round(quantile(all(runs.passthrough), 0.5)), what: 'the gateway with requireLogin off' });
    for (const name of names) emit(`frames_mb_per_s_${name}`, mbps(runs[name]), 'MiB/s', ds.name, { wallMs: runs[name].map((r) => Math.round(r.wallMs)), ...cpu(runs[name]) });
    emit('gateway_overhead_pct', ((wall(runs.gateway) - wall(runs.direct)) / wall(runs.direct)) * 100, '%', ds.name, { what: 'median wall time of the 20-reader load: gateway (requireLogin on) vs straight from Orthanc' });
    emit('blinding_overhead_pct', ((wall(runs.gateway) - wall(runs.passthrough)) / wall(runs.passthrough)) * 100, '%', ds.name, { what: 'the same: gateway with requireLogin on vs off (sessions, access checks)' });
    emit('load_errors', names.reduce((n, name) => n + runs[name].reduce((m, r) => m + r.errors, 0), 0), 'count', ds.name, Object.fromEntries(names.map((name) => [name, runs[name].map((r) => r.errors)])));
  } finally {
    await gw.stop();
    await plain.stop();
  }
}

/** GET /api/worklist over HTTP, 10,000 cases and 20 readers (2 per case), embedded PGlite. */
async function worklist(): Promise<void> {
  const gw = await benchGateway(orthancUrl);
  const { db, base } = gw;
  try {
    await gw.account('admin', 'admin', ADMIN_PASSWORD);
    for (let r = 0; r < READERS; r++) await gw.account(`reader-${r}`, 'reader', READER_PASSWORD);
    const admin = await login(base, 'admin', ADMIN_PASSWORD);
    const study = (await post(base, admin, '/api/studies', { name: 'worklist bench', readersPerCase: 2, seed: 'bench' })) as { study: { id: number } };
    await db.query(
      `INSERT INTO cases (study_id, study_instance_uid, series_instance_uid, label)
       SELECT $1, '2.25.1' || n, '2.25.2' || n, 'Case ' || lpad(n::text, 5, '0') FROM generate_series(1, 10000) AS n`,
      [study.study.id],
    );
    await post(base, admin, `/api/studies/${study.study.id}/assignments`, {});
    const times: number[] = [];
    for (let r = 0; r < READERS; r++) {
      const s = await login(base, `reader-${r}`, READER_PASSWORD);
      for (let n = 0; n < 6; n++) {
        const t = performance.now();
        const res = await fetch(`${base}/api/worklist`, { headers: { cookie: s.cookie } });
        await res.json();
        if (n > 0) times.push(performance.now() - t); // the first is a warm-up
      }
    }
    emit('worklist_ms', median(times), 'ms', '10000-cases-20-readers', { p95: Math.round(quantile(times, 0.95) * 10) / 10, max: Math.round(Math.max(...times) * 10) / 10, requests: times.length, db: 'pglite', limit: 100 });
  } finally {
    await gw.close();
  }
}

/**
 * What a reader or an admin may not see must answer like what does not exist, in time too:
 * another reader's result series and SOP instance against random UIDs of the same length, asked
 * in alternation by reader B (and by the admin, for WADO), on QIDO and WADO routes. The figure is
 * the largest difference of medians over the routes.
 */
async function hiddenVsRandom(): Promise<void> {
  const gw = await benchGateway(orthancUrl);
  const { base } = gw;
  try {
    await gw.account('admin', 'admin', ADMIN_PASSWORD);
    const readerIds = [await gw.account('reader-a', 'reader', READER_PASSWORD), await gw.account('reader-b', 'reader', READER_PASSWORD)];
    const admin = await login(base, 'admin', ADMIN_PASSWORD);
    const [a, b] = [await login(base, 'reader-a', READER_PASSWORD), await login(base, 'reader-b', READER_PASSWORD)];
    const ct = phantomCt('bench-hidden');
    const stow = (who: Session, objects: Uint8Array[]) => stowAs(base, who, objects);
    await stow(admin, ct.files);
    const study = (await post(base, admin, '/api/studies', { name: `hidden bench ${Date.now()}`, readersPerCase: 2, seed: 'bench' })) as { study: { id: number } };
    const added = (await post(base, admin, `/api/studies/${study.study.id}/cases`, { cases: [{ studyInstanceUid: ct.studyUid, seriesInstanceUid: ct.seriesUid }] })) as { cases: Array<{ id: number }> };
    for (const id of readerIds) await post(base, admin, `/api/cases/${added.cases[0].id}/assignments`, { userId: id });
    const seg = segOf(ct, { reader: 'A^Reader' });
    await stow(a, [seg.bytes]);

    const sameLength = (uid: string) => {
      const r = randomUid().replace(/^2\.25\./, '');
      return `2.25.${r.padEnd(uid.length - 5, '7').slice(0, uid.length - 5)}`;
    };
    const routes: Record<string, (series: string, sop: string) => string> = {
      qido_series: (series) => `/dicom-web/studies/${ct.studyUid}/series?SeriesInstanceUID=${series}`,
      qido_instance: (_s, sop) => `/dicom-web/instances?SOPInstanceUID=${sop}`,
      wado_metadata: (series) => `/dicom-web/studies/${ct.studyUid}/series/${series}/metadata`,
      wado_instance: (series, sop) => `/dicom-web/studies/${ct.studyUid}/series/${series}/instances/${sop}`,
    };
    const N = Number(process.env.CTAW_BENCH_HIDDEN_N ?? 300);
    // One random UID pair, asked as often as the hidden pair: the gateway keeps facts of a UID a
    // caller asked about for a few seconds, whatever they are, so any UID asked again is quicker
    // (a fresh UID each time would measure that cache, not the blinding).
    const random = { series: sameLength(seg.seriesInstanceUid), sop: sameLength(seg.sopInstanceUid) };
    const diffs: Record<string, number> = {};
    for (const [who, session] of [['reader', b], ['admin', admin]] as const) {
      for (const [name, route] of Object.entries(routes)) {
        const times = { hidden: [] as number[], random: [] as number[] };
        for (let i = 0; i < N + 20; i++) {
          for (const kind of (i % 2 ? ['hidden', 'random'] : ['random', 'hidden']) as Array<'hidden' | 'random'>) {
            const path = kind === 'hidden' ? route(seg.seriesInstanceUid, seg.sopInstanceUid) : route(random.series, random.sop);
            const t = performance.now();
            const res = await fetch(`${base}${path}`, { headers: { cookie: session.cookie, accept: name.startsWith('wado_instance') ? 'multipart/related; type="application/dicom"' : 'application/dicom+json' } });
            await res.arrayBuffer();
            if (i >= 20) times[kind].push(performance.now() - t); // the first are a warm-up
          }
        }
        diffs[`${who}_${name}`] = Math.round((median(times.hidden) - median(times.random)) * 1000) / 1000;
      }
    }
    const worst = Math.max(...Object.values(diffs).map(Math.abs));
    emit('hidden_vs_random_ms', worst, 'ms', 'phantom-4-slices', { goal: 0.2, requestsPerKind: N, what: 'largest |median(hidden) - median(random)| over the routes', ...diffs });
  } finally {
    await gw.close();
  }
}

if (process.env.CTAW_BENCH_SERVER_ONLY !== 'hidden') {
  await frames();
  await worklist();
}
await hiddenVsRandom();
