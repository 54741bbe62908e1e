// The soak of issue 21 (called by bench/scale.ts on its cluster): CTAW_SCALE_SOAK_READERS (20)
// simulated readers (bench/soakReader.ts: worklist, open a case, its frames, a SEG and an SR,
// again) through HAProxy for CTAW_SCALE_SOAK_S (600) seconds, while gateway 1 is killed with
// SIGKILL at 25 % of the run and Orthanc 2 at 60 %, each started again CTAW_SCALE_SOAK_DOWN_S
// (15) s later (bench/soakFaults.ts). The same load, without faults and for as long in all
// (CTAW_SCALE_SINGLE_S: half before the cluster's run, half after), on the single-process stack
// (npm start's: one Orthanc on SQLite, one gateway on its embedded PGlite) on
// CTAW_SCALE_SINGLE_PORT and CTAW_SCALE_SINGLE_ORTHANC_PORT.
//   soak_requests        requests the readers made on the cluster (a frame, a STOW: one each)
//   soak_errors          errors a reader would see, after the client's retries (goal 0)
//   reads_lost           SEGs and SRs answered 200 but missing from Orthanc or the results table (goal 0)
//   failover_s           after each kill, seconds until the last failed try: then every request
//                        succeeds again (the larger of the two; goal <= 5)
//   frame_p95_ms         a frame's time as the reader waits for it (retries included), cluster
//   frame_p95_single_ms  the same on the single-process stack
//   frame_p95_vs_single  their ratio (goal <= 1.2)
// The two frame lines carry cpuS: CPU seconds of Orthanc, the gateways, PostgreSQL, HAProxy and
// the load generator during each run (where a 2-core machine's time went).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../server/db/database.ts';
import { PASSWORD } from '../tests/integration/blindingStack.ts';
import { login, post } from './gatewayClient.ts';
import { countCpu } from './processCpu.ts';
import { emit, quantile } from './report.ts';
import { type SoakCt, loadCts } from './soakData.ts';
import { failoverSeconds, type Killed, killGateway, killOrthanc, recordTries, restarted } from './soakFaults.ts';
import { type SoakCounts, SoakReader, emptyCounts } from './soakReader.ts';

const READERS = Number(process.env.CTAW_SCALE_SOAK_READERS ?? 20);
const SOAK_S = Number(process.env.CTAW_SCALE_SOAK_S ?? 600);
const SINGLE_S = Number(process.env.CTAW_SCALE_SINGLE_S ?? SOAK_S);
const DOWN_S = Number(process.env.CTAW_SCALE_SOAK_DOWN_S ?? 15);
const CASES = Number(process.env.CTAW_SCALE_SOAK_CASES ?? 4);
const SLICES = Number(process.env.CTAW_SCALE_SOAK_SLICES ?? 48);

export interface ClusterHandle {
  root: string;
  name: string;
  /** HAProxy, gateway 1 and 2 are this port and the next two; Orthanc 1 and 2 orthancPort and the next */
  lbPort: number;
  orthancPort: number;
  pgPort: number;
}

interface Target {
  base: string;
  orthancUrl: string;
  /** which of these SOP Instance UIDs the gateway's results table holds */
  recorded: (sops: string[]) => Promise<Set<string>>;
}

interface Run {
  counts: SoakCounts;
  lost: number;
  events: Array<{ what: string; at: number }>;
  failedAt: number[];
  failures: Array<{ at: number; what: string }>;
  tries: number;
  wallS: number;
  /** CPU seconds of each part of the stack during the run (processCpu.ts) */
  cpuS: Record<string, number>;
}

/** Accounts, CTs, a reading study with every reader on every case: what the readers then read. */
async function prepare(target: Target, runId: string): Promise<{ readers: Array<{ name: string; cookie: string; csrf: string }>; cts: Map<string, SoakCt> }> {
  const admin = await login(target.base, 'admin', PASSWORD);
  const cts = await loadCts(target.orthancUrl, CASES, SLICES, runId);
  const ids: number[] = [];
  for (let r = 0; r < READERS; r++) {
    const made = (await post(target.base, admin, '/api/admin/users', { username: `soak-${runId}-${r}`, displayName: `Soak reader ${r}`, role: 'reader', password: PASSWORD })) as { user: { id: number } };
    ids.push(made.user.id);
  }
  const study = (await post(target.base, admin, '/api/studies', { name: `Soak ${runId}`, readersPerCase: Math.min(50, READERS), seed: runId })) as { study: { id: number } };
  await post(target.base, admin, `/api/studies/${study.study.id}/cases`, { cases: cts.map((c) => ({ studyInstanceUid: c.studyUid, seriesInstanceUid: c.seriesUid, label: c.label })) });
  await post(target.base, admin, `/api/studies/${study.study.id}/assignments`, { readerIds: ids, seed: runId });
  const readers = [];
  for (let r = 0; r < READERS; r++) readers.push({ name: `SOAK^R${r}`, ...(await login(target.base, `soak-${runId}-${r}`, PASSWORD)) });
  return { readers, cts: new Map(cts.map((c) => [c.seriesUid, c])) };
}

/** Of these SOP Instance UIDs, those Orthanc holds. */
async function inArchive(orthancUrl: string, sops: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < sops.length) {
        const sop = sops[next++];
        const res = await fetch(`${orthancUrl}/tools/lookup`, { method: 'POST', body: sop });
        const hits = (await res.json()) as Array<{ Type: string }>;
        if (hits.some((h) => h.Type === 'Instance')) found.add(sop);
      }
    }),
  );
  return found;
}

async function soak(target: Target, durationS: number, faults: Array<{ atS: number; act: () => Promise<string> }>, runId: string): Promise<Run> {
  const { readers, cts } = await prepare(target, runId);
  const counts = emptyCounts();
  const tries = recordTries();
  const cpu = countCpu();
  const t0 = Date.now();
  const until = t0 + durationS * 1000;
  const events: Run['events'] = [];
  const faulting = (async () => {
    for (const f of faults) {
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + f.atS * 1000 - Date.now())));
      const at = Date.now();
      events.push({ what: await f.act(), at });
      process.stderr.write(`[soak] ${((at - t0) / 1000).toFixed(1)} s: ${events.at(-1)!.what}\n`);
    }
  })();
  await Promise.all(readers.map((s, i) => new SoakReader(target.base, s, cts, counts, i).run(until)));
  await faulting;
  tries.stop();
  const cpuS = cpu();
  const wallS = (Date.now() - t0) / 1000;
  const archived = await inArchive(target.orthancUrl, counts.stored);
  const recorded = await target.recorded(counts.stored);
  const lost = counts.stored.filter((s) => !archived.has(s) || !recorded.has(s)).length;
  return { counts, lost, events, failedAt: tries.failedAt, failures: tries.failures, tries: tries.tries(), wallS, cpuS };
}

/** The cluster's PostgreSQL ("ctaw" database), with the password cluster.sh made. */
function clusterResults(c: ClusterHandle): Target['recorded'] {
  return async (sops) => {
    const password = /CLUSTER_PG_PASSWORD=(\S+)/.exec(readFileSync(join(c.root, '.data', `${c.name}-secrets.env`), 'utf8'))![1];
    const client = new pg.Client({ host: '127.0.0.1', port: c.pgPort, user: 'ctaw', password, database: 'ctaw' });
    await client.connect();
    try {
      const res = await client.query<{ sop_instance_uid: string }>('SELECT sop_instance_uid FROM results WHERE sop_instance_uid = ANY($1::text[])', [sops]);
      return new Set(res.rows.map((r) => r.sop_instance_uid));
    } finally {
      await client.end();
    }
  };
}

/** One Orthanc (scripts/orthanc.sh) and one gateway on its embedded PGlite, as npm start runs them. */
async function startSingle(root: string, name: string, port: number, orthancPort: number): Promise<Target & { stop: () => Promise<void> }> {
  const orthancDir = join(root, '.data', `${name}-single-orthanc`);
  const pgliteDir = join(root, '.data', `${name}-single-pglite`);
  for (const d of [orthancDir, pgliteDir]) rmSync(d, { recursive: true, force: true });
  execFileSync('bash', [join(root, 'scripts/orthanc.sh'), 'start', orthancDir, String(orthancPort)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const orthancUrl = `http://127.0.0.1:${orthancPort}`;
  // CTAW_GATEWAY_NODE_FLAGS as cluster.sh gives them to its gateways (a CPU profile of each, say).
  const nodeFlags = (process.env.CTAW_GATEWAY_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  let gateway: ChildProcess | null = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', join(root, 'server/main.ts')], {
    cwd: root,
    env: { ...process.env, CTAW_PORT: String(port), CTAW_ORTHANC_URL: orthancUrl, CTAW_REQUIRE_LOGIN: 'true', CTAW_PGLITE_DIR: pgliteDir, CTAW_DATABASE_URL: '', CTAW_DIST: '', CTAW_LOG: '0', CTAW_ADMIN_PASSWORD: PASSWORD },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; !(await fetch(`${base}/api/health`).then((r) => r.ok, () => false)); i++) {
    if (gateway.exitCode !== null || i > 600) throw new Error('the single-process gateway did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const stopGateway = async () => {
    if (!gateway) return;
    const ended = new Promise((r) => gateway!.once('exit', r));
    gateway.kill('SIGTERM');
    await ended;
    gateway = null;
  };
  return {
    base,
    orthancUrl,
    // PGlite is one process's: the gateway stops before its tables are read.
    recorded: async (sops) => {
      await stopGateway();
      const db = await openDatabase({ url: null, pgliteDir });
      try {
        const res = await db.query<{ sop_instance_uid: string }>('SELECT sop_instance_uid FROM results WHERE sop_instance_uid = ANY($1::text[])', [sops]);
        return new Set(res.rows.map((r) => r.sop_instance_uid));
      } finally {
        await db.close();
      }
    },
    stop: async () => {
      await stopGateway();
      execFileSync('bash', [join(root, 'scripts/orthanc.sh'), 'stop', orthancDir], { stdio: 'ignore' });
      for (const d of [orthancDir, pgliteDir]) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** The two halves of the single-process run as one: frames, errors, requests, stores, CPU. */
function bothHalves(a: Run, b: Run): Run {
  const counts: SoakCounts = {
    requests: a.counts.requests + b.counts.requests,
    errors: Object.fromEntries(Object.entries(a.counts.errors).map(([k, v]) => [k, v + b.counts.errors[k as keyof SoakCounts['errors']]])) as SoakCounts['errors'],
    openedFailed: a.counts.openedFailed + b.counts.openedFailed,
    frameMs: [...a.counts.frameMs, ...b.counts.frameMs],
    frameAt: [...a.counts.frameAt, ...b.counts.frameAt],
    stored: [...a.counts.stored, ...b.counts.stored],
    stowRetried: a.counts.stowRetried + b.counts.stowRetried,
    lastError: b.counts.lastError || a.counts.lastError,
  };
  const cpuS = { ...a.cpuS };
  for (const [k, v] of Object.entries(b.cpuS)) cpuS[k] = Math.round(((cpuS[k] ?? 0) + v) * 10) / 10;
  return { counts, lost: a.lost + b.lost, events: [], failedAt: [...a.failedAt, ...b.failedAt], failures: [...a.failures, ...b.failures], tries: a.tries + b.tries, wallS: a.wallS + b.wallS, cpuS };
}

const errorsOf = (c: SoakCounts) => Object.values(c.errors).reduce((a, b) => a + b, 0);

export async function soakFigures(c: ClusterHandle): Promise<void> {
  const runId = `${Date.now().toString(36)}`;
  const down = Math.min(DOWN_S, SOAK_S * 0.2);
  const restartIn = (killed: Killed) => async () => {
    await new Promise((r) => setTimeout(r, down * 1000));
    await killed.restart();
  };
  let pendingRestart: Promise<void> = Promise.resolve();
  const gw1Port = c.lbPort + 1;
  const o2 = { dir: join(c.root, '.data', `${c.name}-orthanc2`), port: c.orthancPort + 1 };
  const faults = [
    { atS: SOAK_S * 0.25, act: async () => { const k = killGateway(gw1Port, join(c.root, '.data', `${c.name}-run`, 'gateway1-restarted.log')); pendingRestart = restartIn(k)(); return `killed ${k.what}`; } },
    { atS: SOAK_S * 0.25 + down, act: async () => { await pendingRestart; return `restarted gateway on :${gw1Port}`; } },
    { atS: SOAK_S * 0.6, act: async () => { const k = killOrthanc(o2.dir, o2.port); pendingRestart = restartIn(k)(); return `killed ${k.what}`; } },
    { atS: SOAK_S * 0.6 + down, act: async () => { await pendingRestart; return `restarted Orthanc on :${o2.port}`; } },
  ];
  const singlePort = Number(process.env.CTAW_SCALE_SINGLE_PORT ?? c.lbPort + 3);
  const singleOrthancPort = Number(process.env.CTAW_SCALE_SINGLE_ORTHANC_PORT ?? c.orthancPort + 2);
  // Half of the single-process run before the cluster's and half after, each on a fresh stack:
  // a machine whose speed drifts over the bench (a shared host) then weighs on both sides alike.
  const singleRun = async (seconds: number, tag: string): Promise<Run> => {
    const single = await startSingle(c.root, c.name, singlePort, singleOrthancPort);
    try {
      return await soak(single, seconds, [], `s${tag}${runId}`);
    } finally {
      await single.stop();
    }
  };
  const before = await singleRun(SINGLE_S / 2, 'a');
  const lb = `http://127.0.0.1:${c.lbPort}`;
  let cluster: Run;
  try {
    cluster = await soak({ base: lb, orthancUrl: `http://127.0.0.1:${c.orthancPort}`, recorded: clusterResults(c) }, SOAK_S, faults, `c${runId}`);
  } finally {
    await pendingRestart.catch(() => undefined);
  }
  const after = await singleRun(SINGLE_S / 2, 'b');
  const alone = bothHalves(before, after);

  const dataset = `${READERS} readers, ${CASES} cases of ${SLICES} 512x512 slices, ${SOAK_S} s through HAProxy, gateway 1 and Orthanc 2 killed (SIGKILL) and restarted after ${down} s`;
  const { counts } = cluster;
  emit('soak_requests', counts.requests, 'count', dataset, { wallS: Math.round(cluster.wallS), tries: cluster.tries, failedTries: cluster.failedAt.length, stored: counts.stored.length });
  emit('soak_errors', errorsOf(counts), 'count', dataset, { goal: 0, ...counts.errors, openedFailedIgnored: counts.openedFailed, stowRetried: counts.stowRetried, lastError: counts.lastError || undefined });
  emit('reads_lost', cluster.lost, 'count', dataset, { goal: 0, stored: counts.stored.length });
  const ends = [...cluster.events.map((e) => e.at).slice(1), Number.POSITIVE_INFINITY];
  const perEvent = cluster.events.map((e, i) => {
    const inWindow = cluster.failures.filter((f) => f.at >= e.at && f.at < ends[i]);
    const kinds: Record<string, number> = {};
    for (const f of inWindow) kinds[f.what] = (kinds[f.what] ?? 0) + 1;
    return { what: e.what, s: Math.round(failoverSeconds(e.at, ends[i], cluster.failedAt) * 10) / 10, failedTries: kinds };
  });
  const kills = perEvent.filter((e) => e.what.startsWith('killed'));
  emit('failover_s', Math.max(0, ...kills.map((k) => k.s)), 's', dataset, { goal: 5, events: perEvent });
  const p95 = quantile(counts.frameMs, 0.95);
  const p95Single = quantile(alone.counts.frameMs, 0.95);
  emit('frame_p95_ms', p95, 'ms', dataset, { frames: counts.frameMs.length, p50: Math.round(quantile(counts.frameMs, 0.5)), cpuS: cluster.cpuS });
  const singleSet = `${READERS} readers, ${CASES} cases of ${SLICES} 512x512 slices, ${SINGLE_S} s (half before the cluster's run, half after), one gateway (PGlite) and one Orthanc (SQLite), no faults`;
  emit('frame_p95_single_ms', p95Single, 'ms', singleSet, { frames: alone.counts.frameMs.length, p50: Math.round(quantile(alone.counts.frameMs, 0.5)), errors: errorsOf(alone.counts), readsLost: alone.lost, requests: alone.counts.requests, cpuS: alone.cpuS, halves: [before, after].map((h) => ({ frames: h.counts.frameMs.length, p95: Math.round(quantile(h.counts.frameMs, 0.95)) })) });
  // The frames that ended away from the faults (from each kill to 5 s after its restart), apart:
  // what of the ratio is the failovers', what the cluster's own cost on these cores.
  const faultWindows = cluster.events.filter((e) => e.what.startsWith('killed')).map((e) => [e.at, e.at + (down + 5) * 1000]);
  const steady = counts.frameMs.filter((_, i) => !faultWindows.some(([a, b]) => counts.frameAt[i] >= a && counts.frameAt[i] < b));
  emit('frame_p95_vs_single', p95 / p95Single, 'ratio', `${dataset}; against: ${singleSet}`, { goal: 1.2, steadyP95Ms: Math.round(quantile(steady, 0.95)), steadyRatio: Math.round((quantile(steady, 0.95) / p95Single) * 100) / 100 });
}

/** What the soak started and the cluster script does not know of (a restarted gateway). */
export async function stopRestarted(): Promise<void> {
  await Promise.all(
    restarted.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const ended = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await ended;
    }),
  );
}
