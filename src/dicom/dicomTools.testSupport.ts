// For tests, in Node only: whether a DICOM command-line tool is installed, and what dciodvfy
// (Debian dicom3tools) says of an object's bytes. Not part of the app.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function onPath(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** dciodvfy's error and warning lines for a DICOM object (it reports on stderr and exits non-zero on errors). */
export function dciodvfy(bytes: Uint8Array, name = 'object.dcm'): { errors: string[]; warnings: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'ctaw-dciodvfy-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    const output = execFileSync('sh', ['-c', 'dciodvfy "$1" 2>&1 || true', 'sh', path], { encoding: 'utf8' });
    const lines = output.split('\n').filter((l) => l.trim() !== '');
    return { errors: lines.filter((l) => l.includes('Error')), warnings: lines.filter((l) => l.includes('Warning')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
