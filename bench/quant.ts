// npm run bench -- quant: the quantification pipeline of issue 19 in Node, as the worker and
// `npm run quant` run it. Needs no server.
// - lung_mask_ms, suggestion_ms: lung masks and lesion suggestion on a 512×512×300 CT, the shared
//   COVID-19 CT (512×512×133, 2 mm) resampled to 300 slices (nearest slice along k, same extent,
//   0.88 mm apart), so the anatomy and the lesions are real. Goal ≤ 3000 ms each.
// - involvement_update_ms: InvolvementTracker.applyChange + snapshot after one brush stroke, a
//   ball of 10 mm diameter at a random lung voxel of the same CT, median of many. Goal ≤ 16 ms.
// - slice_sensitivity, slice_specificity: the suggestion's slice flags (a slice is flagged when it
//   holds a suggested voxel) against the radiologists' per-slice infection labels of the shared
//   COVID-19 CT as it is (labels.json). Goal ≥ 0.85 each.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ctSeriesFromPart10 } from '../src/quant/ctFromPart10.ts';
import type { CtVolume } from '../src/quant/ctVolume.ts';
import { InvolvementTracker } from '../src/quant/involvementTracker.ts';
import { sliceFlags, suggestLesions } from '../src/quant/lesionSuggestion.ts';
import { segmentLungs } from '../src/quant/lungMask.ts';
import { sliceSensitivitySpecificity } from '../src/quant/sliceAgreement.ts';
import { emit, median } from './report.ts';

const DIR = join(import.meta.dirname, '../../shared/data/COVID-CT-01');
const RUNS = Number(process.env.CTAW_BENCH_RUNS ?? 3);
const STROKES = 200;
const SLICES = 300;
const BRUSH_DIAMETER_MM = 10;

const names = readdirSync(join(DIR, 'dicom')).filter((n) => n.endsWith('.dcm')).sort();
const series = ctSeriesFromPart10(names.map((n) => new Uint8Array(readFileSync(join(DIR, 'dicom', n)))));
const covid = series.ct;

function resampleSlices(ct: CtVolume, nz: number): CtVolume {
  const [nx, ny, nz0] = ct.dims;
  const plane = nx * ny;
  const hu = new Int16Array(plane * nz);
  for (let k = 0; k < nz; k++) {
    const k0 = Math.round((k * (nz0 - 1)) / (nz - 1));
    hu.set(ct.hu.subarray(plane * k0, plane * (k0 + 1)), plane * k);
  }
  const spacing: [number, number, number] = [ct.spacing[0], ct.spacing[1], (ct.spacing[2] * (nz0 - 1)) / (nz - 1)];
  return { ...ct, dims: [nx, ny, nz], spacing, hu };
}

/**
 * Wall time per run, and the process's CPU time beside it: on a shared machine the wall time
 * also counts the other processes' turns, the CPU time only this work (GC threads included).
 */
function timed<T>(fn: () => T): { ms: number[]; cpuMs: number[]; value: T } {
  let value = fn(); // warm-up: the JIT, and the figures
  const ms: number[] = [];
  const cpuMs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    value = fn();
    ms.push(performance.now() - t0);
    const cpu = process.cpuUsage(cpu0);
    cpuMs.push((cpu.user + cpu.system) / 1000);
  }
  return { ms, cpuMs, value };
}

const big = resampleSlices(covid, SLICES);
const bigDataset = `COVID-CT-01-resampled-512x512x${SLICES}-nearest-k`;

const lungRun = timed(() => segmentLungs(big));
const lungs = lungRun.value.labels;
emit('lung_mask_ms', median(lungRun.ms), 'ms', bigDataset, {
  runs: lungRun.ms.map(Math.round),
  cpu_ms: lungRun.cpuMs.map(Math.round),
  goal_ms: 3000,
  runtime: 'node',
  right_ml: Math.round(lungRun.value.rightMl),
  left_ml: Math.round(lungRun.value.leftMl),
});

const suggestionRun = timed(() => suggestLesions(big, lungs));
emit('suggestion_ms', median(suggestionRun.ms), 'ms', bigDataset, {
  runs: suggestionRun.ms.map(Math.round),
  cpu_ms: suggestionRun.cpuMs.map(Math.round),
  goal_ms: 3000,
  runtime: 'node',
  components: suggestionRun.value.components.length,
  suggested_ml: Math.round(suggestionRun.value.components.reduce((s, c) => s + c.volume_ml, 0) * 10) / 10,
  stages_ms: suggestionRun.value.timingsMs,
});

// One brush stroke: a ball at a lung voxel, painted as segment 1, told to the tracker.
{
  const [nx, ny, nz] = big.dims;
  const labels = new Uint8Array(lungs.length);
  const tracker = new InvolvementTracker(lungs, labels, [1], big.dims, big.spacing, big.direction);
  const lungVoxels: number[] = [];
  for (let p = 0; p < lungs.length; p += 997) if (lungs[p] !== 0) lungVoxels.push(p);
  let seed = 20261203;
  const random = () => {
    // mulberry32, as bench/review.ts: the same strokes on every machine.
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = BRUSH_DIAMETER_MM / 2;
  const reach = big.spacing.map((s) => Math.floor(r / s));
  const ms: number[] = [];
  let voxelsPerStroke = 0;
  for (let s = 0; s < STROKES; s++) {
    const centre = lungVoxels[Math.floor(random() * lungVoxels.length)];
    const ci = centre % nx;
    const cj = Math.floor(centre / nx) % ny;
    const ck = Math.floor(centre / (nx * ny));
    const indices: number[] = [];
    for (let k = Math.max(0, ck - reach[2]); k <= Math.min(nz - 1, ck + reach[2]); k++) {
      for (let j = Math.max(0, cj - reach[1]); j <= Math.min(ny - 1, cj + reach[1]); j++) {
        for (let i = Math.max(0, ci - reach[0]); i <= Math.min(nx - 1, ci + reach[0]); i++) {
          const d2 = ((i - ci) * big.spacing[0]) ** 2 + ((j - cj) * big.spacing[1]) ** 2 + ((k - ck) * big.spacing[2]) ** 2;
          if (d2 <= r * r) indices.push(i + nx * (j + ny * k));
        }
      }
    }
    const before = indices.map((p) => labels[p]);
    const after = indices.map(() => 1);
    for (const p of indices) labels[p] = 1;
    voxelsPerStroke += indices.length;
    const t0 = performance.now();
    tracker.applyChange(indices, before, after);
    tracker.snapshot();
    ms.push(performance.now() - t0);
  }
  emit('involvement_update_ms', median(ms), 'ms', bigDataset, {
    strokes: STROKES,
    brush_diameter_mm: BRUSH_DIAMETER_MM,
    voxels_per_stroke: Math.round(voxelsPerStroke / STROKES),
    max_ms: Math.round(Math.max(...ms) * 100) / 100,
    goal_ms: 16,
    runtime: 'node',
  });
}

// The shared COVID-19 CT as it is, against the radiologists' slice labels.
{
  const bySop = new Map<string, number>();
  for (const s of JSON.parse(readFileSync(join(DIR, 'labels.json'), 'utf8')).slices as { SOPInstanceUID: string; infection: number }[]) {
    bySop.set(s.SOPInstanceUID, s.infection);
  }
  const truth = series.slices.map((s) => (s === null ? 0 : (bySop.get(s.sopInstanceUid) ?? 0)));
  const suggestion = suggestLesions(covid, segmentLungs(covid).labels);
  const r = sliceSensitivitySpecificity(sliceFlags(suggestion, covid.dims), truth);
  const extra = { tp: r.tp, fp: r.fp, tn: r.tn, fn: r.fn, goal: 0.85 };
  emit('slice_sensitivity', r.sensitivity, 'ratio', 'COVID-CT-01', extra);
  emit('slice_specificity', r.specificity, 'ratio', 'COVID-CT-01', extra);
}
