// npm run quant -- DIR --out result.json: the quantification pipeline of the workstation (the same
// pure modules its workers run) on a folder of DICOM files of one CT series. Reads every file under
// DIR (non-DICOM files are skipped with a note), stacks the series (src/quant/ctFromPart10.ts),
// finds the lungs (lungMask.ts), suggests lesions (lesionSuggestion.ts), measures involvement and
// the 6-zone score (involvement.ts) and each lesion's biomarkers (lesionBiomarkers.ts), and writes
// one JSON object; a slice's lesion_ml is 0 exactly when the suggestion has no voxel on it. Progress goes to stderr as
// "quant: <stage> <percent>%". Exit codes: 0 written; 2 the input is not one readable CT series
// (one line on stderr); 1 wrong arguments or anything else.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ctSeriesFromPart10, QuantInputError, type CtSeries } from '../src/quant/ctFromPart10.ts';
import { LUNG, voxelMl } from '../src/quant/ctVolume.ts';
import { measureInvolvement } from '../src/quant/involvement.ts';
import { lesionBiomarkers } from '../src/quant/lesionBiomarkers.ts';
import { suggestLesions } from '../src/quant/lesionSuggestion.ts';
import { segmentLungs, type LungMask } from '../src/quant/lungMask.ts';
import { SIX_ZONE_SCORE_NAME } from '../src/quant/severityScore.ts';

const USAGE = 'usage: npm run quant -- DIR --out result.json   (DIR: the DICOM files of one CT series)';

function fail(message: string, code: number): never {
  process.stderr.write(`quant: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(code);
}

function note(message: string): void {
  process.stderr.write(`quant: note: ${message}\n`);
}

function progress(stage: string, fraction: number): void {
  process.stderr.write(`quant: ${stage} ${Math.round(fraction * 100)}%\n`);
}

function parseArgs(argv: string[]): { dir: string; out: string } {
  let out: string | undefined;
  const rest: string[] = [];
  for (let n = 0; n < argv.length; n++) {
    const arg = argv[n];
    if (arg === '--out') out = argv[++n];
    else if (arg.startsWith('--out=')) out = arg.slice('--out='.length);
    else if (arg === '-h' || arg === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg.startsWith('--')) fail(`unknown option ${arg}; ${USAGE}`, 1);
    else rest.push(arg);
  }
  if (rest.length !== 1 || !out) fail(USAGE, 1);
  return { dir: rest[0], out };
}

/** A Part 10 file has "DICM" at byte 128 (PS3.10 7.1); anything else in the folder is not read. */
function isPart10(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** Every Part 10 file under dir (recursively, in name order), with names relative to dir for messages. */
export function readDicomDir(dir: string, onSkip: (name: string) => void = () => {}): { files: Uint8Array[]; names: string[] } {
  const files: Uint8Array[] = [];
  const names: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const bytes = new Uint8Array(readFileSync(path));
        if (isPart10(bytes)) {
          files.push(bytes);
          names.push(relative(dir, path));
        } else onSkip(relative(dir, path));
      }
    }
  };
  walk(dir);
  return { files, names };
}

/** The series and its lung masks, with the time of each step; throws QuantInputError. */
export function loadAndSegment(dir: string, onProgress: (stage: string, fraction: number) => void, onSkip?: (name: string) => void): { series: CtSeries; lungs: LungMask; timingsMs: Record<string, number> } {
  const timingsMs: Record<string, number> = {};
  let t = performance.now();
  const { files, names } = readDicomDir(dir, onSkip);
  if (files.length === 0) throw new QuantInputError(`No DICOM files in ${dir}.`);
  timingsMs.read_files_ms = Math.round(performance.now() - t);
  onProgress('read', 0.05);
  t = performance.now();
  const series = ctSeriesFromPart10(files, names);
  timingsMs.decode_ms = Math.round(performance.now() - t);
  onProgress('decode', 0.3);
  t = performance.now();
  const lungs = segmentLungs(series.ct, (f, stage) => onProgress(`lung mask: ${stage}`, 0.3 + 0.4 * f));
  timingsMs.lung_mask_ms = Math.round(performance.now() - t);
  return { series, lungs, timingsMs };
}

function main(argv: string[]): void {
  const { dir, out } = parseArgs(argv);
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    fail(`${dir}: no such folder`, 2);
  }
  if (!stat.isDirectory()) fail(`${dir} is not a folder; ${USAGE}`, 1);
  let loaded;
  try {
    loaded = loadAndSegment(dir, progress, (name) => note(`${name} is not a DICOM Part 10 file; skipped`));
  } catch (e) {
    if (e instanceof QuantInputError) fail(e.message, 2);
    fail(`the series could not be read (${e instanceof Error ? e.message : String(e)})`, 2);
  }
  const { series, lungs, timingsMs } = loaded;
  for (const w of series.warnings) note(w);
  const { ct } = series;
  const [nx, ny] = ct.dims;
  const nxy = nx * ny;
  const ml = voxelMl(ct.spacing);

  // The rest of the pipeline, one call each, as in the workers: the suggestion's lesions are the
  // lesions of the output (no reader has accepted or discarded anything here).
  let t = performance.now();
  const suggestion = suggestLesions(ct, lungs.labels, {}, (f, stage) => progress(`lesion suggestion: ${stage}`, 0.7 + 0.2 * f));
  timingsMs.suggestion_ms = Math.round(performance.now() - t);
  const lesion = new Uint8Array(suggestion.labels.length);
  for (let p = 0; p < lesion.length; p++) if (suggestion.labels[p] !== 0) lesion[p] = 1;
  t = performance.now();
  const involvement = measureInvolvement(lungs.labels, lesion, [1], ct.dims, ct.spacing, ct.direction);
  timingsMs.involvement_ms = Math.round(performance.now() - t);
  progress('involvement', 0.92);
  t = performance.now();
  const lesions = lesionBiomarkers(ct, lesion, lungs.labels);
  timingsMs.biomarkers_ms = Math.round(performance.now() - t);
  progress('biomarkers', 0.98);

  const slices = series.slices.flatMap((s, k) => {
    if (!s) return [];
    const inv = involvement.slices[k];
    let lung = 0;
    for (let p = k * nxy; p < (k + 1) * nxy; p++) if (lungs.labels[p] !== LUNG.none) lung++;
    return [{ sopInstanceUid: s.sopInstanceUid, instanceNumber: s.instanceNumber ?? null, z_mm: s.zMm, lung_ml: round(lung * ml, 3), lesion_ml: inv ? inv.lesion_ml : 0 }];
  });
  const result = {
    lungs: { right_ml: round(lungs.rightMl, 1), left_ml: round(lungs.leftMl, 1) },
    involvement_pct: involvement.involvement_pct,
    severity_score_6zone: involvement.severity_score_6zone,
    severity_score_6zone_name: SIX_ZONE_SCORE_NAME,
    zones: involvement.zones.map((z) => ({ name: z.name, lung_ml: z.lung_ml, lesion_ml: z.lesion_ml, pct: z.pct, score: z.score })),
    lesions,
    slices: slices.sort((a, b) => b.z_mm - a.z_mm),
    grid: { dims: ct.dims, spacing_mm: ct.spacing, slices_missing: series.slices.filter((s) => !s).length },
    timings_ms: { ...timingsMs, ...Object.fromEntries(Object.entries(lungs.timingsMs).map(([k, v]) => [`lung_mask_${k}_ms`, v])) },
    warnings: series.warnings,
  };
  writeFileSync(resolve(out), `${JSON.stringify(result, null, 1)}\n`);
  progress('written', 1);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main(process.argv.slice(2));
