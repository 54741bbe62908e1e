import { describe, expect, it } from 'vitest';
import { squaredDistancesToSites } from './distanceTransform.ts';
import { ijkOf, seededRandom, type Dims3 } from './agreementReference.testSupport.ts';

function bruteSquared(dims: Dims3, spacing: Dims3, sites: Int32Array, queries: Int32Array): number[] {
  return [...queries].map((q) => {
    const [i, j, k] = ijkOf(dims, q);
    let best = Infinity;
    for (const s of sites) {
      const [a, b, c] = ijkOf(dims, s);
      best = Math.min(best, ((i - a) * spacing[0]) ** 2 + ((j - b) * spacing[1]) ** 2 + ((k - c) * spacing[2]) ** 2);
    }
    return best;
  });
}

function randomIndices(random: () => number, voxels: number, p: number): Int32Array {
  const out: number[] = [];
  for (let n = 0; n < voxels; n++) if (random() < p) out.push(n);
  return Int32Array.from(out);
}

describe('squaredDistancesToSites', () => {
  const dims: Dims3 = [12, 10, 8];
  const spacing: Dims3 = [0.7, 0.9, 2.5];
  const voxels = 12 * 10 * 8;

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    for (const density of [0.002, 0.02, 0.3]) {
      it(`equals all-pairs distances on random sites (seed ${seed}, density ${density})`, () => {
        const random = seededRandom(seed * 100 + density * 1000);
        let sites = randomIndices(random, voxels, density);
        if (sites.length === 0) sites = Int32Array.of(Math.floor(random() * voxels));
        const queries = randomIndices(random, voxels, 0.2);
        const got = squaredDistancesToSites(dims, spacing, sites, queries);
        const want = bruteSquared(dims, spacing, sites, queries);
        want.forEach((w, n) => expect(Math.abs(got[n] - w)).toBeLessThan(1e-9));
      });
    }
  }

  it('takes sites and queries in any order, with repeats', () => {
    const random = seededRandom(42);
    const sites = Int32Array.from({ length: 40 }, () => Math.floor(random() * voxels));
    const queries = Int32Array.from({ length: 200 }, () => Math.floor(random() * voxels));
    const got = squaredDistancesToSites(dims, spacing, sites, queries);
    const want = bruteSquared(dims, spacing, sites, queries);
    want.forEach((w, n) => expect(Math.abs(got[n] - w)).toBeLessThan(1e-9));
  });

  it('gives the closed form for one site, 0 on the site, and +Infinity without sites', () => {
    const site = 3 + 12 * (4 + 10 * 2);
    const query = 11 + 12 * (0 + 10 * 7);
    const [d0, d1] = squaredDistancesToSites(dims, spacing, Int32Array.of(site), Int32Array.of(site, query));
    expect(d0).toBe(0);
    expect(d1).toBeCloseTo((8 * 0.7) ** 2 + (4 * 0.9) ** 2 + (5 * 2.5) ** 2, 12);
    expect([...squaredDistancesToSites(dims, spacing, new Int32Array(0), Int32Array.of(1, 2))]).toEqual([Infinity, Infinity]);
    expect(squaredDistancesToSites(dims, spacing, Int32Array.of(1), new Int32Array(0)).length).toBe(0);
  });

  it('is exact along a strongly anisotropic axis (a near voxel in k loses to a far one in i)', () => {
    // Query at (0,0,0): site (0,0,1) is 2.5 mm away, site (3,0,0) 2.1 mm.
    const d = squaredDistancesToSites(dims, spacing, Int32Array.of(3, 12 * 10), Int32Array.of(0));
    expect(d[0]).toBeCloseTo(2.1 ** 2, 12);
  });
});
