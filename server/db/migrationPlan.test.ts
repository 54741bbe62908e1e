import { describe, expect, it } from 'vitest';
import { type MigrationFile, migrationFile, planMigrations } from './migrationPlan.ts';

const file = (name: string, sql = `-- ${name}`): MigrationFile => migrationFile(name, sql)!;
const applied = (f: MigrationFile) => ({ version: f.version, name: f.name, checksum: f.checksum });

describe('migrationFile', () => {
  it('takes NNN_words.sql and nothing else', () => {
    expect(file('001_identity.sql').version).toBe('001');
    expect(migrationFile('1_identity.sql', '')).toBeNull();
    expect(migrationFile('001-identity.sql', '')).toBeNull();
    expect(migrationFile('001_Identity.sql', '')).toBeNull();
  });
  it('has the same checksum with CRLF line ends', () => {
    expect(migrationFile('001_a.sql', 'a\r\nb\r\n')!.checksum).toBe(migrationFile('001_a.sql', 'a\nb\n')!.checksum);
  });
});

describe('planMigrations', () => {
  const a = file('001_a.sql');
  const b = file('002_b.sql');
  const c = file('003_c.sql');
  it('runs every file in number order on an empty database', () => {
    expect(planMigrations([c, a, b], []).map((f) => f.name)).toEqual(['001_a.sql', '002_b.sql', '003_c.sql']);
  });
  it('runs only what is new', () => {
    expect(planMigrations([a, b, c], [applied(a), applied(b)]).map((f) => f.name)).toEqual(['003_c.sql']);
    expect(planMigrations([a, b, c], [applied(a), applied(b), applied(c)])).toEqual([]);
  });
  it('refuses an applied file that was edited', () => {
    expect(() => planMigrations([file('001_a.sql', 'changed'), b], [applied(a)])).toThrow('migration 001_a.sql was changed after it was applied');
  });
  it('refuses a database migrated by newer code', () => {
    expect(() => planMigrations([a], [applied(a), applied(b)])).toThrow('the database has migration 002_b.sql');
  });
  it('refuses a new file numbered below an applied one, and two files with one number', () => {
    expect(() => planMigrations([a, b, c], [applied(a), applied(c)])).toThrow('migration 002_b.sql sorts before 003');
    expect(() => planMigrations([a, file('001_other.sql')], [])).toThrow('two migrations numbered 001');
  });
});
