// A bad setting at start ends the server with one line on stderr that names the setting, a
// non-zero exit code and no stack trace (server/startupError.ts, server/main.ts). Each case runs
// the real entry point, `tsx server/main.ts`, with its own PGlite folder and port; Orthanc is not
// needed (the server does not call it until a request asks).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/freePort.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ctaw-startup-'));
  dirs.push(dir);
  return dir;
}

interface Exit {
  code: number | null;
  stderr: string;
  stdout: string;
}

/** Runs the server with only these CTAW_* settings (and a closed Orthanc port, no built app). */
async function start(settings: Record<string, string>): Promise<Exit> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('CTAW_')) env[name] = value;
  Object.assign(env, {
    CTAW_PORT: String(await freePort()),
    CTAW_PGLITE_DIR: join(tempDir(), 'pglite'),
    CTAW_ORTHANC_URL: `http://127.0.0.1:${await freePort()}`,
    CTAW_DIST: '',
    // The request log on, as npm start has it: it must not reach stderr.
    CTAW_LOG: '1',
    ...settings,
  });
  return new Promise((resolveExit, reject) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), ['server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // A server that starts after all is a failure of the test, not a hang. (Each case ends in 1-4 s
    // on an idle machine; the admin password case opens a database, which is CPU-bound.)
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveExit({ code, stderr, stdout });
    });
  });
}

function expectOneLine(exit: Exit, setting: string): string {
  expect(exit.code, `stdout: ${exit.stdout}\nstderr: ${exit.stderr}`).not.toBe(0);
  expect(exit.code).not.toBeNull();
  const lines = exit.stderr.split('\n');
  expect(lines.at(-1), 'stderr ends with a newline').toBe('');
  expect(lines.slice(0, -1), `stderr: ${exit.stderr}`).toHaveLength(1);
  const line = lines[0];
  expect(line).toMatch(/^ctaw: \S/);
  expect(line).toContain(setting);
  expect(line).not.toContain('    at ');
  return line;
}

function listenOn(port: number): Promise<Server> {
  return new Promise((resolveServer, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveServer(server));
  });
}

describe('start-up errors are one line naming the setting', () => {
  // Settings refused while they are read, before anything is opened (server/config.test.ts has
  // every setting; these are one of each kind, through the real entry point).
  const refusedWhenRead: Array<[string, string, RegExp]> = [
    ['CTAW_PORT', 'abc', /^ctaw: CTAW_PORT=abc is not a port number: set CTAW_PORT to a free port/],
    ['CTAW_REQUIRE_LOGIN', 'maybe', /^ctaw: CTAW_REQUIRE_LOGIN=maybe is neither true nor false: set CTAW_REQUIRE_LOGIN to true or false/],
    ['CTAW_STOW_LIMIT_MB', 'lots', /^ctaw: CTAW_STOW_LIMIT_MB=lots is not a whole number from 1 to \d+: set CTAW_STOW_LIMIT_MB to/],
    ['CTAW_TRUST_PROXY', '10.0.0.0/8,proxy.example', /^ctaw: CTAW_TRUST_PROXY=.* has proxy.example, which is not an address/],
    ['CTAW_ORTHANC_URL', 'localhost:18642', /^ctaw: CTAW_ORTHANC_URL=localhost:18642 is not an http:\/\/ URL/],
    ['CTAW_DATABASE_URL', 'postgres://ctaw:secret@[db/ctaw', /^ctaw: CTAW_DATABASE_URL is not a URL: set CTAW_DATABASE_URL to postgres:\/\//],
  ];
  it.concurrent.each(refusedWhenRead)('%s=%s', async (setting, value, expected) => {
    const line = expectOneLine(await start({ [setting]: value }), setting);
    expect(line).toMatch(expected);
    expect(line).not.toContain('secret');
  });

  it.concurrent('a database URL that does not answer (the password never shown)', async () => {
    const port = await freePort();
    const line = expectOneLine(await start({ CTAW_DATABASE_URL: `postgres://ctaw:secret@127.0.0.1:${port}/ctaw` }), 'CTAW_DATABASE_URL');
    expect(line).toContain(`(PostgreSQL at 127.0.0.1:${port}/ctaw) does not answer (ECONNREFUSED)`);
    expect(line).not.toContain('secret');
  });

  it.concurrent('an admin password the rules refuse (its value never shown)', async () => {
    const line = expectOneLine(await start({ CTAW_ADMIN_PASSWORD: 'abc123' }), 'CTAW_ADMIN_PASSWORD');
    expect(line).toContain('a password needs at least 10 characters');
    expect(line).not.toContain('abc123');
  });

  it.concurrent('a port in use', async () => {
    const port = await freePort();
    const other = await listenOn(port);
    const dir = join(tempDir(), 'pglite');
    try {
      const line = expectOneLine(await start({ CTAW_PORT: String(port), CTAW_PGLITE_DIR: dir }), 'CTAW_PORT');
      expect(line).toBe(`ctaw: CTAW_PORT=${port} is in use by another program: stop it or set CTAW_PORT to a free port`);
      // Said before anything was made: no database, no first admin whose password scrolls away.
      expect(existsSync(dir)).toBe(false);
    } finally {
      other.close();
    }
  });

  it.concurrent('an address that is not this machine', async () => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never a local address.
    const line = expectOneLine(await start({ CTAW_HOST: '192.0.2.1' }), 'CTAW_HOST');
    expect(line).toContain('CTAW_HOST=192.0.2.1 is not an address of this machine');
  });

  it.concurrent('a PGlite folder another running server holds', async () => {
    const dir = join(tempDir(), 'pglite');
    mkdirSync(dir);
    // What a running server writes (db/dataDirLock.ts); this test process is alive.
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: process.pid, since: new Date().toISOString() }));
    const line = expectOneLine(await start({ CTAW_PGLITE_DIR: dir }), 'CTAW_PGLITE_DIR');
    expect(line).toContain(`is in use by process ${process.pid}`);
  });

  it.concurrent('a PGlite folder that cannot be made', async () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const line = expectOneLine(await start({ CTAW_PGLITE_DIR: join(file, 'pglite') }), 'CTAW_PGLITE_DIR');
    expect(line).toContain('cannot be made a folder (ENOTDIR)');
  });

  it.concurrent('anything else: its message and how to see the stack', async () => {
    // A lock that is a folder: an error no check foresees (lockDataDir cannot remove it).
    const dir = join(tempDir(), 'pglite');
    mkdirSync(join(dir, 'lock'), { recursive: true });
    const line = expectOneLine(await start({ CTAW_PGLITE_DIR: dir }), 'CTAW_DEBUG=1');
    expect(line).toMatch(/^ctaw: could not start: .+ \(set CTAW_DEBUG=1 to see where\)$/);

    const debug = await start({ CTAW_PGLITE_DIR: dir, CTAW_DEBUG: '1' });
    expect(debug.code).not.toBe(0);
    expect(debug.stderr.split('\n')[0]).toBe(line.replace(' (set CTAW_DEBUG=1 to see where)', ''));
    expect(debug.stderr).toContain('    at ');
  });
});
