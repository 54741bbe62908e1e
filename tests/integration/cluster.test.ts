// The replicated deployment (scripts/cluster.sh: PostgreSQL, two Orthancs on its index, two
// gateways on one database, HAProxy) started as `npm run cluster` starts it, on its own ports and
// folders (.data/clustertest-*, wiped first). What one replica does, the other knows at once:
// sessions, login lock-outs, stored results and the blinding that rests on them; and a read whose
// gateway dies mid-STOW is stored once when the client sends it again (last: it kills gateway 1).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, PASSWORD, type Who, call, phantomCt, segOf, stowBody } from './blindingStack.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const NAME = 'clustertest';
// Ports of their own (the other suites use 5180-5183 and 18642-18644).
const LB = Number(process.env.CTAW_TEST_CLUSTER_PORT ?? 5264);
const ORTHANC = Number(process.env.CTAW_TEST_CLUSTER_ORTHANC_PORT ?? 18763);
const PG = Number(process.env.CTAW_TEST_CLUSTER_PG_PORT ?? 15433);
const lb = { host: '127.0.0.1', port: LB };
const gw1 = { host: '127.0.0.1', port: LB + 1 };
const gw2 = { host: '127.0.0.1', port: LB + 2 };

function missingBinaries(): string[] {
  const missing: string[] = [];
  const pg = existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((v) => existsSync(join('/usr/lib/postgresql', v, 'bin/initdb')));
  if (!pg) missing.push('postgresql');
  if (!['/usr/sbin/haproxy', '/usr/bin/haproxy'].some(existsSync)) missing.push('haproxy');
  return missing;
}
const missing = missingBinaries();
if (missing.length) {
  console.warn(`\n!!!!!!!! ${missing.join(' and ')} not installed: the cluster tests are SKIPPED. Install with: bash scripts/setup.sh (as root)\n`);
}

function wipe(): void {
  for (const entry of readdirSync(join(ROOT, '.data'), { withFileTypes: true })) {
    if (entry.name.startsWith(`${NAME}-`)) rmSync(join(ROOT, '.data', entry.name), { recursive: true, force: true });
  }
}

let cluster: ChildProcess | null = null;
let output = '';

async function startCluster(): Promise<void> {
  wipe();
  cluster = spawn('bash', [join(ROOT, 'scripts/cluster.sh')], {
    cwd: ROOT,
    env: {
      ...process.env,
      CTAW_CLUSTER_NAME: NAME,
      CTAW_PORT: String(LB),
      CTAW_ORTHANC_PORT: String(ORTHANC),
      CTAW_CLUSTER_PG_PORT: String(PG),
      CTAW_CLUSTER_SAMPLE: '0',
      CTAW_CLUSTER_SKIP_SETUP: '1',
      CTAW_DIST: '',
      CTAW_ADMIN_PASSWORD: PASSWORD,
      CTAW_REQUIRE_LOGIN: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the cluster did not start within 80 s:\n${output}`)), 80_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`is running: http://127.0.0.1:${LB}/`)) {
        clearTimeout(timer);
        ready();
      }
    };
    cluster!.stdout!.on('data', read);
    cluster!.stderr!.on('data', read);
    cluster!.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`scripts/cluster.sh ended (${code}):\n${output}`));
    });
  });
}

async function stopCluster(): Promise<void> {
  if (!cluster || cluster.exitCode !== null) return;
  const ended = new Promise((done) => cluster!.once('exit', done));
  cluster.kill('SIGINT');
  await Promise.race([ended, new Promise((done) => setTimeout(done, 20_000))]);
  cluster.kill('SIGKILL');
}

type Target = { host: string; port: number };

const json = (who: Who | undefined, payload: unknown) => ({ who, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });

async function login(gw: Target, username: string, password = PASSWORD): Promise<Who & { cookie: string; csrf: string }> {
  const res = await call(gw, 'POST', '/api/auth/login', json(undefined, { username, password }));
  if (res.status !== 200) throw new Error(`login ${username} at :${gw.port}: ${res.status} ${res.text}`);
  const cookie = String(([] as string[]).concat(res.headers['set-cookie'] ?? [])[0]).split(';')[0];
  return { cookie, csrf: res.json<{ csrfToken: string }>().csrfToken };
}

async function ok<T>(gw: Target, who: Who, method: string, path: string, payload?: unknown): Promise<T> {
  const res = await call(gw, method, path, payload === undefined ? { who } : json(who, payload));
  if (res.status >= 300) throw new Error(`${method} ${path} at :${gw.port}: ${res.status} ${res.text}`);
  return res.json<T>();
}

function stow(gw: Target, who: Who, object: Uint8Array) {
  const { body, contentType } = stowBody([object]);
  return call(gw, 'POST', '/dicom-web/studies', { who, body, headers: { 'content-type': contentType, accept: 'application/dicom+json' } });
}

/** The PID of the process listening on port (the gateway's node, not its tsx wrapper). */
function listener(port: number): number {
  const line = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const pid = /pid=(\d+)/.exec(line)?.[1];
  if (!pid) throw new Error(`nothing listens on ${port}`);
  return Number(pid);
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const got = probe();
    if (got !== undefined) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A STOW of which only the first `sent` bytes go out; the request is left open. */
function partlySent(gw: Target, who: Who, body: Buffer, contentType: string, sent: number): Promise<string> {
  return new Promise((settle) => {
    const headers = { cookie: who.cookie ?? '', 'x-csrf-token': who.csrf ?? '', 'content-type': contentType, 'content-length': body.length, accept: 'application/dicom+json' };
    const req = http.request({ host: gw.host, port: gw.port, method: 'POST', path: '/dicom-web/studies', headers, agent: false }, (res) => {
      res.resume();
      settle(`answered ${res.statusCode}`);
    });
    req.on('error', (err) => settle(`failed: ${err.message}`));
    req.write(body.subarray(0, sent));
  });
}

/** The PostgreSQL database the gateways share (its password is in the cluster's secrets file). */
async function gatewayDb(): Promise<pg.Client> {
  const password = /CLUSTER_PG_PASSWORD=(\S+)/.exec(readFileSync(join(ROOT, '.data', `${NAME}-secrets.env`), 'utf8'))![1];
  const client = new pg.Client({ host: '127.0.0.1', port: PG, user: 'ctaw', password, database: 'ctaw' });
  await client.connect();
  return client;
}

describe.skipIf(missing.length > 0)('npm run cluster: two replicas, one truth', () => {
  const ct = phantomCt('cluster', 3);
  const ids: Record<string, number> = {};
  let caseId = 0;
  let studyId = 0;
  let admin: Who;

  beforeAll(async () => {
    await startCluster();
    admin = await login(gw1, 'admin');
    for (const [username, role] of [['ann', 'reader'], ['bo', 'reader'], ['lee', 'lead'], ['vic', 'reader']] as const) {
      const made = await ok<{ user: { id: number } }>(gw1, admin, 'POST', '/api/admin/users', { username, displayName: username, role, password: PASSWORD });
      ids[username] = made.user.id;
    }
    // The CT straight into Orthanc 2: the case is added through gateway 1, which asks Orthanc 1.
    for (const file of ct.files) {
      const res = await call({ host: '127.0.0.1', port: ORTHANC + 1 }, 'POST', '/instances', { body: Buffer.from(file), headers: { 'content-type': 'application/dicom' } });
      expect(res.status).toBe(200);
    }
    const study = await ok<{ study: { id: number } }>(gw1, admin, 'POST', '/api/studies', { name: 'Cluster', readersPerCase: 2 });
    const cases = await ok<{ cases: Array<{ id: number }> }>(gw1, admin, 'POST', `/api/studies/${study.study.id}/cases`, { cases: [{ studyInstanceUid: ct.studyUid, seriesInstanceUid: ct.seriesUid }] });
    caseId = cases.cases[0].id;
    studyId = study.study.id;
    for (const reader of ['ann', 'bo']) await ok(gw2, admin, 'POST', `/api/cases/${caseId}/assignments`, { userId: ids[reader] });
  }, 150_000);

  afterAll(async () => {
    await stopCluster();
    wipe();
  }, 30_000);

  it('serves one URL through HAProxy, each replica reporting its Orthanc and the database', async () => {
    for (const target of [lb, gw1, gw2]) {
      expect((await call(target, 'GET', '/api/health')).json()).toEqual({ ok: true, orthanc: true, database: true, requireLogin: true });
    }
  });

  it('honours a login made on replica 1 on replica 2, and a logout on replica 2 on replica 1 at once', async () => {
    const ann = await login(gw1, 'ann');
    expect((await call(gw2, 'GET', '/api/auth/session', { who: ann })).status).toBe(200);
    // The DICOMweb session cache of replica 1 holds the session now…
    expect((await call(gw1, 'GET', `/dicom-web/studies/${ct.studyUid}/series`, { who: ann, headers: { accept: 'application/dicom+json' } })).status).toBe(200);
    expect((await call(gw2, 'POST', '/api/auth/logout', { who: ann })).status).toBeLessThan(300);
    // …and forgets it when replica 2 ends it.
    expect((await call(gw1, 'GET', `/dicom-web/studies/${ct.studyUid}/series`, { who: ann, headers: { accept: 'application/dicom+json' } })).status).toBe(401);
  });

  it('locks an account after five wrong passwords spread over both replicas', async () => {
    for (let k = 0; k < 5; k++) {
      const res = await call(k % 2 ? gw2 : gw1, 'POST', '/api/auth/login', json(undefined, { username: 'vic', password: `wrong ${k}` }));
      expect(res.status).toBe(401);
    }
    for (const target of [gw1, gw2]) {
      expect((await call(target, 'POST', '/api/auth/login', json(undefined, { username: 'vic', password: PASSWORD }))).status).toBe(429);
    }
  });

  it('shows a SEG stored through replica 1 to its owner and hides it from another reader through replica 2 at once; a lead sees the case complete through either', async () => {
    const ann = await login(gw1, 'ann');
    const bo = await login(gw2, 'bo');
    const lee = await login(lb, 'lee');
    const seg = segOf(ct, { reader: 'ann' });
    const metadata = `/dicom-web/studies/${ct.studyUid}/series/${seg.seriesInstanceUid}/metadata`;
    const accept = { accept: 'application/dicom+json' };
    // Replica 2 has judged the series before it exists (and would keep that a few seconds).
    expect((await call(gw2, 'GET', metadata, { who: bo, headers: accept })).status).toBe(404);
    expect((await call(gw2, 'GET', metadata, { who: ann, headers: accept })).status).toBe(404);
    expect((await stow(gw1, ann, seg.bytes)).status).toBe(200);
    expect((await call(gw2, 'GET', metadata, { who: ann, headers: accept })).status).toBe(200);
    expect((await call(gw2, 'GET', metadata, { who: bo, headers: accept })).status).toBe(404);
    const series = await call(gw2, 'GET', `/dicom-web/studies/${ct.studyUid}/series`, { who: bo, headers: accept });
    expect(series.text).not.toContain(seg.seriesInstanceUid);

    // Not complete until bo has stored too; the lead is refused the SEG until then.
    for (const target of [gw1, gw2]) expect((await ok<{ complete: boolean }>(target, lee, 'GET', `/api/cases/${caseId}/reads`)).complete).toBe(false);
    expect((await call(gw1, 'GET', metadata, { who: lee, headers: accept })).status).toBe(404);
    const boSeg = segOf(ct, { reader: 'bo' });
    expect((await stow(gw2, bo, boSeg.bytes)).status).toBe(200);
    for (const target of [gw1, gw2]) expect((await ok<{ complete: boolean }>(target, lee, 'GET', `/api/cases/${caseId}/reads`)).complete).toBe(true);
    expect((await call(gw1, 'GET', metadata, { who: lee, headers: accept })).status).toBe(200);
  });

  // Last: gateway 1 stays dead. The outbox sends a read again after a network error; the read
  // must then be stored once, whichever replica the retry reaches.
  it('stores a read exactly once after the retry when the gateway its STOW went to is killed mid-body', async () => {
    const ct2 = phantomCt('cluster-kill', 2);
    for (const file of ct2.files) {
      expect((await call({ host: '127.0.0.1', port: ORTHANC }, 'POST', '/instances', { body: Buffer.from(file), headers: { 'content-type': 'application/dicom' } })).status).toBe(200);
    }
    const added = await ok<{ cases: Array<{ id: number }> }>(lb, admin, 'POST', `/api/studies/${studyId}/cases`, { cases: [{ studyInstanceUid: ct2.studyUid, seriesInstanceUid: ct2.seriesUid }] });
    const killCase = added.cases[0].id;
    await ok(lb, admin, 'POST', `/api/cases/${killCase}/assignments`, { userId: ids.ann });
    const ann = await login(lb, 'ann');
    const seg = segOf(ct2, { reader: 'ann' });
    const { body, contentType } = stowBody([seg.bytes]);

    // Half the body to gateway 1; once its spool file holds that half, the gateway is killed.
    const victim = listener(gw1.port);
    const half = Math.floor(body.length / 2);
    const cut = partlySent(gw1, ann, body, contentType, half);
    const spool = await until('gateway 1 to spool half the body', () => {
      const name = readdirSync(tmpdir()).find((n) => n.startsWith(`ctaw-stow-${victim}-`));
      const file = name && join(tmpdir(), name, 'body');
      return file && existsSync(file) && statSync(file).size >= half ? join(tmpdir(), name) : undefined;
    });
    process.kill(victim, 'SIGKILL');
    expect(await cut).toMatch(/^failed: /);
    // SIGKILL runs no finally: the folder stays until a later gateway process sweeps it.
    expect(existsSync(spool)).toBe(true);
    rmSync(spool, { recursive: true, force: true });

    // The outbox's retry through HAProxy, which sends it to gateway 2 (HAProxy may not know yet
    // that gateway 1 is gone: conn-failure retries and redispatch); then the answer lost and sent again.
    const send = async (): Promise<Answer> => {
      for (let attempt = 0; ; attempt++) {
        const res = await stow(lb, ann, seg.bytes).catch(() => null);
        if ((res && res.status < 500) || attempt === 10) return res ?? Promise.reject(new Error('no answer'));
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(200);

    const instances = await call(lb, 'GET', `/dicom-web/studies/${ct2.studyUid}/series/${seg.seriesInstanceUid}/instances`, { who: ann, headers: { accept: 'application/dicom+json' } });
    expect(instances.status).toBe(200);
    expect(instances.json<Array<Record<string, { Value: string[] }>>>().map((i) => i['00080018'].Value[0])).toEqual([seg.sopInstanceUid]);
    const archive = await call({ host: '127.0.0.1', port: ORTHANC + 1 }, 'GET', `/dicom-web/instances?SOPInstanceUID=${seg.sopInstanceUid}`, { headers: { accept: 'application/dicom+json' } });
    expect(archive.json<unknown[]>()).toHaveLength(1);
    const db = await gatewayDb();
    try {
      const results = await db.query('SELECT case_id, user_id FROM results WHERE sop_instance_uid = $1', [seg.sopInstanceUid]);
      expect(results.rows).toEqual([{ case_id: killCase, user_id: ids.ann }]);
      const stored = await db.query(`SELECT 1 FROM audit_log WHERE action = 'result.store' AND detail->>'sopInstanceUid' = $1`, [seg.sopInstanceUid]);
      expect(stored.rowCount).toBe(1);
      expect((await db.query('SELECT user_id FROM result_series WHERE series_instance_uid = $1', [seg.seriesInstanceUid])).rows).toEqual([{ user_id: ids.ann }]);
    } finally {
      await db.end();
    }
  });
});
