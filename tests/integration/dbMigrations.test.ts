// The migrations on both databases the gateway runs on: the embedded PGlite and a real
// PostgreSQL server (a throwaway cluster started here). Same files, same resulting schema.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../server/db/database.ts';
import { migrate } from '../../server/db/migrate.ts';
import { type ThrowawayPostgres, openTestPglite, startThrowawayPostgres } from './dbServers.ts';

const ALL = ['001_identity.sql', '002_reading_study.sql', '003_reading_workflow.sql', '004_review.sql', '005_import.sql', '006_import_files.sql'];

let pglite: Database;
let server: ThrowawayPostgres | null = null;
let postgres: Database | null = null;

beforeAll(async () => {
  [pglite, server] = await Promise.all([openTestPglite(), startThrowawayPostgres()]);
  if (server) postgres = await openDatabase({ url: await server.createDatabase('migrations'), pgliteDir: null });
}, 120_000);

afterAll(async () => {
  await pglite?.close();
  await postgres?.close();
  await server?.stop();
});

function backends(): Array<[string, Database]> {
  return postgres ? [['PGlite', pglite], ['PostgreSQL', postgres]] : [['PGlite', pglite]];
}

/** Tables, columns, constraints, indexes and triggers of the public schema, in a stable order. */
async function schemaOf(db: Database): Promise<Record<string, unknown[]>> {
  const q = async (sql: string) => (await db.query(sql)).rows;
  return {
    columns: await q(`SELECT table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default, is_identity
                        FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`),
    // NOT NULL constraints are left out: their generated names differ between PostgreSQL versions
    // (the columns' is_nullable above covers them).
    constraints: await q(`SELECT c.conrelid::regclass::text AS table_name, c.conname, c.contype, pg_get_constraintdef(c.oid) AS definition
                            FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                           WHERE n.nspname = 'public' AND c.contype <> 'n' ORDER BY 1, 2`),
    indexes: await q(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`),
    triggers: await q(`SELECT tgrelid::regclass::text AS table_name, tgname, tgtype, tgfoid::regproc::text AS function
                         FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2`),
  };
}

describe('migrations', () => {
  it('apply in order on PGlite and on PostgreSQL, each recorded once; a second run applies nothing', async () => {
    if (!postgres) console.warn('!!!!!!!! PostgreSQL not available: migrations checked on PGlite only');
    for (const [name, db] of backends()) {
      expect(await migrate(db), name).toEqual(ALL);
      expect(await migrate(db), name).toEqual([]);
      const recorded = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY version');
      expect(recorded.rows.map((r) => r.name), name).toEqual(ALL);
    }
  });

  it('give the same schema on both (tables, columns, types, defaults, constraints, indexes, triggers)', async () => {
    const lite = await schemaOf(pglite);
    const tables = [...new Set((lite.columns as Array<{ table_name: string }>).map((c) => c.table_name))];
    expect(tables).toEqual(['assignments', 'audit_log', 'case_agreements', 'case_reviews', 'cases', 'import_files', 'import_keys', 'import_patients', 'imports', 'login_throttle', 'result_series', 'results', 'schema_migrations', 'sessions', 'studies', 'users']);
    expect(lite.triggers).toHaveLength(2);
    expect(lite.constraints.length).toBeGreaterThan(20);
    expect(lite.indexes.length).toBeGreaterThan(15);
    if (!postgres) return;
    expect(await schemaOf(postgres)).toEqual(lite);
  });

  it('keep audit_log append-only: UPDATE, DELETE and TRUNCATE are refused, INSERT works', async () => {
    for (const [name, db] of backends()) {
      await db.query("INSERT INTO audit_log (action, detail) VALUES ('test.append', '{\"n\": 1}')");
      for (const sql of ["UPDATE audit_log SET action = 'x'", 'DELETE FROM audit_log', 'TRUNCATE audit_log']) {
        await expect(db.query(sql), `${name}: ${sql}`).rejects.toThrow(/audit_log is append-only/);
      }
      const rows = await db.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'test.append'");
      expect(rows.rows[0].n, name).toBe(1);
    }
  });

  it('roll back a migration that fails, leaving nothing of it and no record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctaw-migrations-'));
    writeFileSync(join(dir, '001_ok.sql'), 'CREATE TABLE t_ok (a int);');
    writeFileSync(join(dir, '002_bad.sql'), 'CREATE TABLE t_bad (a int);\nINSERT INTO t_missing VALUES (1);');
    const db = server ? await openDatabase({ url: await server.createDatabase('rollback'), pgliteDir: null }) : await openTestPglite();
    try {
      await expect(migrate(db, dir)).rejects.toThrow(/migration 002_bad.sql failed: .*t_missing/);
      const tables = await db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
      expect(tables.rows.map((r) => r.table_name)).toEqual(['schema_migrations', 't_ok']);
      expect((await db.query('SELECT version FROM schema_migrations')).rows).toEqual([{ version: '001' }]);
      // Fixed file, next start: it runs.
      writeFileSync(join(dir, '002_bad.sql'), 'CREATE TABLE t_bad (a int);');
      expect(await migrate(db, dir)).toEqual(['002_bad.sql']);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
