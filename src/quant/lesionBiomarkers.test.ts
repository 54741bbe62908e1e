import { describe, expect, it } from 'vitest';
import { CONSOLIDATION_MIN_HU, GGO_HU, lesionBiomarkers, percentileLinear } from './lesionBiomarkers.ts';
import { LUNG, type CtVolume } from './ctVolume.ts';
import { chestPhantom } from './phantom.testSupport.ts';

const IDENTITY = [1, 0, 0, 0, 1, 0, 0, 0, 1];

function volume(dims: [number, number, number], spacing: [number, number, number], hu = -600): CtVolume {
  return { dims, spacing, origin: [0, 0, 0], direction: IDENTITY, hu: new Int16Array(dims[0] * dims[1] * dims[2]).fill(hu) };
}

/** Voxels whose centre lies in the ellipsoid of semi-axes `semiMm` about voxel `centre`. */
function ellipsoid(ct: CtVolume, centre: [number, number, number], semiMm: [number, number, number], value = 1): Uint8Array {
  const [nx, ny, nz] = ct.dims;
  const mask = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const x = ((i - centre[0]) * ct.spacing[0]) / semiMm[0];
        const y = ((j - centre[1]) * ct.spacing[1]) / semiMm[1];
        const z = ((k - centre[2]) * ct.spacing[2]) / semiMm[2];
        if (x * x + y * y + z * z <= 1) mask[i + nx * (j + ny * k)] = value;
      }
    }
  }
  return mask;
}

/** Knud Thomsen's approximation of an ellipsoid's surface area (error ≤ 1.061%). */
function thomsenArea(a: number, b: number, c: number): number {
  const p = 1.6075;
  return 4 * Math.PI * (((a * b) ** p + (a * c) ** p + (b * c) ** p) / 3) ** (1 / p);
}

function sphericityOf(volumeMm3: number, areaMm2: number): number {
  return (Math.cbrt(Math.PI) * Math.cbrt(6 * volumeMm3) ** 2) / areaMm2;
}

describe('percentileLinear', () => {
  it('is numpy\'s default', () => {
    const x = [1, 2, 3, 4, 10];
    expect(percentileLinear(x, 0)).toBe(1);
    expect(percentileLinear(x, 10)).toBeCloseTo(1.4, 12);
    expect(percentileLinear(x, 50)).toBe(3);
    expect(percentileLinear(x, 90)).toBeCloseTo(7.6, 12);
    expect(percentileLinear(x, 100)).toBe(10);
    expect(percentileLinear([5], 90)).toBe(5);
  });
});

describe('lesionBiomarkers', () => {
  it('matches a sphere of radius 12 voxels', () => {
    const ct = volume([34, 34, 34], [1, 1, 1]);
    const lesion = ellipsoid(ct, [17, 17, 17], [12, 12, 12]);
    const lungs = new Uint8Array(lesion.length).fill(LUNG.right);
    const [b, ...rest] = lesionBiomarkers(ct, lesion, lungs);
    expect(rest).toEqual([]);
    const analyticMl = (4 / 3) * Math.PI * 12 ** 3 / 1000;
    expect(Math.abs(b.volume_ml / analyticMl - 1)).toBeLessThan(0.02);
    // The voxels at ±12 on an axis are the farthest apart.
    expect(b.longest_diameter_mm).toBe(24);
    expect(Math.abs(b.sphericity - 1)).toBeLessThan(0.05);
    expect(Math.abs(b.surface_area_mm2 / (4 * Math.PI * 144) - 1)).toBeLessThan(0.05);
    expect(b.centroid_ijk).toEqual([17, 17, 17]);
    expect(b.lung).toBe('right');
    // The lung fills the grid, so its boundary is the grid's outer layer: 33 - 29 = 4 voxels from
    // the sphere's last voxel at i = 29 (5 from its first at i = 5).
    expect(b.distance_to_pleura_mm).toBe(4);
  });

  it('matches an ellipsoid on an anisotropic grid', () => {
    const ct = volume([60, 36, 24], [0.6, 0.8, 1.0]);
    const semi: [number, number, number] = [15, 10, 8];
    const lesion = ellipsoid(ct, [30, 18, 12], semi);
    const [b] = lesionBiomarkers(ct, lesion, new Uint8Array(lesion.length));
    const analyticMl = (4 / 3) * Math.PI * 15 * 10 * 8 / 1000;
    expect(Math.abs(b.volume_ml / analyticMl - 1)).toBeLessThan(0.02);
    expect(Math.abs(b.longest_diameter_mm - 30)).toBeLessThanOrEqual(0.6);
    const analyticSphericity = sphericityOf(analyticMl * 1000, thomsenArea(...semi));
    expect(Math.abs(b.sphericity / analyticSphericity - 1)).toBeLessThan(0.05);
    expect(b.lung).toBe('none');
    expect(b.zone).toBeNull();
    expect(b.distance_to_pleura_mm).toBeNull();
  });

  it('gives the longest diameter of a tilted ellipsoid', () => {
    // Long axis along the (1, 1, 1) diagonal: semi-axis 14 mm there, 5 mm across.
    const ct = volume([40, 40, 40], [1, 1, 1]);
    const [nx, ny] = [40, 40];
    const lesion = new Uint8Array(40 ** 3);
    const u = 1 / Math.sqrt(3);
    for (let k = 0; k < 40; k++) {
      for (let j = 0; j < 40; j++) {
        for (let i = 0; i < 40; i++) {
          const d = [i - 20, j - 20, k - 20];
          const along = (d[0] + d[1] + d[2]) * u;
          const across2 = d[0] ** 2 + d[1] ** 2 + d[2] ** 2 - along ** 2;
          if ((along / 14) ** 2 + across2 / 25 <= 1) lesion[i + nx * (j + ny * k)] = 1;
        }
      }
    }
    const [b] = lesionBiomarkers(ct, lesion, new Uint8Array(lesion.length));
    expect(Math.abs(b.longest_diameter_mm - 28)).toBeLessThanOrEqual(1);
    // Brute force over every pair of voxels: the candidate reduction loses nothing.
    const pts: number[][] = [];
    for (let n = 0; n < lesion.length; n++) if (lesion[n]) pts.push([n % 40, Math.floor(n / 40) % 40, Math.floor(n / 1600)]);
    let best = 0;
    for (let a = 0; a < pts.length; a++) for (let c = a + 1; c < pts.length; c++) best = Math.max(best, Math.hypot(pts[a][0] - pts[c][0], pts[a][1] - pts[c][1], pts[a][2] - pts[c][2]));
    expect(b.longest_diameter_mm).toBe(best);
  });

  it('gives the longest diameter of irregular blobs as a brute-force search does', () => {
    let seed = 11;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    const dims: [number, number, number] = [20, 18, 14];
    const spacing: [number, number, number] = [0.6, 0.9, 1.7];
    const [nx, ny] = dims;
    const ct = volume(dims, spacing);
    for (let trial = 0; trial < 6; trial++) {
      // A random walk of 3×3×1 stamps: branchy, concave, one 26-connected lesion.
      const lesion = new Uint8Array(20 * 18 * 14);
      let [i, j, k] = [10, 9, 7];
      for (let s = 0; s < 60; s++) {
        for (let b = -1; b <= 1; b++) for (let a = -1; a <= 1; a++) lesion[i + a + nx * (j + b + ny * k)] = 1;
        const axis = Math.floor(random() * 3);
        const step = random() < 0.5 ? -1 : 1;
        if (axis === 0) i = Math.min(17, Math.max(2, i + step));
        else if (axis === 1) j = Math.min(15, Math.max(2, j + step));
        else k = Math.min(12, Math.max(1, k + step));
      }
      const list = lesionBiomarkers(ct, lesion, new Uint8Array(lesion.length));
      expect(list).toHaveLength(1);
      const pts: number[][] = [];
      for (let v = 0; v < lesion.length; v++) if (lesion[v]) pts.push([(v % nx) * spacing[0], (Math.floor(v / nx) % ny) * spacing[1], Math.floor(v / (nx * ny)) * spacing[2]]);
      let best = 0;
      for (let a = 0; a < pts.length; a++) for (let c = a + 1; c < pts.length; c++) best = Math.max(best, Math.hypot(pts[a][0] - pts[c][0], pts[a][1] - pts[c][1], pts[a][2] - pts[c][2]));
      expect(list[0].longest_diameter_mm).toBeCloseTo(best, 9);
    }
  });

  it('gives the HU statistics of known values', () => {
    const ct = volume([6, 6, 6], [1, 1, 1], -1000);
    const lesion = new Uint8Array(216);
    const values = [-800, -760, -750, -500, -300, -299, 0, 100];
    let t = 0;
    for (let k = 2; k < 4; k++) {
      for (let j = 2; j < 4; j++) {
        for (let i = 2; i < 4; i++) {
          const n = i + 6 * (j + 6 * k);
          lesion[n] = 1;
          ct.hu[n] = values[t++];
        }
      }
    }
    const [b] = lesionBiomarkers(ct, lesion, new Uint8Array(216));
    expect(b.voxels).toBe(8);
    expect(b.volume_ml).toBeCloseTo(0.008, 12);
    expect(b.hu_mean).toBe(-413.625);
    expect(b.hu_sd).toBeCloseTo(348.6332241769278, 9);
    expect(b.hu_p10).toBeCloseTo(-772, 9);
    expect(b.hu_p50).toBe(-400);
    expect(b.hu_p90).toBeCloseTo(30, 9);
    // -750 and -500 are ground glass; -300 and above consolidation; -800 and -760 neither.
    expect([GGO_HU[0], GGO_HU[1], CONSOLIDATION_MIN_HU]).toEqual([-750, -300, -300]);
    expect(b.ggo_fraction).toBe(0.25);
    expect(b.consolidation_fraction).toBe(0.5);
    expect(b.longest_diameter_mm).toBe(Math.sqrt(3));
    expect(b.centroid_ijk).toEqual([2.5, 2.5, 2.5]);
  });

  it('scores one voxel as a cube', () => {
    const ct = volume([5, 5, 5], [1, 1, 1]);
    const lesion = new Uint8Array(125);
    lesion[62] = 1;
    const [b] = lesionBiomarkers(ct, lesion, new Uint8Array(125));
    expect(b.surface_area_mm2).toBe(6);
    expect(b.sphericity).toBeCloseTo(Math.cbrt(Math.PI / 6), 12);
    expect(b.longest_diameter_mm).toBe(0);
    expect(b.hu_sd).toBe(0);
  });

  describe('lungs, zones and the pleura', () => {
    // 30×20×30 grid, spacing 0.5 × 0.8 × 2 mm, k + 1 cranial. Right lung: box i 1-13, j 1-18,
    // k 0-29; left lung: box i 15-28, same j and k (zones: k 29-20 upper, 19-10 middle, 9-0 lower).
    const dims: [number, number, number] = [30, 20, 30];
    const spacing: [number, number, number] = [0.5, 0.8, 2];
    const at = (i: number, j: number, k: number) => i + 30 * (j + 20 * k);
    const lungs = new Uint8Array(30 * 20 * 30);
    for (let k = 0; k < 30; k++) {
      for (let j = 1; j <= 18; j++) {
        for (let i = 1; i <= 13; i++) lungs[at(i, j, k)] = LUNG.right;
        for (let i = 15; i <= 28; i++) lungs[at(i, j, k)] = LUNG.left;
      }
    }
    const ct: CtVolume = { ...volume(dims, spacing), origin: [-100, 50, 20], direction: [1, 0, 0, 0, -1, 0, 0, 0, 1] };
    const lesion = new Uint8Array(lungs.length);
    // A: 3×3×2 block (i 6-8, j 8-10, k 24-25) in the right lung's upper zone; its nearest lung
    // boundary is the i = 1 layer, 5 voxels (2.5 mm) away (j = 18: 6.4 mm; k = 29: 8 mm).
    for (let k = 24; k <= 25; k++) for (let j = 8; j <= 10; j++) for (let i = 6; i <= 8; i++) lesion[at(i, j, k)] = 1;
    // B: two voxels 26-connected by a corner, left lung, middle zone, touching its boundary (i = 28).
    lesion[at(27, 5, 12)] = 2;
    lesion[at(28, 6, 13)] = 2;
    // C: a row across the gap at i = 14 between the lungs: 3 right, 1 outside, 3 left voxels.
    for (let i = 11; i <= 17; i++) lesion[at(i, 9, 5)] = 1;
    // D: outside the lungs (row j = 19).
    lesion[at(5, 19, 15)] = 1;
    lesion[at(6, 19, 15)] = 1;

    const list = lesionBiomarkers(ct, lesion, lungs);

    it('lists lesions largest first, with ranks', () => {
      expect(list.map((b) => [b.id, b.voxels])).toEqual([
        [1, 18],
        [2, 7],
        [3, 2],
        [4, 2],
      ]);
    });

    it('names the lung and zone by majority, and measures the distance to the lung boundary', () => {
      const [a, c, b, d] = list;
      expect([a.lung, a.zone, a.distance_to_pleura_mm]).toEqual(['right', 'right_upper', 2.5]);
      expect(a.centroid_ijk).toEqual([7, 9, 24.5]);
      expect(a.centroid_lps_mm).toEqual([-100 + 3.5, 50 - 7.2, 20 + 49]);
      expect(a.longest_diameter_mm).toBeCloseTo(Math.hypot(1, 1.6, 2), 12);
      expect([c.lung, c.zone, c.distance_to_pleura_mm]).toEqual(['both', 'right_lower', 0]);
      expect([b.lung, b.zone, b.distance_to_pleura_mm]).toEqual(['left', 'left_middle', 0]);
      expect([d.lung, d.zone, d.distance_to_pleura_mm]).toEqual(['none', null, null]);
    });

    it('has no lesion without lesion voxels', () => {
      expect(lesionBiomarkers(ct, new Uint8Array(lungs.length), lungs)).toEqual([]);
    });
  });
});

describe('sphericity of small lesions', () => {
  it('never passes 1', () => {
    // A 3D cross of 7 voxels: the smoothed normals round it off to an area below a sphere's.
    const ct = volume([9, 9, 9], [1, 1, 1]);
    const lesion = new Uint8Array(729);
    const at = (i: number, j: number, k: number) => i + 9 * (j + 9 * k);
    for (const [i, j, k] of [[4, 4, 4], [3, 4, 4], [5, 4, 4], [4, 3, 4], [4, 5, 4], [4, 4, 3], [4, 4, 5]]) lesion[at(i, j, k)] = 1;
    const [b] = lesionBiomarkers(ct, lesion, new Uint8Array(729));
    expect(b.sphericity).toBe(1);
  });
});

describe('on the chest phantom', () => {
  it('finds its two lesions with their volumes, lungs, densities and the consolidation against the pleura', () => {
    const { ct, truth } = chestPhantom();
    const list = lesionBiomarkers(ct, truth.lesion, truth.lungs);
    expect(list).toHaveLength(2);
    const ggo = list.find((b) => b.lung === 'right')!;
    const consolidation = list.find((b) => b.lung === 'left')!;
    expect(ggo.volume_ml).toBeCloseTo(truth.lesionMl.ggo, 9);
    expect(consolidation.volume_ml).toBeCloseTo(truth.lesionMl.consolidation, 9);
    expect(ggo.zone).toBe('right_lower');
    // Ground glass at -480…-320 HU plus noise (SD 12): a few voxels pass -300.
    expect(ggo.ggo_fraction).toBeGreaterThan(0.9);
    expect(ggo.ggo_fraction + ggo.consolidation_fraction).toBe(1);
    expect(Math.abs(ggo.hu_mean + 400)).toBeLessThan(10);
    expect(consolidation.consolidation_fraction).toBe(1);
    // The consolidation is cut by the lung surface, so it reaches the lung's boundary.
    expect(consolidation.distance_to_pleura_mm).toBe(0);
    // 20 mm sphere at 2.5 × 2.5 × 5 mm voxels: diameter 40 mm within a voxel.
    expect(Math.abs(ggo.longest_diameter_mm - 40)).toBeLessThanOrEqual(5);
  });
});

describe('distance to the pleura', () => {
  it('equals a brute-force search on random lungs and lesions', () => {
    let seed = 5;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    const dims: [number, number, number] = [31, 19, 17];
    const spacing: [number, number, number] = [1.1, 0.9, 1.6];
    const [nx, ny, nz] = dims;
    const n = nx * ny * nz;
    const ct = volume(dims, spacing);
    const seen: number[] = [];
    for (let trial = 0; trial < 16; trial++) {
      // Every other lesion starts deep in a lung without holes, beyond the first search margin (3 mm).
      const deep = trial % 2 === 1;
      // Two lungs that touch along i = 15 | 16, each a box, the others with random holes.
      const lungs = new Uint8Array(n);
      for (let v = 0; v < n; v++) {
        const i = v % nx;
        const j = Math.floor(v / nx) % ny;
        const k = Math.floor(v / (nx * ny));
        if (j < 1 || k > 15 || (!deep && random() < 0.03)) continue;
        lungs[v] = i <= 15 ? LUNG.right : LUNG.left;
      }
      // One lesion: a random small blob of face-connected voxels, all inside a lung.
      const lesion = new Uint8Array(n);
      const pick = () => (deep ? (random() < 0.5 ? 5 : 21) + Math.floor(random() * 6) + nx * (7 + Math.floor(random() * 5) + ny * (5 + Math.floor(random() * 6))) : Math.floor(random() * n));
      let at = pick();
      while (lungs[at] === 0) at = pick();
      const steps = [1, -1, nx, -nx, nx * ny, -nx * ny];
      for (let s = 0; s < (deep ? 4 : 12); s++) {
        lesion[at] = 1;
        const next = at + steps[Math.floor(random() * 6)];
        if (next >= 0 && next < n && lungs[next] !== 0 && Math.abs((next % nx) - (at % nx)) <= 1) at = next;
      }
      const [b] = lesionBiomarkers(ct, lesion, lungs);
      if (b === undefined) continue;
      const ijk = (v: number) => [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
      const boundary: number[][] = [];
      for (let v = 0; v < n; v++) {
        if (lungs[v] === 0) continue;
        const [i, j, k] = ijk(v);
        const neighbours = [[i - 1, j, k], [i + 1, j, k], [i, j - 1, k], [i, j + 1, k], [i, j, k - 1], [i, j, k + 1]];
        if (neighbours.some(([a, c, d]) => a < 0 || c < 0 || d < 0 || a >= nx || c >= ny || d >= nz || lungs[a + nx * (c + ny * d)] !== lungs[v])) boundary.push([i, j, k]);
      }
      let best = Infinity;
      for (let v = 0; v < n; v++) {
        if (lesion[v] === 0) continue;
        const p = ijk(v);
        for (const q of boundary) best = Math.min(best, Math.hypot((p[0] - q[0]) * spacing[0], (p[1] - q[1]) * spacing[1], (p[2] - q[2]) * spacing[2]));
      }
      seen.push(best);
      expect(b.distance_to_pleura_mm).toBeCloseTo(best, 9);
    }
    // Lesions at the boundary and some millimetres inside it were both met.
    expect(seen.filter((d) => d === 0).length).toBeGreaterThan(0);
    expect(seen.filter((d) => d > 3).length).toBeGreaterThan(1);
  });
});
