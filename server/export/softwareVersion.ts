// The software a dataset was made with, for its manifest: package.json's name and version, and
// the git commit when the code runs from a checkout (null otherwise, e.g. an installed copy).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export function softwareVersion(): { name: string; version: string; commit: string | null } {
  const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version, commit: gitCommit() };
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['-C', ROOT, 'rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}
