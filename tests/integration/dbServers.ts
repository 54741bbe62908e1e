// Databases for the integration tests, started inside the test run: an in-memory PGlite (from the
// saved fresh data folder, ~1 s), and a throwaway PostgreSQL cluster from Debian's postgresql
// binaries on a loopback port (initdb + pg_ctl in a temporary folder, ~3 s), removed afterwards.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Database, openDatabase } from '../../server/db/database.ts';
import { freePort } from '../support/freePort.ts';

const run = promisify(execFile);

export function openTestPglite(): Promise<Database> {
  return openDatabase({ url: null, pgliteDir: null });
}

export interface ThrowawayPostgres {
  /** the server's version, e.g. "15" */
  version: string;
  /** a new, empty database on the cluster */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** The newest /usr/lib/postgresql/N/bin with initdb in it, or null. */
function postgresBin(): { bin: string; version: string } | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? { bin: join(root, versions[0], 'bin'), version: versions[0] } : null;
}


export function postgresAvailable(): boolean {
  return postgresBin() !== null;
}

/** Starts a cluster, or returns null with a loud warning when the binaries are not installed. */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres | null> {
  const found = postgresBin();
  if (!found) {
    console.warn(
      '\n!!!!!!!! PostgreSQL binaries not found under /usr/lib/postgresql/*/bin: the tests against a real\n' +
        '!!!!!!!! PostgreSQL server are SKIPPED. Install them with: apt-get install postgresql\n',
    );
    return null;
  }
  const base = mkdtempSync(join(tmpdir(), 'ctaw-pg-'));
  const data = join(base, 'data');
  const password = randomBytes(16).toString('hex');
  writeFileSync(join(base, 'pwfile'), password, { mode: 0o600 });
  // initdb and postgres refuse to run as root: as root, they run as the postgres account.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(base, uid, gid);
    chownSync(join(base, 'pwfile'), uid, gid);
  }
  const pgCommand = (tool: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', join(found.bin, tool), ...args]] : [join(found.bin, tool), args]);
  const exec = (tool: string, args: string[]) => run(...pgCommand(tool, args));

  await exec('initdb', ['-D', data, '-U', 'ctaw', `--pwfile=${join(base, 'pwfile')}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-locale', '--no-sync']);
  const port = await freePort();
  // Durability off: a test cluster lives for seconds. Unix socket in the private temp folder.
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${base} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  await exec('pg_ctl', ['-D', data, '-l', join(base, 'log'), '-w', '-t', '60', '-o', options, 'start']);
  const stopNow = (): void => {
    try {
      const [cmd, args] = pgCommand('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      execFileSync(cmd, args, { stdio: 'ignore' });
    } catch {
      // already stopped
    }
    rmSync(base, { recursive: true, force: true });
  };
  // A crashed test run must not leave a postgres behind.
  process.once('exit', stopNow);

  const url = (db: string) => `postgresql://ctaw:${password}@127.0.0.1:${port}/${db}`;
  return {
    version: found.version,
    async createDatabase(name) {
      const admin = await openDatabase({ url: url('postgres'), pgliteDir: null });
      try {
        await admin.query(`CREATE DATABASE ${name.replace(/[^a-z0-9_]/g, '')}`);
      } finally {
        await admin.close();
      }
      return url(name);
    },
    async stop() {
      process.removeListener('exit', stopNow);
      stopNow();
    },
  };
}
