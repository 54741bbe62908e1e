// The gateway's own tables (accounts, sessions, audit log, reading study) live in PostgreSQL and
// are reached through node-postgres. Without CTAW_DATABASE_URL an embedded PGlite (PostgreSQL
// compiled to WebAssembly) runs inside this process and is reached over the same wire protocol
// through pglite-socket on a private Unix socket, so every query takes the same path on both.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { StartupError, shownValue } from '../startupError.ts';
import { lockDataDir } from './dataDirLock.ts';

export interface DatabaseConfig {
  /** a PostgreSQL server (CTAW_DATABASE_URL); null runs the embedded PGlite */
  url: string | null;
  /** the embedded PGlite's folder (data in pgdata/, plus a lock file); null keeps it in memory */
  pgliteDir: string | null;
}

/** A pool or a client checked out of it (inside a transaction). */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** where the data is, for the start-up log (never a password) */
  readonly description: string;
  /** Runs fn in BEGIN … COMMIT on one client (ROLLBACK when it throws). Inside, query through `client`
   * only: with PGlite the pool has one connection, and a query on the pool would wait for ever. */
  transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** one client for several statements outside a transaction (advisory locks) */
  withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.url) {
    const pool = new pg.Pool({ connectionString: config.url, max: 10, connectionTimeoutMillis: 10_000 });
    const url = new URL(config.url);
    const description = `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
    // One connection now, so that a server that does not answer or refuses the login is said at
    // start, naming the setting, rather than as the first query's error.
    try {
      (await pool.connect()).release();
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw unreachable(description, err);
    }
    return wrapPool(pool, 'postgres', description, () => pool.end());
  }
  return openEmbedded(config.pgliteDir);
}

function unreachable(description: string, err: unknown): StartupError {
  const code = (err as { code?: string }).code;
  const why =
    code === '28P01' || code === '28000'
      ? 'refuses the user name or password'
      : code === '3D000'
        ? 'has no such database'
        : code && /^E[A-Z]+$/.test(code)
          ? `does not answer (${code})`
          : /timeout/i.test((err as Error).message)
            ? 'does not answer within 10 s'
            : `cannot be used (${(err as Error).message || code || 'no answer'})`;
  return new StartupError(
    'CTAW_DATABASE_URL',
    `CTAW_DATABASE_URL (${description}) ${why}: start that server or correct CTAW_DATABASE_URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE), or unset it for the embedded database`,
    { cause: err },
  );
}

async function openEmbedded(dir: string | null): Promise<Database> {
  let release = (): void => {};
  let pglite: PGlite;
  if (dir) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new StartupError('CTAW_PGLITE_DIR', `CTAW_PGLITE_DIR=${shownValue(dir)} cannot be made a folder (${code}): set CTAW_PGLITE_DIR to a folder this user may write`, { cause: err });
    }
    release = lockDataDir(dir);
    try {
      const dataDir = join(dir, 'pgdata');
      pglite = existsSync(join(dataDir, 'PG_VERSION')) ? await PGlite.create(dataDir) : await PGlite.create({ dataDir, loadDataDir: await freshDataDir() });
    } catch (err) {
      release();
      throw err;
    }
  } else {
    pglite = await PGlite.create({ loadDataDir: await freshDataDir() });
  }
  // mkdtemp makes the folder 0700: only this user can reach the socket, which asks for no password.
  const socketDir = mkdtempSync(join(tmpdir(), 'ctaw-pglite-'));
  // PGlite is one backend: pglite-socket queues every connection's messages into it. The pool keeps
  // a single connection, never closed when idle; the socket takes a second one only so that a
  // reconnect after a broken connection is not refused while the old one is being torn down
  // (pglite-socket answers a connection over its limit with plain text, which pg reports as EPIPE).
  const socket = new PGLiteSocketServer({ db: pglite, path: join(socketDir, '.s.PGSQL.5432'), maxConnections: 2 });
  await socket.start();
  const pool = new pg.Pool({ host: socketDir, port: 5432, user: 'postgres', database: 'postgres', max: 1, idleTimeoutMillis: 0, connectionTimeoutMillis: 60_000 });
  return wrapPool(pool, 'pglite', dir ? `embedded PGlite in ${dir}` : 'embedded PGlite in memory', async () => {
    await pool.end();
    await socket.stop();
    await pglite.close();
    rmSync(socketDir, { recursive: true, force: true });
    release();
  });
}

function wrapPool(pool: pg.Pool, kind: Database['kind'], description: string, close: () => Promise<void>): Database {
  // An idle client that loses its connection emits on the pool; unhandled, that would end the process.
  pool.on('error', (err) => console.error(`[db] idle connection failed: ${err.message}`));
  const withClient = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      return await fn(client);
    } finally {
      client.release();
    }
  };
  let closed: Promise<void> | null = null;
  return {
    kind,
    description,
    query: (text, params) => pool.query(text, params),
    withClient,
    transaction: (fn) =>
      withClient(async (client) => {
        await client.query('BEGIN');
        try {
          const result = await fn(client);
          await client.query('COMMIT');
          return result;
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }),
    close: () => (closed ??= close()),
  };
}

/** initdb inside WebAssembly takes ~10 s; a new database (in memory for tests, or a new folder)
 * starts in 1-2 s from a saved copy of a fresh data folder, kept beside the other runtime data and
 * made once per PGlite version. */
async function freshDataDir(): Promise<Blob> {
  const pkg = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const version = (JSON.parse(readFileSync(join(dirname(pkg), '../package.json'), 'utf8')) as { version: string }).version;
  const path = resolve(import.meta.dirname, '../../.data', `pglite-template-${version}.tar`);
  if (existsSync(path)) return new Blob([readFileSync(path)]);
  const db = await PGlite.create();
  const tarball = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
  await db.close();
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, tarball);
  renameSync(tmp, path);
  return new Blob([tarball]);
}
