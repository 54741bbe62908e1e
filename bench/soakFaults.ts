// The soak's faults (bench/scaleSoak.ts): a process of the cluster killed with SIGKILL and, a
// while later, started again with the command line, environment and folder it had (read from
// /proc before the kill), as systemd's Restart=always would; and every failed try of every
// request timed, for the failover figure.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { openSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';

/** The PID of the process listening on port (a gateway's node, not its tsx wrapper). */
export function listener(port: number): number {
  const line = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const pid = /pid=(\d+)/.exec(line)?.[1];
  if (!pid) throw new Error(`nothing listens on ${port}`);
  return Number(pid);
}

interface ProcessImage {
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

function imageOf(pid: number): ProcessImage {
  const nulSplit = (file: string) => readFileSync(`/proc/${pid}/${file}`, 'latin1').split('\0').filter(Boolean);
  const env: NodeJS.ProcessEnv = {};
  for (const kv of nulSplit('environ')) {
    const at = kv.indexOf('=');
    if (at > 0) env[kv.slice(0, at)] = kv.slice(at + 1);
  }
  return { argv: nulSplit('cmdline'), env, cwd: readlinkSync(`/proc/${pid}/cwd`) };
}

// The fetch this module loaded with: its own polls of a restarted process are no reader's tries.
const realFetch = globalThis.fetch;

async function waitFor(url: string, what: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${what} ended at restart (${child.exitCode})`);
    if (await realFetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not answer ${url} within 60 s of its restart`);
}

export interface Killed {
  what: string;
  /** starts it again as it was; resolves once it answers */
  restart: () => Promise<void>;
}

/** Processes this module started: the caller stops them at the end (the cluster script knows only its own). */
export const restarted: ChildProcess[] = [];

/** kill -9 of the gateway listening on port; its restart logs to logFile. */
export function killGateway(port: number, logFile: string): Killed {
  const pid = listener(port);
  const image = imageOf(pid);
  process.kill(pid, 'SIGKILL');
  return {
    what: `gateway on :${port}`,
    restart: async () => {
      const log = openSync(logFile, 'a');
      const child = spawn(image.argv[0], image.argv.slice(1), { cwd: image.cwd, env: image.env, stdio: ['ignore', log, log] });
      restarted.push(child);
      await waitFor(`http://127.0.0.1:${port}/api/health`, `the gateway on :${port}`, child);
    },
  };
}

/** kill -9 of the Orthanc whose PID is in dir/orthanc.pid; the restart writes its PID there, so
 * that the cluster script stops it at the end as it stops its own. */
export function killOrthanc(dir: string, port: number): Killed {
  const pid = Number(readFileSync(`${dir}/orthanc.pid`, 'utf8'));
  const image = imageOf(pid);
  process.kill(pid, 'SIGKILL');
  return {
    what: `Orthanc on :${port}`,
    restart: async () => {
      const log = openSync(`${dir}/orthanc.log`, 'a');
      const child = spawn(image.argv[0], image.argv.slice(1), { cwd: image.cwd, env: image.env, stdio: ['ignore', log, log], detached: true });
      child.unref();
      writeFileSync(`${dir}/orthanc.pid`, String(child.pid));
      await waitFor(`http://127.0.0.1:${port}/system`, `Orthanc on :${port}`, child);
    },
  };
}

/**
 * Every try of every fetch() in this process while recording: how many, and when each that failed
 * (no answer, or 5xx) ended. The retries hide failures from readers; these show how long a
 * failover lasted.
 */
export function recordTries(): { tries: () => number; failedAt: number[]; failures: Array<{ at: number; what: string }>; stop: () => void } {
  const real = globalThis.fetch;
  const failedAt: number[] = [];
  const failures: Array<{ at: number; what: string }> = [];
  const failed = (what: string) => {
    const at = Date.now();
    failedAt.push(at);
    failures.push({ at, what });
  };
  let tries = 0;
  globalThis.fetch = async (input, init) => {
    tries++;
    const path = String(input instanceof Request ? input.url : input).replace(/^https?:\/\/[^/]+/, '').replace(/\/(studies|series|instances)\/[0-9.]+/g, '/$1/…');
    try {
      const res = await real(input, init);
      if (res.status >= 500) failed(`${res.status} ${init?.method ?? 'GET'} ${path}`);
      return res;
    } catch (err) {
      failed(`${(err as Error).name} ${init?.method ?? 'GET'} ${path}`);
      throw err;
    }
  };
  return { tries: () => tries, failedAt, failures, stop: () => (globalThis.fetch = real) };
}

/**
 * Seconds from an event until the last failed try before the next event: how long until every
 * request succeeds again (0 when none failed).
 */
export function failoverSeconds(eventAt: number, nextEventAt: number, failedAt: number[]): number {
  const inWindow = failedAt.filter((t) => t >= eventAt && t < nextEventAt);
  return inWindow.length ? (Math.max(...inWindow) - eventAt) / 1000 : 0;
}
