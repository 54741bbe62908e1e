// PGlite is one PostgreSQL backend inside one process: two processes opening the same data folder
// would both write to it and corrupt it. A lock file (created atomically, naming its process)
// keeps the second one out; the admin CLI gets the same refusal while the server runs.
import { linkSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '../startupError.ts';

/** A StartupError: the server prints it as its one line at start (server/main.ts). */
export class DatabaseBusyError extends StartupError {
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(
      'CTAW_PGLITE_DIR',
      `The embedded database in ${dir} is in use by process ${pid}${pid === process.pid ? ' (this one)' : ''}` +
        ' (PGlite lets one process at a time open it): stop that process (the server started by npm start) and try again,' +
        ` or set CTAW_PGLITE_DIR to another folder (if no such process runs, delete ${join(dir, 'lock')})`,
    );
    this.name = 'DatabaseBusyError';
  }
}

/** Takes the folder's lock or throws DatabaseBusyError; returns the function that gives it back. */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, 'lock');
  const tmp = `${path}.${process.pid}.${Date.now()}`;
  writeFileSync(tmp, JSON.stringify({ pid: process.pid, since: new Date().toISOString(), argv: process.argv.slice(1, 3) }), { mode: 0o600 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        // link() fails when the name exists, so the lock never holds a half-written file.
        linkSync(tmp, path);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const holder = lockHolder(path);
        if (holder !== null && (isAlive(holder) || attempt > 0)) throw new DatabaseBusyError(dir, holder);
        if (attempt > 0) throw err;
        rmSync(path, { force: true }); // left by a process that has ended
      }
    }
  } finally {
    unlinkSync(tmp);
  }
  return () => {
    if (lockHolder(path) === process.pid) unlinkSync(path);
  };
}

function lockHolder(path: string): number | null {
  try {
    const pid = (JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown }).pid;
    return typeof pid === 'number' ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
