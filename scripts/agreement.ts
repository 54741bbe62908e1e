// npm run agreement -- A B [--segment N] [--all]: the agreement of two readers' segmentations of
// one CT (src/metrics/pairAgreement.ts) as one JSON object on stdout. A and B are each a DICOM-SEG
// (decoded by the app's own decoder, src/seg/segDecoder.ts) or a NIfTI labelmap (.nii, .nii.gz;
// nonzero = inside). A is the reference. --segment N compares one segment only: label value N of
// a NIfTI, Segment Number N of a SEG; without it every nonzero label counts (segments merged).
// --all prints every figure (surface voxels, matched/missed/extra lesions, volume difference in %)
// instead of the summary.
// Grids: two NIfTIs must have the same dims and spacing; a SEG is placed on the other input's grid
// (a NIfTI's) or, for two SEGs, on the union of the grids their frames span (segFrameGrid.ts), so
// no CT is needed. Exit codes: 0 figures printed, 2 the inputs are on different grids (one line on
// stderr naming both geometries), 1 anything else (unreadable input, wrong arguments).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeSeg } from '../src/seg/segDecoder.ts';
import type { SegDecodeTarget, SegGrid } from '../src/seg/segModel.ts';
import { checkSameGrid, GridMismatchError, placementDiffers } from '../src/metrics/gridMatch.ts';
import { readNiftiMask } from '../src/metrics/niftiLabelmap.ts';
import { agreementSummary, pairAgreement } from '../src/metrics/pairAgreement.ts';
import { placeSegOnGrid, segFrameGeometry, unionGrid, type SegFrameGeometry } from '../src/metrics/segFrameGrid.ts';

const USAGE = 'usage: npm run agreement -- A B [--segment N] [--all]   (A, B: DICOM-SEG or NIfTI .nii/.nii.gz labelmaps)';

type Input = { kind: 'nifti'; name: string; grid: SegGrid; mask: Uint8Array } | { kind: 'seg'; name: string; bytes: Uint8Array; geometry: SegFrameGeometry };

function fail(message: string, code: number): never {
  process.stderr.write(`agreement: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
  process.exit(code);
}

function warn(message: string): void {
  process.stderr.write(`agreement: note: ${message}\n`);
}

function parseArgs(argv: string[]): { files: string[]; segment?: number; all: boolean } {
  const files: string[] = [];
  let segment: number | undefined;
  let all = false;
  for (let n = 0; n < argv.length; n++) {
    const arg = argv[n];
    if (arg === '--all') all = true;
    else if (arg === '--segment' || arg.startsWith('--segment=')) {
      const value = arg === '--segment' ? argv[++n] : arg.slice('--segment='.length);
      segment = Number(value);
      if (!Number.isInteger(segment) || segment < 1 || segment > 65535) fail(`--segment needs a label value / Segment Number 1-65535, not "${value ?? ''}"`, 1);
    } else if (arg === '-h' || arg === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg.startsWith('--')) fail(`unknown option ${arg}; ${USAGE}`, 1);
    else files.push(arg);
  }
  if (files.length !== 2) fail(USAGE, 1);
  return { files, segment, all };
}

function isNifti(bytes: Uint8Array): boolean {
  const magic = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 3));
  return (bytes.length >= 348 && ['n+1', 'ni1'].includes(magic(344))) || (bytes.length >= 540 && ['n+2', 'ni2'].includes(magic(4)));
}

function readInput(path: string, name: string, segment: number | undefined): Input {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    fail(`${name}: cannot read ${path} (${e instanceof Error ? e.message : String(e)})`, 1);
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch {
      fail(`${name}: ${path} is gzip-compressed but does not decompress`, 1);
    }
  }
  try {
    if (isNifti(bytes)) return { kind: 'nifti', name, ...readNiftiMask(bytes, segment) };
    return { kind: 'seg', name, bytes, geometry: segFrameGeometry(bytes) };
  } catch (e) {
    fail(`${name}: ${path}: ${e instanceof Error ? e.message : String(e)}`, 1);
  }
}

/** The SEG's mask on the target grid: every segment, or the one with Segment Number `segment`. */
function decodeMask(input: Extract<Input, { kind: 'seg' }>, target: SegDecodeTarget, segment: number | undefined): Uint8Array {
  const decoded = decodeSeg(input.bytes, target);
  for (const w of decoded.warnings) if (!/slices missing from the open CT series/.test(w)) warn(`${input.name}: ${w}`);
  const value = segment === undefined ? undefined : decoded.segmentNumbers.indexOf(segment) + 1;
  if (value === 0) warn(`${input.name} has no segment number ${segment} (it has ${decoded.segmentNumbers.join(', ')}); its mask is empty`);
  const { labels } = decoded;
  const mask = new Uint8Array(labels.length);
  for (let n = 0; n < labels.length; n++) mask[n] = value === undefined ? (labels[n] !== 0 ? 1 : 0) : labels[n] === value ? 1 : 0;
  return mask;
}

function onOneGrid(a: Input, b: Input, segment: number | undefined): { grid: SegGrid; a: Uint8Array; b: Uint8Array } {
  if (a.kind === 'nifti' && b.kind === 'nifti') {
    checkSameGrid(a.grid, b.grid, { a: a.name, b: b.name });
    const placement = placementDiffers(a.grid, b.grid);
    if (placement) warn(`${a.name} and ${b.name} have the same dims and spacing but their ${placement}; voxels are compared by index`);
    return { grid: a.grid, a: a.mask, b: b.mask };
  }
  if (a.kind === 'seg' && b.kind === 'seg') {
    const grid = unionGrid(a.geometry, b.geometry, { a: a.name, b: b.name });
    if (a.geometry.frameOfReferenceUid !== b.geometry.frameOfReferenceUid) warn(`${a.name} and ${b.name} are in different frames of reference (${a.geometry.frameOfReferenceUid}, ${b.geometry.frameOfReferenceUid})`);
    const names = (x: Input) => ({ grid: 'the union of both SEGs\' grids', seg: x.name });
    return { grid, a: decodeMask(a, placeSegOnGrid(a.geometry, grid, names(a)), segment), b: decodeMask(b, placeSegOnGrid(b.geometry, grid, names(b)), segment) };
  }
  const nii = (a.kind === 'nifti' ? a : b) as Extract<Input, { kind: 'nifti' }>;
  const seg = (a.kind === 'seg' ? a : b) as Extract<Input, { kind: 'seg' }>;
  const mask = decodeMask(seg, placeSegOnGrid(seg.geometry, nii.grid, { grid: nii.name, seg: seg.name }), segment);
  return { grid: nii.grid, a: a === nii ? nii.mask : mask, b: b === nii ? nii.mask : mask };
}

const { files, segment, all } = parseArgs(process.argv.slice(2));
const label = (n: number) => `${'AB'[n]} (${basename(files[n])})`;
const a = readInput(files[0], label(0), segment);
const b = readInput(files[1], label(1), segment);
try {
  const pair = onOneGrid(a, b, segment);
  const figures = pairAgreement(pair.a, pair.b, pair.grid.dims, pair.grid.spacing);
  process.stdout.write(`${JSON.stringify(all ? figures : agreementSummary(figures))}\n`);
} catch (e) {
  if (e instanceof GridMismatchError) fail(e.message, 2);
  fail(e instanceof Error ? e.message : String(e), 1);
}
