// The admin CLI (scripts/admin.ts) on an embedded PGlite folder, and the lock that keeps a second
// process (the CLI while the server runs, or a second server) out of that folder.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseBusyError } from '../../server/db/dataDirLock.ts';
import { type Database, openDatabase } from '../../server/db/database.ts';

const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;

function admin(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(
      join(ROOT, 'node_modules/.bin/tsx'),
      [join(ROOT, 'scripts/admin.ts'), ...args],
      { cwd: ROOT, env: { ...process.env, CTAW_PGLITE_DIR: dir, CTAW_DATABASE_URL: '' } },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin ?? '');
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ctaw-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('admin CLI on the embedded database', () => {
  it('refuses, with a clear message, while another process has the folder open; a second open in one process too', async () => {
    const server: Database = await openDatabase({ url: null, pgliteDir: dir });
    try {
      await expect(openDatabase({ url: null, pgliteDir: dir })).rejects.toBeInstanceOf(DatabaseBusyError);
      const res = await admin(['list-users']);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`The embedded database in ${dir} is in use by process ${process.pid}`);
      expect(res.stderr).toContain('stop that process');
    } finally {
      await server.close();
    }
  });

  it('creates, lists, resets and disables accounts once the folder is free, and audits each change', async () => {
    const created = await admin(['create-user', '--username', 'Reader1', '--role', 'reader', '--display-name', 'Reader One', '--password-stdin'], 'a long enough secret\n');
    expect(created, created.stderr).toMatchObject({ code: 0 });
    expect(created.stdout).toContain('created reader1');
    expect(created.stdout).not.toContain('password');

    const generated = await admin(['create-user', '--username', 'lead1', '--role', 'lead', '--display-name', 'Lead One']);
    expect(generated.stdout).toMatch(/password \(shown once\): [a-z2-9]{5}(-[a-z2-9]{5}){3}/);

    expect((await admin(['create-user', '--username', 'reader1', '--role', 'reader', '--display-name', 'Again'])).stderr).toContain('the user name reader1 is taken');
    expect((await admin(['reset-password', '--username', 'reader1', '--password-stdin'], 'another long secret')).stdout).toContain('new password set for reader1; 0 session(s) ended');
    expect((await admin(['disable', '--username', 'lead1'])).stdout).toContain('lead1 disabled');
    expect((await admin(['frobnicate'])).code).toBe(1);

    const list = await admin(['list-users']);
    expect(list.stdout.trim().split('\n')).toEqual(['id\tusername\trole\tstate\tdisplay name', '2\tlead1\tlead\tdisabled\tLead One', '1\treader1\treader\tactive\tReader One']);

    const db = await openDatabase({ url: null, pgliteDir: dir });
    try {
      const audit = await db.query<{ action: string; user_id: number | null; detail: { via: string } }>('SELECT action, user_id, detail FROM audit_log ORDER BY id');
      expect(audit.rows.map((r) => [r.action, r.user_id, r.detail.via])).toEqual([
        ['user.create', null, 'cli'],
        ['user.create', null, 'cli'],
        ['user.password-reset', null, 'cli'],
        ['user.disable', null, 'cli'],
      ]);
    } finally {
      await db.close();
    }
  });

  it('takes over a lock left by a process that has ended', async () => {
    writeFileSync(join(dir, 'lock'), JSON.stringify({ pid: 2 ** 22 + 12345, since: '2020-01-01T00:00:00Z' }));
    const db = await openDatabase({ url: null, pgliteDir: dir });
    await db.close();
    expect((await admin(['list-users'])).code).toBe(0);
  });
});
