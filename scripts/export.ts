// npm run export -- --study ID --out DIR [--real-names] [--quant]: the research dataset of a
// reading study (server/export/datasetExport.ts) into DIR, incrementally: run again into the same
// folder, it rewrites only what changed. It opens the database the server uses (same environment
// variables, as scripts/admin.ts): with the embedded PGlite the server must be stopped first (one
// process at a time; the command says so), with CTAW_DATABASE_URL it runs beside the server.
// Orthanc is CTAW_ORTHANC_URL (default http://127.0.0.1:18642). Progress on stderr.
// Exit codes: 0 done; 2 a bad setting (one line); 1 anything else.
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { configFromEnv } from '../server/config.ts';
import { openDatabase, type Database } from '../server/db/database.ts';
import { migrate } from '../server/db/migrate.ts';
import { ExportError, GZIP_LEVEL, exportDataset } from '../server/export/datasetExport.ts';
import { folderFiles } from '../server/export/folderFiles.ts';
import { ArchiveError } from '../server/export/orthancFiles.ts';
import { softwareVersion } from '../server/export/softwareVersion.ts';
import { StartupError } from '../server/startupError.ts';

const USAGE = 'usage: npm run export -- --study ID --out DIR [--real-names] [--quant]';

function fail(message: string, code: number): never {
  process.stderr.write(`export: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(code);
}

function settings(): { studyId: number; out: string; realNames: boolean; quant: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      options: { study: { type: 'string' }, out: { type: 'string' }, 'real-names': { type: 'boolean' }, quant: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
    });
  } catch (err) {
    fail(`${err instanceof Error ? err.message : String(err)}; ${USAGE}`, 2);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (v.study === undefined || v.out === undefined) fail(USAGE, 2);
  if (!/^[1-9][0-9]{0,9}$/.test(v.study) || Number(v.study) > 2 ** 31 - 1) fail(`--study needs a study id (a whole number), not "${v.study}"`, 2);
  if (v.out.trim() === '') fail(`--out needs a folder; ${USAGE}`, 2);
  return { studyId: Number(v.study), out: v.out, realNames: !!v['real-names'], quant: !!v.quant };
}

async function main(): Promise<void> {
  const s = settings();
  let config;
  try {
    config = configFromEnv();
  } catch (err) {
    if (err instanceof StartupError) fail(err.message, 2);
    throw err;
  }
  let db: Database;
  try {
    db = await openDatabase(config.database!);
  } catch (err) {
    // The database busy (the server holds the embedded one), missing or not answering.
    if (err instanceof StartupError) fail(err.message, 2);
    throw err;
  }
  const started = performance.now();
  try {
    await migrate(db);
    const files = folderFiles(s.out);
    const outcome = await exportDataset(db, config.orthancUrl, files, {
      studyId: s.studyId,
      realNames: s.realNames,
      quant: s.quant,
      software: softwareVersion(),
      gzip: (bytes) => gzipSync(bytes, { level: GZIP_LEVEL }),
      onProgress: (m) => process.stderr.write(`export: ${m}\n`),
    });
    for (const why of outcome.skipped) process.stderr.write(`export: note: ${why}\n`);
    process.stderr.write(`export: ${outcome.cases} case(s), ${outcome.reads} read(s) in ${s.out} (${Math.round(performance.now() - started)} ms)\n`);
  } catch (err) {
    // Not fail(): the database is closed first (the embedded one's lock is released on close).
    const known = err instanceof ExportError || err instanceof ArchiveError;
    process.stderr.write(`export: ${known ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = known ? 2 : 1;
  } finally {
    await db.close();
  }
}

void main();
