// npm run bench -- review: the agreement figures of two readers' segmentations (src/metrics:
// Dice, Jaccard, volumes, HD, HD95, mean surface distance, lesion matching) of two 512x512x300
// labelmaps with ~100 lesions, in Node, as a worker or `npm run agreement` runs them. Needs no
// server. Read A: 115 random ellipsoids of chest-CT lesion sizes (2-15 mm semi-axes) in both
// lungs, two segments, ~100 components once overlapping ones merge;
// read B: the same lesions shifted by up to 2 voxels and grown or shrunk by up to 20 %, 10 % of
// them missed, plus 10 lesions A does not have. Prints JSON lines; the goal is <= 1000 ms.
import { pairAgreement } from '../src/metrics/pairAgreement.ts';
import { emit, median } from './report.ts';

const dims = [512, 512, 300] as const;
const [nx, ny, nz] = dims;
const spacing = [0.7, 0.7, 1] as const;
const dataset = 'synthetic-512x512x300-100-lesions';
const RUNS = Number(process.env.CTAW_BENCH_RUNS ?? 5);
const LESIONS = 115;

// mulberry32: a fixed seed gives the same volumes on every machine.
let seed = 20261203;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const between = (lo: number, hi: number): number => lo + (hi - lo) * random();

interface Ellipsoid {
  centre: [number, number, number];
  /** semi-axes in voxels */
  radii: [number, number, number];
  value: number;
}

function paint(labels: Uint8Array, { centre, radii, value }: Ellipsoid): void {
  const lo = centre.map((c, a) => Math.max(0, Math.floor(c - radii[a])));
  const hi = centre.map((c, a) => Math.min(dims[a] - 1, Math.ceil(c + radii[a])));
  for (let k = lo[2]; k <= hi[2]; k++) {
    const dk = ((k - centre[2]) / radii[2]) ** 2;
    for (let j = lo[1]; j <= hi[1]; j++) {
      const djk = dk + ((j - centre[1]) / radii[1]) ** 2;
      if (djk > 1) continue;
      for (let i = lo[0]; i <= hi[0]; i++) if (djk + ((i - centre[0]) / radii[0]) ** 2 <= 1) labels[i + nx * (j + ny * k)] = value;
    }
  }
}

function lesion(): Ellipsoid {
  const radiusMm = [between(2, 15), between(2, 15), between(2, 15)];
  return {
    // Both lungs of a chest CT: left and right of the mediastinum, over most of the slices.
    centre: [random() < 0.5 ? between(70, 220) : between(290, 440), between(120, 400), between(25, 275)],
    radii: [radiusMm[0] / spacing[0], radiusMm[1] / spacing[1], radiusMm[2] / spacing[2]],
    value: random() < 0.7 ? 1 : 2,
  };
}

const readA = new Uint8Array(nx * ny * nz);
const readB = new Uint8Array(nx * ny * nz);
for (let n = 0; n < LESIONS; n++) {
  const e = lesion();
  paint(readA, e);
  if (random() < 0.1) continue; // missed by B
  const grow = between(0.8, 1.2);
  paint(readB, {
    centre: [e.centre[0] + between(-2, 2), e.centre[1] + between(-2, 2), e.centre[2] + between(-2, 2)],
    radii: [e.radii[0] * grow, e.radii[1] * grow, e.radii[2] * grow],
    value: e.value,
  });
}
for (let n = 0; n < 10; n++) paint(readB, lesion()); // found by B only

const ms: number[] = [];
let figures = pairAgreement(readA, readB, dims, spacing);
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  figures = pairAgreement(readA, readB, dims, spacing);
  ms.push(performance.now() - t0);
}
emit('pair_metrics_ms', median(ms), 'ms', dataset, {
  runs: ms.map(Math.round),
  goal_ms: 1000,
  runtime: 'node',
  lesions_a: figures.lesions_a,
  lesions_b: figures.lesions_b,
  voxels_a: figures.voxels_a,
  voxels_b: figures.voxels_b,
  surface_voxels: figures.surface_voxels_a + figures.surface_voxels_b,
  dice: Math.round(figures.dice * 1000) / 1000,
  hd95_mm: figures.hd95_mm === null ? null : Math.round(figures.hd95_mm * 100) / 100,
});
