import { describe, expect, it } from 'vitest';
import { runComponents } from './lesionMatching.ts';
import { maskRuns } from './maskRuns.ts';
import { quantileLinear, surfaceDistances, surfaceOfRuns, WINDOW_MARGIN_MM } from './surfaceDistance.ts';
import { box, bruteDirected, bruteSurface, ijkOf, numpyPercentile, randomBlobs, randomVoxels, seededRandom, type Dims3 } from './agreementReference.testSupport.ts';

const spacing: Dims3 = [0.7, 0.9, 2.5];

function distancesOf(a: Uint8Array, b: Uint8Array, dims: Dims3, sp: Dims3 = spacing) {
  const ra = maskRuns(a, dims);
  const rb = maskRuns(b, dims);
  return surfaceDistances(ra, rb, runComponents(ra), runComponents(rb), sp);
}

function bruteDistances(a: Uint8Array, b: Uint8Array, dims: Dims3, sp: Dims3 = spacing) {
  const sa = bruteSurface(a, dims);
  const sb = bruteSurface(b, dims);
  const pooled = [...bruteDirected(sa, sb, dims, sp), ...bruteDirected(sb, sa, dims, sp)];
  return { hd: Math.max(...pooled), hd95: numpyPercentile(pooled, 0.95), msd: pooled.reduce((s, d) => s + d, 0) / pooled.length, sa: sa.length, sb: sb.length };
}

function expectLikeBrute(a: Uint8Array, b: Uint8Array, dims: Dims3, sp: Dims3 = spacing): void {
  const got = distancesOf(a, b, dims, sp);
  const want = bruteDistances(a, b, dims, sp);
  expect(got.surface_voxels_a).toBe(want.sa);
  expect(got.surface_voxels_b).toBe(want.sb);
  expect(Math.abs(got.hd_mm! - want.hd)).toBeLessThan(1e-9);
  expect(Math.abs(got.hd95_mm! - want.hd95)).toBeLessThan(1e-9);
  expect(Math.abs(got.msd_mm! - want.msd)).toBeLessThan(1e-9);
}

describe('surfaceOfRuns', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`is the definition's surface, grid edges included (seed ${seed})`, () => {
      const dims: Dims3 = [13, 10, 8];
      const random = seededRandom(seed);
      const mask = seed % 2 ? randomVoxels(dims, random, 0.6) : randomBlobs(dims, random, 4, 4);
      const runs = maskRuns(mask, dims);
      expect([...surfaceOfRuns(runs, runComponents(runs)).index]).toEqual(bruteSurface(mask, dims));
    });
  }

  it('of a full grid is its outer shell', () => {
    const dims: Dims3 = [6, 5, 4];
    const full = new Uint8Array(120).fill(1);
    expect(surfaceOfRuns(maskRuns(full, dims)).index.length).toBe(120 - 4 * 3 * 2);
  });
});

describe('surfaceDistances', () => {
  it('two concentric boxes: each distance in closed form', () => {
    const dims: Dims3 = [24, 22, 16];
    // A = [6..15]x[6..13]x[5..9], B = A grown by d = 2 voxels on every side.
    const alo: Dims3 = [6, 6, 5];
    const ahi: Dims3 = [15, 13, 9];
    const blo: Dims3 = [4, 4, 3];
    const bhi: Dims3 = [17, 15, 11];
    const a = box(dims, alo, ahi);
    const b = box(dims, blo, bhi);
    // A surface voxel's nearest B surface voxel is on B's nearest face; a B surface voxel's
    // nearest A surface voxel is the nearest point of box A.
    const toB = bruteSurface(a, dims).map((n) => Math.min(...ijkOf(dims, n).flatMap((q, ax) => [(q - blo[ax]) * spacing[ax], (bhi[ax] - q) * spacing[ax]])));
    const toA = bruteSurface(b, dims).map((n) => Math.hypot(...ijkOf(dims, n).map((p, ax) => Math.max(0, alo[ax] - p, p - ahi[ax]) * spacing[ax])));
    const pooled = [...toB, ...toA];
    const got = distancesOf(a, b, dims);
    // The corners: 2 voxels along each axis.
    expect(got.hd_mm).toBeCloseTo(Math.sqrt((2 * 0.7) ** 2 + (2 * 0.9) ** 2 + (2 * 2.5) ** 2), 12);
    expect(got.hd_mm).toBeCloseTo(Math.max(...pooled), 12);
    expect(got.hd95_mm).toBeCloseTo(numpyPercentile(pooled, 0.95), 12);
    expect(got.msd_mm).toBeCloseTo(pooled.reduce((s, d) => s + d, 0) / pooled.length, 12);
    expectLikeBrute(a, b, dims);
  });

  for (const d of [1, 2, 3]) {
    it(`a box and its shift by ${d} voxels along the 2.5 mm axis: HD = ${d} x 2.5 mm`, () => {
      const dims: Dims3 = [14, 12, 14];
      const a = box(dims, [3, 2, 2], [10, 8, 7]);
      const b = box(dims, [3, 2, 2 + d], [10, 8, 7 + d]);
      const got = distancesOf(a, b, dims);
      expect(got.hd_mm).toBeCloseTo(d * 2.5, 12);
      expectLikeBrute(a, b, dims);
    });
  }

  it('a box shifted by 2 voxels along i (0.7 mm): HD = 1.4 mm, and the shared side faces are at 0', () => {
    const dims: Dims3 = [16, 10, 8];
    const a = box(dims, [2, 2, 2], [9, 7, 5]);
    const b = box(dims, [4, 2, 2], [11, 7, 5]);
    const got = distancesOf(a, b, dims);
    expect(got.hd_mm).toBeCloseTo(1.4, 12);
    expectLikeBrute(a, b, dims);
  });

  for (const seed of [11, 12, 13, 14, 15, 16, 17, 18]) {
    it(`random masks on 12x10x8 at 0.7 x 0.9 x 2.5 mm equal all-pairs distances to 1e-9 (seed ${seed})`, () => {
      const dims: Dims3 = [12, 10, 8];
      const random = seededRandom(seed);
      const a = seed % 2 ? randomVoxels(dims, random, 0.15 + 0.3 * random()) : randomBlobs(dims, random, 3, 3);
      const b = seed % 3 ? randomVoxels(dims, random, 0.05 + 0.3 * random()) : randomBlobs(dims, random, 3, 3);
      if (!a.includes(1)) a[0] = 1;
      if (!b.includes(1)) b[b.length - 1] = 1;
      expectLikeBrute(a, b, dims);
    });
  }

  for (const seed of [21, 22, 23, 24]) {
    it(`lesions far apart (beyond the first ${WINDOW_MARGIN_MM} mm box) equal all-pairs distances (seed ${seed})`, () => {
      // Small lesions scattered over a larger grid: many have no site near them, so their
      // distances come from the second, wider box.
      const dims: Dims3 = [44, 40, 16];
      const random = seededRandom(seed);
      const a = randomBlobs(dims, random, 6, 2.5);
      const b = randomBlobs(dims, random, 4, 2.5);
      if (!a.includes(1)) a[0] = 1;
      if (!b.includes(1)) b[b.length - 1] = 1;
      expectLikeBrute(a, b, dims, [0.8, 0.6, 3]);
    });
  }

  it('one voxel each: every figure is their distance', () => {
    const dims: Dims3 = [20, 20, 20];
    const a = new Uint8Array(8000);
    const b = new Uint8Array(8000);
    a[1 + 20 * (2 + 20 * 3)] = 1;
    b[18 + 20 * (19 + 20 * 17)] = 1;
    const want = Math.hypot(17 * 0.7, 17 * 0.9, 14 * 2.5);
    const got = distancesOf(a, b, dims);
    expect(got.hd_mm).toBeCloseTo(want, 12);
    expect(got.hd95_mm).toBeCloseTo(want, 12);
    expect(got.msd_mm).toBeCloseTo(want, 12);
  });

  it('identical masks: all 0; an empty mask: null, never NaN', () => {
    const dims: Dims3 = [10, 10, 10];
    const a = box(dims, [2, 2, 2], [6, 7, 5]);
    expect(distancesOf(a, a.slice(), dims)).toMatchObject({ hd_mm: 0, hd95_mm: 0, msd_mm: 0 });
    const empty = new Uint8Array(1000);
    expect(distancesOf(a, empty, dims)).toMatchObject({ hd_mm: null, hd95_mm: null, msd_mm: null, surface_voxels_b: 0 });
    expect(distancesOf(empty, a, dims)).toMatchObject({ hd_mm: null, hd95_mm: null, msd_mm: null, surface_voxels_a: 0 });
    expect(distancesOf(empty, empty.slice(), dims)).toMatchObject({ hd_mm: null, hd95_mm: null, msd_mm: null });
  });
});

describe('quantileLinear', () => {
  it("is numpy's linear percentile", () => {
    const random = seededRandom(5);
    for (const n of [1, 2, 3, 7, 20, 21, 100, 1001]) {
      const values = Array.from({ length: n }, () => Math.round(random() * 50) / 10); // with ties
      for (const q of [0, 0.5, 0.95, 1]) expect(quantileLinear(Float64Array.from(values), q)).toBeCloseTo(numpyPercentile(values, q), 12);
    }
    // numpy.percentile([1, 2, 3, 4, 10], 95) = 8.8
    expect(quantileLinear(Float64Array.of(10, 1, 4, 2, 3), 0.95)).toBeCloseTo(8.8, 12);
    expect(quantileLinear(new Float64Array(0), 0.95)).toBeNull();
  });
});
