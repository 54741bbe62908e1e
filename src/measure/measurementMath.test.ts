import { describe, expect, it } from 'vitest';
import { ellipseRoiStats, lengthMm, type CtVolume, type Vec3 } from './measurementMath.ts';

const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0, 1];

function makeVolume(
  dims: [number, number, number],
  spacing: [number, number, number],
  origin: Vec3,
  hu: (i: number, j: number, k: number) => number,
  direction: number[] = IDENTITY,
): CtVolume {
  const [nx, ny, nz] = dims;
  const scalars = new Int16Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) scalars[i + j * nx + k * nx * ny] = hu(i, j, k);
  return { scalars, dims, spacing, origin, direction };
}

function world(v: CtVolume, i: number, j: number, k: number): Vec3 {
  const d = v.direction;
  const [sx, sy, sz] = v.spacing;
  return [0, 1, 2].map((r) => v.origin[r] + i * sx * d[r] + j * sy * d[3 + r] + k * sz * d[6 + r]) as unknown as Vec3;
}

// Lattice points (di, dj) with di² + dj² ≤ 16: 9 + 2·7 + 2·7 + 2·5 + 2·1 = 49, Σdi² = 192.
const DISC4_COUNT = 49;
const DISC4_SUM_SQ = 192;

describe('length', () => {
  it('is the Euclidean distance in mm', () => {
    expect(lengthMm([0, 0, 0], [3, 4, 12])).toBe(13);
    expect(lengthMm([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(lengthMm([-10, 5, 2], [-7, 1, 2])).toBe(5);
  });
});

describe('elliptical ROI statistics', () => {
  // HU = i + 10 j + 100 k at 0.5 × 0.5 × 2 mm: every voxel's value tells where it is.
  const ramp = makeVolume([24, 24, 10], [0.5, 0.5, 2], [-6, -6, -10], (i, j, k) => i + 10 * j + 100 * k);

  it('an axial circle of 2 mm radius covers the 49 voxels within 4 voxels of its centre on one slice', () => {
    const center = world(ramp, 10, 12, 3);
    const s = ellipseRoiStats(ramp, { center, axisA: [2, 0, 0], axisB: [0, 2, 0] });
    expect(s.voxelCount).toBe(DISC4_COUNT);
    expect(s.meanHu).toBeCloseTo(10 + 120 + 300, 10);
    expect(s.minHu).toBe(10 + 10 * 8 + 300);
    expect(s.maxHu).toBe(10 + 10 * 16 + 300);
    // Var(di + 10 dj) = (1 + 100)·E[di²] by symmetry.
    expect(s.sdHu).toBeCloseTo(Math.sqrt((101 * DISC4_SUM_SQ) / DISC4_COUNT), 10);
    expect(s.areaMm2).toBeCloseTo(4 * Math.PI, 12);
  });

  it('takes one slice for a plane anywhere within it, and one slice when the plane lies between two', () => {
    const at = (dz: number) => {
      const [x, y, z] = world(ramp, 10, 12, 3);
      return ellipseRoiStats(ramp, { center: [x, y, z + dz], axisA: [2, 0, 0], axisB: [0, 2, 0] });
    };
    expect(at(0.9)).toMatchObject({ voxelCount: 49, meanHu: 430 });
    expect(at(-0.9)).toMatchObject({ voxelCount: 49, meanHu: 430 });
    // Exactly between slices 3 and 4: slice 3 is −½ voxel from the plane, slice 4 +½, and the slab
    // (−½, +½] takes slice 4 only.
    expect(at(1)).toMatchObject({ voxelCount: 49, meanHu: 530 });
    expect(at(1.1)).toMatchObject({ voxelCount: 49, meanHu: 530 });
  });

  it('a coronal ellipse 1.5 mm wide and 4 mm tall covers (di/3)² + (dk/2)² ≤ 1 on one coronal plane', () => {
    const center = world(ramp, 12, 7, 5);
    const s = ellipseRoiStats(ramp, { center, axisA: [1.5, 0, 0], axisB: [0, 0, 4] });
    // dk = 0: 7 voxels; dk = ±1: di² ≤ 6.75, 5 each; dk = ±2: 1 each.
    expect(s.voxelCount).toBe(19);
    expect(s.meanHu).toBeCloseTo(12 + 70 + 500, 10);
    expect(s.minHu).toBe(12 + 70 + 300);
    expect(s.maxHu).toBe(12 + 70 + 700);
    // Σdi² = 2·(1+4+9) + 2·2·(1+4) = 48; Σdk² = 2·5·1 + 2·1·4 = 18; no cross term.
    expect(s.sdHu).toBeCloseTo(Math.sqrt((48 + 10000 * 18) / 19), 10);
    expect(s.areaMm2).toBeCloseTo(6 * Math.PI, 12);
  });

  it('a sagittal circle reads along j and k only', () => {
    const iso = makeVolume([12, 12, 12], [1, 1, 1], [0, 0, 0], (i, j, k) => i + 10 * j + 100 * k);
    const s = ellipseRoiStats(iso, { center: [4, 6, 6], axisA: [0, 4, 0], axisB: [0, 0, 4] });
    expect(s.voxelCount).toBe(DISC4_COUNT);
    expect(s.meanHu).toBeCloseTo(4 + 60 + 600, 10);
    expect(s.minHu).toBe(4 + 60 + 200);
    expect(s.maxHu).toBe(4 + 60 + 1000);
  });

  it('a disc of 100 HU in −1000 HU: inside, matching and overlapping circles', () => {
    const disc = makeVolume([40, 40, 5], [0.8, 0.8, 3], [0, 0, 0], (i, j) => ((i - 20) ** 2 + (j - 20) ** 2 <= 100 ? 100 : -1000));
    const center = world(disc, 20, 20, 2);
    const r = (voxels: number) => ellipseRoiStats(disc, { center, axisA: [0.8 * voxels, 0, 0], axisB: [0, 0.8 * voxels, 0] });
    expect(r(5)).toMatchObject({ meanHu: 100, sdHu: 0, minHu: 100, maxHu: 100, voxelCount: 81 });
    expect(r(5).areaMm2).toBeCloseTo(16 * Math.PI, 12);
    expect(r(10)).toMatchObject({ meanHu: 100, sdHu: 0, minHu: 100, maxHu: 100, voxelCount: 317 });
    // Radius 12 voxels: 441 lattice points, 317 of them in the disc.
    const wide = r(12);
    expect(wide.voxelCount).toBe(441);
    expect(wide.meanHu).toBeCloseTo((317 * 100 - 124 * 1000) / 441, 10);
    expect(wide.minHu).toBe(-1000);
    const p = 317 / 441;
    expect(wide.sdHu).toBeCloseTo(1100 * Math.sqrt(p * (1 - p)), 10);
  });

  it('follows the direction matrix: flipped and swapped axes', () => {
    // i runs along −y, j along +x, k along −z; origin is the world position of voxel (0, 0, 0).
    const dir = [0, -1, 0, 1, 0, 0, 0, 0, -1];
    const v = makeVolume([16, 20, 6], [0.7, 0.6, 2.5], [10, 50, 0], (i, j, k) => i + 10 * j + 100 * k, dir);
    const p = world(v, 3, 4, 2);
    [10 + 4 * 0.6, 50 - 3 * 0.7, -5].forEach((x, r) => expect(p[r]).toBeCloseTo(x, 12));
    const center = world(v, 8, 9, 2);
    // World x is j (0.6 mm), world y is i (0.7 mm): semi-axes of 3 voxels each way.
    const s = ellipseRoiStats(v, { center, axisA: [1.8, 0, 0], axisB: [0, 2.1, 0] });
    expect(s.voxelCount).toBe(29); // (di/3)² + (dj/3)² ≤ 1
    expect(s.meanHu).toBeCloseTo(8 + 90 + 200, 10);
    expect(s.minHu).toBe(8 + 60 + 200);
    expect(s.maxHu).toBe(8 + 120 + 200);
  });

  it('an oblique ellipse matches a brute-force pass over the whole volume', () => {
    const v = makeVolume([30, 28, 20], [0.9, 0.9, 1.6], [-13, -12, -16], (i, j, k) => ((i * 7 + j * 13 + k * 29) % 97) - 40);
    const s2 = Math.SQRT1_2;
    const cases: Array<{ center: Vec3; axisA: Vec3; axisB: Vec3 }> = [
      { center: [0.3, -0.7, 1.1], axisA: [5 * s2, 0, 5 * s2], axisB: [0, 7, 0] },
      { center: [2, 1, -3], axisA: [4, 4, 0].map((x) => x * s2) as unknown as Vec3, axisB: [-2 / 3, 2 / 3, 1 / 3].map((x) => x * 6) as unknown as Vec3 },
    ];
    for (const roi of cases) {
      const got = ellipseRoiStats(v, roi);
      const want = bruteForce(v, roi);
      expect(got.voxelCount).toBe(want.count);
      expect(got.voxelCount).toBeGreaterThan(20);
      expect(got.meanHu).toBeCloseTo(want.mean, 9);
      expect(got.minHu).toBe(want.min);
      expect(got.maxHu).toBe(want.max);
    }
  });

  it('anisotropic spacing: a circle of 3 mm on 0.75 × 1.5 mm pixels covers an ellipse of 4 × 2 voxels', () => {
    const v = makeVolume([20, 20, 4], [0.75, 1.5, 5], [0, 0, 0], () => 40);
    const s = ellipseRoiStats(v, { center: world(v, 10, 10, 1), axisA: [3, 0, 0], axisB: [0, 3, 0] });
    // (di/4)² + (dj/2)² ≤ 1: dj = 0: 9; dj = ±1: di² ≤ 12, 7 each; dj = ±2: 1 each.
    expect(s).toMatchObject({ meanHu: 40, sdHu: 0, minHu: 40, maxHu: 40, voxelCount: 25 });
    expect(s.areaMm2).toBeCloseTo(9 * Math.PI, 12);
  });

  it('outside the volume or degenerate: no voxels and NaN statistics', () => {
    const outside = ellipseRoiStats(ramp, { center: [500, 0, 0], axisA: [2, 0, 0], axisB: [0, 2, 0] });
    expect(outside.voxelCount).toBe(0);
    expect(outside.meanHu).toBeNaN();
    expect(outside.sdHu).toBeNaN();
    expect(outside.minHu).toBeNaN();
    expect(outside.maxHu).toBeNaN();
    expect(outside.areaMm2).toBeCloseTo(4 * Math.PI, 12);
    const flat = ellipseRoiStats(ramp, { center: world(ramp, 5, 5, 5), axisA: [2, 0, 0], axisB: [0, 0, 0] });
    expect(flat).toMatchObject({ voxelCount: 0, areaMm2: 0 });
    expect(flat.meanHu).toBeNaN();
  });
});

/** Every voxel of the volume, by the definition: centre inside the ellipse and within (−½, ½] voxel of its plane. */
function bruteForce(v: CtVolume, roi: { center: Vec3; axisA: Vec3; axisB: Vec3 }) {
  const { center: c, axisA: a, axisB: b } = roi;
  const n = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const nl = Math.hypot(n[0], n[1], n[2]);
  const nh = n.map((x) => x / nl);
  const d = v.direction;
  const cols = [0, 1, 2].map((axis) => [0, 1, 2].map((r) => d[3 * axis + r] * v.spacing[axis]));
  const thickness = Math.hypot(...cols.map((col) => col[0] * nh[0] + col[1] * nh[1] + col[2] * nh[2]));
  const aa = a[0] ** 2 + a[1] ** 2 + a[2] ** 2;
  const bb = b[0] ** 2 + b[1] ** 2 + b[2] ** 2;
  let count = 0, sum = 0, min = Infinity, max = -Infinity;
  const [nx, ny, nz] = v.dims;
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const p = world(v, i, j, k);
    const q = [p[0] - c[0], p[1] - c[1], p[2] - c[2]];
    const u = (q[0] * a[0] + q[1] * a[1] + q[2] * a[2]) / aa;
    const w = (q[0] * b[0] + q[1] * b[1] + q[2] * b[2]) / bb;
    const h = (q[0] * nh[0] + q[1] * nh[1] + q[2] * nh[2]) / thickness;
    if (u * u + w * w > 1 + 1e-9 || h <= -0.5 + 1e-9 || h > 0.5 + 1e-9) continue;
    const hu = v.scalars[i + j * nx + k * nx * ny];
    count++;
    sum += hu;
    min = Math.min(min, hu);
    max = Math.max(max, hu);
  }
  return { count, mean: sum / count, min, max };
}
