// De-identified import from the shell, through the running server's own import code (the same
// requests as the admin page), so the PGlite database needs no second process:
//   npm run import -- [--url http://127.0.0.1:5180] [--user admin] [--study ID] PATH…
//   npm run import -- --deidentify-only OUT [--keys FILE | --url … --user …] PATH…
// PATH: files, folders (read recursively) and zip archives (their entries, stored or deflated:
// src/import/zipReader.ts). The password comes from CTAW_IMPORT_PASSWORD or a prompt. Progress on stderr, the summary on stdout.
// --deidentify-only writes the de-identified files to OUT and stores nothing, with the server's
// keys (POST /api/import/deidentify) or, with --keys FILE, a local keys file (created when
// missing) and no server at all. Uploaded later, those files keep their UIDs and dates (with the
// server's keys they are stored byte for byte; with a site's file the server gives the patient a
// pseudonym of its own): server/import/deidentifyWithKeys.ts.
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ImportRefusal, readSource } from '../server/import/deidentify.ts';
import { deidentifyWithKeys } from '../server/import/deidentifyWithKeys.ts';
import { zipEntries, zipEntryBytes } from '../src/import/zipReader.ts';
import { FileKeyStore } from '../server/import/importKeys.ts';
import type { ImportFileOutcome, ImportProgress, ImportSummary } from '../src/model/importApi.ts';

const USAGE = `usage: npm run import -- [--url URL] [--user NAME] [--study ID] PATH…
       npm run import -- --deidentify-only OUT [--keys FILE | --url URL --user NAME] PATH…`;

class UsageError extends Error {}

/** A file to import: on disk, or an entry of a zip archive read when its turn comes. */
interface Source {
  name: string;
  size: number;
  read: () => Promise<Uint8Array>;
}

function filesUnder(paths: string[]): Source[] {
  const out: Source[] = [];
  const walk = (path: string, root: string): void => {
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const entry of readdirSync(path).sort()) if (!entry.startsWith('.')) walk(join(path, entry), root);
      return;
    }
    if (!st.isFile()) return;
    const name = relative(root, path) || path;
    if (/\.zip$/i.test(path)) {
      // The archive is read once and held; each entry is inflated only when it is sent.
      const zip = new Uint8Array(readFileSync(path));
      for (const e of zipEntries(zip)) out.push({ name: `${name}/${e.name}`, size: e.size, read: () => zipEntryBytes(zip, e, (b) => new Uint8Array(inflateRawSync(b))) });
    } else out.push({ name, size: st.size, read: async () => new Uint8Array(readFileSync(path)) });
  };
  for (const p of paths) {
    const abs = resolve(p);
    walk(abs, statSync(abs).isDirectory() ? abs : resolve(abs, '..'));
  }
  return out;
}

async function askPassword(user: string): Promise<string> {
  if (process.env.CTAW_IMPORT_PASSWORD) return process.env.CTAW_IMPORT_PASSWORD;
  if (!process.stdin.isTTY) return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  process.stderr.write(`password for ${user}: `);
  // Typed characters are not echoed.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  const answer = await new Promise<string>((done) => rl.question('', done));
  rl.close();
  process.stderr.write('\n');
  return answer;
}

interface Session {
  base: string;
  cookie: string;
  csrf: string;
}

async function logIn(base: string, user: string): Promise<Session> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password: await askPassword(user) }) });
  if (!res.ok) throw new Error(`login as ${user} at ${base}: ${res.status} ${(await res.text()).slice(0, 200)}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  return { base, cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

async function request(s: Session, method: string, path: string, body?: Uint8Array | object): Promise<Response> {
  const binary = body instanceof Uint8Array;
  return fetch(`${s.base}${path}`, {
    method,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, ...(body === undefined ? {} : { 'content-type': binary ? 'application/dicom' : 'application/json' }) },
    body: body === undefined ? undefined : binary ? (body as unknown as BodyInit) : JSON.stringify(body),
  });
}

const mb = (bytes: number): string => (bytes / 1048576).toFixed(1);

function progressLine(done: number, total: number, bytes: number, totalBytes: number, extra: string): void {
  process.stderr.write(`\r${done}/${total} files, ${mb(bytes)}/${mb(totalBytes)} MB${extra}   `);
}

async function runImport(files: Source[], s: Session, studyId: number | null): Promise<number> {
  const started = await request(s, 'POST', '/api/import', { studyId });
  if (started.status !== 201) throw new Error(`the server refused the import: ${started.status} ${await started.text()}`);
  const { importId } = (await started.json()) as ImportProgress;
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  let bytes = 0;
  let skipped = 0;
  let done = 0;
  let next = 0;
  // Four files in flight: Orthanc stores about twice as fast as one at a time (bench/dataImport.ts).
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const f = files[next++];
      const data = await f.read();
      const res = await request(s, 'PUT', `/api/import/${importId}/files?name=${encodeURIComponent(f.name)}`, data);
      if (!res.ok) throw new Error(`${f.name}: ${res.status} ${await res.text()}`);
      const outcome = (await res.json()) as ImportFileOutcome;
      if (outcome.status === 'skipped') skipped++;
      bytes += data.length;
      progressLine(++done, files.length, bytes, totalBytes, skipped ? `, ${skipped} skipped` : '');
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  process.stderr.write('\n');
  const res = await request(s, 'POST', `/api/import/${importId}/finish`, { studyId });
  if (!res.ok) throw new Error(`finishing the import: ${res.status} ${await res.text()}`);
  const summary = (await res.json()) as ImportSummary;
  console.log(`import ${summary.importId}: ${summary.files} files (${mb(summary.bytes)} MB), ${summary.stored} stored, ${summary.duplicates} already there, ${summary.skipped} skipped; ${summary.patients} patient(s), ${summary.series} series`);
  for (const f of summary.skippedFiles) console.log(`  skipped ${f.name}: ${f.reason}`);
  for (const r of summary.seriesResults) {
    console.log(`  series ${r.seriesInstanceUid} (${r.patient}, ${r.slices} slices): ${r.verdict}${r.caseId !== null ? `, case ${r.caseId}` : ''}`);
    for (const p of r.problems) console.log(`    ${p.severity === 'refuse' ? 'refused' : 'warning'} [${p.rule}] ${p.message}`);
  }
  return summary.seriesResults.some((r) => r.verdict === 'refused') || summary.skipped > 0 ? 1 : 0;
}

async function runDeidentifyOnly(files: Source[], out: string, deid: (bytes: Uint8Array) => Promise<Uint8Array>): Promise<number> {
  mkdirSync(out, { recursive: true });
  let written = 0;
  let bytes = 0;
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  const skipped: string[] = [];
  for (const [i, f] of files.entries()) {
    const data = await f.read();
    bytes += data.length;
    try {
      const result = await deid(data);
      // Named by position, not by the source name (folders are often named after the patient).
      writeFileSync(join(out, `IM${String(i + 1).padStart(6, '0')}.dcm`), result);
      written++;
    } catch (err) {
      if (!(err instanceof ImportRefusal)) throw err;
      skipped.push(`  skipped ${f.name}: ${err.message}`);
    }
    progressLine(i + 1, files.length, bytes, totalBytes, skipped.length ? `, ${skipped.length} skipped` : '');
  }
  process.stderr.write('\n');
  console.log(`${written} de-identified file(s) written to ${out}, ${skipped.length} skipped; nothing stored`);
  for (const line of skipped) console.log(line);
  return skipped.length ? 1 : 0;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      url: { type: 'string' },
      user: { type: 'string' },
      study: { type: 'string' },
      'deidentify-only': { type: 'string' },
      keys: { type: 'string' },
      help: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('name at least one file or folder');
  const files = filesUnder(positionals);
  const todo = files;
  const base = (values.url ?? `http://127.0.0.1:${process.env.CTAW_PORT ?? '5180'}`).replace(/\/+$/, '');
  const user = values.user ?? 'admin';
  const out = values['deidentify-only'];
  if (out !== undefined) {
    if (values.study) throw new UsageError('--study stores cases: it does not go with --deidentify-only');
    if (values.keys) {
      const keys = new FileKeyStore(resolve(values.keys));
      return runDeidentifyOnly(todo, resolve(out), async (bytes) => {
        return (await deidentifyWithKeys(readSource(bytes), keys)).out.bytes;
      });
    }
    const s = await logIn(base, user);
    return runDeidentifyOnly(todo, resolve(out), async (bytes) => {
      const res = await request(s, 'POST', '/api/import/deidentify', bytes);
      if (res.status === 422) {
        const body = (await res.json()) as { error: string; reason: ImportRefusal['reason'] };
        throw new ImportRefusal(body.reason, body.error);
      }
      if (!res.ok) throw new Error(`the server answered ${res.status}: ${await res.text()}`);
      return new Uint8Array(await res.arrayBuffer());
    });
  }
  if (values.keys) throw new UsageError('--keys goes with --deidentify-only (an import uses the server database\'s keys)');
  const studyId = values.study === undefined ? null : Number(values.study);
  if (studyId !== null && !(Number.isInteger(studyId) && studyId > 0)) throw new UsageError('--study takes a study id (a positive whole number)');
  return runImport(todo, await logIn(base, user), studyId);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) console.error(`${err.message}\n${USAGE}`);
    else console.error(`import: ${(err as Error).message}`);
    process.exit(2);
  },
);
