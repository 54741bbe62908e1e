// Which migration files still have to run, and the mistakes that must stop a start instead:
// an applied file edited afterwards, a database migrated by newer code, a file slipped in below
// the last applied one.
import { createHash } from 'node:crypto';

export interface MigrationFile {
  /** "001" from 001_identity.sql: the order they run in */
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export interface AppliedMigration {
  version: string;
  name: string;
  checksum: string;
}

const FILE_NAME = /^(\d{3})_[a-z0-9_]+\.sql$/;

export function migrationFile(name: string, sql: string): MigrationFile | null {
  const match = FILE_NAME.exec(name);
  if (!match) return null;
  // Line endings normalised so that a checkout with CRLF does not look like an edited file.
  const checksum = createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
  return { version: match[1], name, sql, checksum };
}

/** The files to apply, in order; throws when the folder and the database disagree. */
export function planMigrations(files: MigrationFile[], applied: AppliedMigration[]): MigrationFile[] {
  const sorted = [...files].sort((a, b) => a.version.localeCompare(b.version));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].version === sorted[i - 1].version) throw new Error(`two migrations numbered ${sorted[i].version}: ${sorted[i - 1].name} and ${sorted[i].name}`);
  }
  const byVersion = new Map(sorted.map((f) => [f.version, f]));
  let lastApplied = '';
  for (const done of applied) {
    const file = byVersion.get(done.version);
    if (!file) throw new Error(`the database has migration ${done.name}, which this code does not have (was it migrated by a newer version?)`);
    if (file.checksum !== done.checksum) throw new Error(`migration ${file.name} was changed after it was applied; add a new migration instead`);
    if (done.version > lastApplied) lastApplied = done.version;
  }
  const appliedVersions = new Set(applied.map((a) => a.version));
  const pending = sorted.filter((f) => !appliedVersions.has(f.version));
  const early = pending.find((f) => f.version < lastApplied);
  if (early) throw new Error(`migration ${early.name} sorts before ${lastApplied}, which is already applied; give it a higher number`);
  return pending;
}
