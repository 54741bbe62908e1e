// The model is what every other part imports: it must import nothing of theirs, or the codecs,
// storage, stores, server and UI end up depending on each other through it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const MODEL_DIR = import.meta.dirname;

/** The model's modules: every .ts file in src/model but the tests (which may import vitest and node:). */
function modelFiles(dir = MODEL_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = resolve(dir, e.name);
    if (e.isDirectory()) return modelFiles(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** Every module specifier a file names: import/export … from, side-effect imports, import(). */
function importedSpecifiers(source: string): string[] {
  const patterns = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]/g, /\brequire\s*\(\s*['"]([^'"]+)['"]/g];
  return patterns.flatMap((p) => [...source.matchAll(p)].map((m) => m[1]));
}

/** The specifiers of `file` that leave src/model (packages, node: builtins, ../ paths). */
function outsideImports(file: string): string[] {
  return importedSpecifiers(readFileSync(file, 'utf8')).filter((spec) => {
    if (!spec.startsWith('.')) return true;
    const target = relative(MODEL_DIR, resolve(dirname(file), spec));
    return target.startsWith('..');
  });
}

describe('src/model', () => {
  it('reads the import lines it checks', () => {
    const source = [
      "import type { A } from './a.ts';",
      "import { B } from '../contouring/b.ts';",
      "export { C } from 'zustand';",
      "import 'fake-indexeddb/auto';",
      "const d = await import('../d.ts');",
      'import {\n  E,\n  F,\n} from "./e.ts";',
    ].join('\n');
    expect(importedSpecifiers(source).sort()).toEqual(['../contouring/b.ts', '../d.ts', './a.ts', './e.ts', 'fake-indexeddb/auto', 'zustand']);
  });

  it('imports nothing outside src/model', () => {
    const files = modelFiles();
    expect(files.map((f) => relative(MODEL_DIR, f))).toEqual(expect.arrayContaining(['api.ts', 'segment.ts', 'studyConfig.ts']));
    const offending = files.flatMap((f) => outsideImports(f).map((spec) => `${relative(MODEL_DIR, f)}: ${spec}`));
    expect(offending).toEqual([]);
  });
});
