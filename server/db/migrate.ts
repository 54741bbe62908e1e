// Applies server/migrations/NNN_*.sql in order, each in its own transaction, and records it in
// schema_migrations; running it again applies only what is new. An advisory lock keeps two
// gateway replicas starting together from applying the same file twice.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Database } from './database.ts';
import { type AppliedMigration, type MigrationFile, migrationFile, planMigrations } from './migrationPlan.ts';

export const MIGRATIONS_DIR = resolve(import.meta.dirname, '../migrations');
const LOCK_KEY = 74_142_504; // any constant; only this code takes it

export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .map((name) => {
      const file = migrationFile(name, readFileSync(join(dir, name), 'utf8'));
      if (!file) throw new Error(`${name} in ${dir}: migration files are named NNN_words.sql`);
      return file;
    });
}

/** Returns the names of the files it applied. */
export async function migrate(db: Database, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const files = readMigrations(dir);
  return db.withClient(async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version text PRIMARY KEY,
        name text NOT NULL,
        checksum text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const applied = await client.query<AppliedMigration>('SELECT version, name, checksum FROM schema_migrations ORDER BY version');
      const done: string[] = [];
      for (const file of planMigrations(files, applied.rows)) {
        await client.query('BEGIN');
        try {
          // No parameters: the simple query protocol runs every statement in the file.
          await client.query(file.sql);
          await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [file.version, file.name, file.checksum]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`migration ${file.name} failed: ${(err as Error).message}`, { cause: err });
        }
        done.push(file.name);
      }
      return done;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    }
  });
}
