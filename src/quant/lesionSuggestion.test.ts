import { beforeAll, describe, expect, it } from 'vitest';
import { LUNG, voxelMl, type CtVolume } from './ctVolume.ts';
import { DEFAULT_SUGGESTION_OPTIONS, sliceFlags, sliceSummary, suggestLesions, type Suggestion } from './lesionSuggestion.ts';
import { chestPhantom, type ChestPhantom } from './phantom.testSupport.ts';

// 1.25 × 1.25 × 2.5 mm: fine enough for the shape tests (the default 2.5 mm in-plane phantom
// would make a 2 mm disc a single pixel), small enough for a unit test.
const DIMS: [number, number, number] = [256, 256, 128];
const SLOW_MS = 60_000;

let phantom: ChestPhantom;
let suggestion: Suggestion;

beforeAll(() => {
  phantom = chestPhantom({ dims: DIMS });
  suggestion = suggestLesions(phantom.ct, phantom.truth.lungs);
}, SLOW_MS);

/** Suggested voxels of each truth class (0 none, 1 GGO, 2 consolidation) per component id. */
function overlap(s: Suggestion, lesion: Uint8Array): Map<number, [number, number, number]> {
  const out = new Map<number, [number, number, number]>();
  for (let p = 0; p < s.labels.length; p++) {
    const id = s.labels[p];
    if (id === 0) continue;
    const row = out.get(id) ?? [0, 0, 0];
    row[lesion[p]]++;
    out.set(id, row);
  }
  return out;
}

/** A copy of the CT with `hu` written where `where` holds (x, y, z in mm, LPS). */
function paint(ct: CtVolume, where: (x: number, y: number, z: number, index: number) => boolean, hu: number): CtVolume {
  const [nx, ny, nz] = ct.dims;
  const out = new Int16Array(ct.hu);
  for (let k = 0; k < nz; k++) {
    const z = ct.origin[2] + k * ct.spacing[2];
    for (let j = 0; j < ny; j++) {
      const y = ct.origin[1] + j * ct.spacing[1];
      for (let i = 0; i < nx; i++) {
        const p = i + nx * (j + ny * k);
        if (where(ct.origin[0] + i * ct.spacing[0], y, z, p)) out[p] = hu;
      }
    }
  }
  return { ...ct, hu: out };
}

describe('suggestLesions on the chest phantom', () => {
  it('finds the ground glass and the pleural consolidation, each as one component of its kind', () => {
    const { components } = suggestion;
    expect(components.length).toBe(2);
    const byId = overlap(suggestion, phantom.truth.lesion);
    const ggo = components.find((c) => c.kind === 'ggo');
    const consolidation = components.find((c) => c.kind === 'consolidation');
    expect(ggo).toBeDefined();
    expect(consolidation).toBeDefined();
    // Each component is its lesion: (almost) no voxel of the other lesion or of anything else.
    const [gNone, gGgo, gCons] = byId.get(ggo!.id)!;
    const [cNone, cGgo, cCons] = byId.get(consolidation!.id)!;
    expect(gCons).toBe(0);
    expect(cGgo).toBe(0);
    expect(gNone / ggo!.voxels).toBeLessThan(0.02);
    expect(cNone / consolidation!.voxels).toBeLessThan(0.02);
    // Most of each lesion, the consolidation's part against the chest wall and in the dependent
    // band included: what the shape tests take off is its rim of partial volume.
    const ml = voxelMl(phantom.ct.spacing);
    expect(gGgo * ml).toBeGreaterThan(0.9 * phantom.truth.lesionMl.ggo);
    expect(cCons * ml).toBeGreaterThan(0.9 * phantom.truth.lesionMl.consolidation);
  });

  it('leaves out the vessels, the airways and normal lung', () => {
    let outside = 0;
    for (let p = 0; p < suggestion.labels.length; p++) if (suggestion.labels[p] !== 0 && phantom.truth.lesion[p] === 0) outside++;
    const suggested = suggestion.components.reduce((s, c) => s + c.voxels, 0);
    expect(outside / suggested).toBeLessThan(0.01);
  });

  it('numbers components by volume, and their figures match the labels', () => {
    const { labels, components } = suggestion;
    const [nx, ny] = DIMS;
    const ml = voxelMl(phantom.ct.spacing);
    components.forEach((c, n) => {
      expect(c.id).toBe(n + 1);
      if (n > 0) expect(c.voxels).toBeLessThanOrEqual(components[n - 1].voxels);
      expect(c.volume_ml).toBeCloseTo(c.voxels * ml, 9);
    });
    const count = new Array(components.length + 1).fill(0);
    const sum = components.map(() => [0, 0, 0]);
    const lo = components.map(() => [Infinity, Infinity, Infinity]);
    const hi = components.map(() => [-1, -1, -1]);
    let notLung = 0;
    for (let p = 0; p < labels.length; p++) {
      const id = labels[p];
      if (id === 0) continue;
      count[id]++;
      const ijk = [p % nx, Math.floor(p / nx) % ny, Math.floor(p / (nx * ny))];
      for (let a = 0; a < 3; a++) {
        sum[id - 1][a] += ijk[a];
        lo[id - 1][a] = Math.min(lo[id - 1][a], ijk[a]);
        hi[id - 1][a] = Math.max(hi[id - 1][a], ijk[a]);
      }
      if (phantom.truth.lungs[p] === LUNG.none) notLung++;
    }
    // Only lung voxels are suggested.
    expect(notLung).toBe(0);
    components.forEach((c) => {
      expect(count[c.id]).toBe(c.voxels);
      expect(c.bbox).toEqual([...lo[c.id - 1], ...hi[c.id - 1]]);
      for (let a = 0; a < 3; a++) expect(c.centroid_ijk[a]).toBeCloseTo(sum[c.id - 1][a] / c.voxels, 6);
    });
  });

  it('flags exactly the slices that hold suggested voxels and sums their volume', () => {
    const flags = sliceFlags(suggestion, DIMS);
    const summary = sliceSummary(phantom.ct, phantom.truth.lungs, suggestion);
    expect(summary.length).toBe(DIMS[2]);
    const ml = voxelMl(phantom.ct.spacing);
    const plane = DIMS[0] * DIMS[1];
    let lesionMl = 0;
    for (const s of summary) {
      expect(s.lesion_ml > 0).toBe(flags[s.k] === 1);
      let lung = 0;
      for (let p = plane * s.k; p < plane * (s.k + 1); p++) if (phantom.truth.lungs[p] !== 0) lung++;
      expect(s.lung_ml).toBeCloseTo(lung * ml, 9);
      lesionMl += s.lesion_ml;
    }
    expect(lesionMl).toBeCloseTo(
      suggestion.components.reduce((s, c) => s + c.volume_ml, 0),
      6,
    );
    const flagged = [...flags].filter((f) => f === 1).length;
    expect(flagged).toBeGreaterThan(0);
    expect(flagged).toBeLessThan(DIMS[2] / 2);
  });

  it('drops specks below the minimum size and keeps a lesion above it', () => {
    // Left upper lung, away from every edge: a 3 mm radius ball (0.11 mL) and an 8 mm one (2.1 mL).
    const small = { c: [60, -15, 60], r: 3 };
    const large = { c: [-55, -15, 70], r: 8 };
    const inBall = (b: { c: number[]; r: number }) => (x: number, y: number, z: number) => (x - b.c[0]) ** 2 + (y - b.c[1]) ** 2 + (z - b.c[2]) ** 2 <= b.r * b.r;
    const ct = paint(paint(phantom.ct, inBall(small), -450), inBall(large), -450);
    const s = suggestLesions(ct, phantom.truth.lungs);
    expect(s.components.length).toBe(3);
    const at = (b: { c: number[] }) => {
      const [i, j, k] = b.c.map((v, a) => Math.round((v - ct.origin[a]) / ct.spacing[a]));
      return s.labels[i + DIMS[0] * (j + DIMS[1] * k)];
    };
    expect(at(small)).toBe(0);
    expect(at(large)).not.toBe(0);
    const ball = s.components[at(large) - 1];
    expect(ball.kind).toBe('ggo');
    // The opening rounds the ball's voxel staircase off: within 15 % of 4/3·π·r³.
    expect(ball.volume_ml).toBeGreaterThan(0.85 * ((4 / 3) * Math.PI * 8 ** 3) / 1000);
    expect(ball.volume_ml).toBeLessThan(1.15 * ((4 / 3) * Math.PI * 8 ** 3) / 1000);
  }, SLOW_MS);

  it('leaves out a fissure-thin plate of ground glass and a 7 mm vessel', () => {
    // In the left upper lung, clear of the lesions: a 2 mm plate at y = -20 (fissure-like, seen
    // obliquely it would be as thin in-plane) and a craniocaudal vessel of 3.5 mm radius.
    const plate = (x: number, y: number, z: number) => x > 30 && x < 90 && Math.abs(y + 20) <= 1 && z > 40 && z < 100;
    const vessel = (x: number, y: number, z: number) => (x - 60) ** 2 + (y - 20) ** 2 <= 3.5 ** 2 && z > 40 && z < 100;
    const ct = paint(paint(phantom.ct, plate, -450), vessel, 40);
    const s = suggestLesions(ct, phantom.truth.lungs);
    let inShapes = 0;
    const [nx, ny] = DIMS;
    for (let p = 0; p < s.labels.length; p++) {
      if (s.labels[p] === 0) continue;
      const x = ct.origin[0] + (p % nx) * ct.spacing[0];
      const y = ct.origin[1] + (Math.floor(p / nx) % ny) * ct.spacing[1];
      const z = ct.origin[2] + Math.floor(p / (nx * ny)) * ct.spacing[2];
      if (plate(x, y, z) || vessel(x, y, z)) inShapes++;
    }
    expect(inShapes).toBe(0);
    expect(s.components.length).toBe(2);
  }, SLOW_MS);

  it('leaves out a thin dependent density band along the posterior lung edge of a supine patient', () => {
    // A 5 mm band of -450 HU along the posterior surface of the right lung, over 50 mm of its
    // upper half (no lesion there): what gravity does to the dependent lung of a supine patient.
    const { lungs } = phantom.truth;
    const [nx, ny] = DIMS;
    const sy = phantom.ct.spacing[1];
    const bandRows = Math.round(5 / sy);
    const ct = paint(
      phantom.ct,
      (_x, _y, z, p) => {
        if (z < 30 || z > 80 || lungs[p] !== LUNG.right) return false;
        const j = Math.floor(p / nx) % ny;
        for (let d = 1; d <= bandRows; d++) if (j + d >= ny || lungs[p + nx * d] === LUNG.none) return true;
        return false;
      },
      -450,
    );
    const inBand = (s: Suggestion) => {
      let n = 0;
      for (let k = 0; k < DIMS[2]; k++) {
        const z = ct.origin[2] + k * ct.spacing[2];
        if (z < 30 || z > 80) continue;
        for (let p = nx * ny * k; p < nx * ny * (k + 1); p++) if (s.labels[p] !== 0 && lungs[p] === LUNG.right) n++;
      }
      return n;
    };
    expect(inBand(suggestLesions(ct, lungs))).toBe(0);
    expect(inBand(suggestLesions(ct, lungs, { dependentSide: 'none' }))).toBeGreaterThan(0);
    // Prone: the posterior lung is not dependent, the band is an opacity like any other.
    expect(inBand(suggestLesions(ct, lungs, { dependentSide: 'anterior' }))).toBeGreaterThan(0);
  }, SLOW_MS);

  it('suggests nothing in a healthy lung or without lungs', () => {
    const healthy = paint(phantom.ct, (_x, _y, _z, p) => phantom.truth.lesion[p] !== 0, -850);
    expect(suggestLesions(healthy, phantom.truth.lungs).components).toEqual([]);
    const none = suggestLesions(phantom.ct, new Uint8Array(phantom.truth.lungs.length));
    expect(none.components).toEqual([]);
    expect(none.labels.every((v) => v === 0)).toBe(true);
  }, SLOW_MS);

  it('reports progress up to 1 and a timing per stage', () => {
    const seen: [number, string][] = [];
    const s = suggestLesions(phantom.ct, phantom.truth.lungs, DEFAULT_SUGGESTION_OPTIONS, (f, stage) => seen.push([f, stage]));
    expect(seen.at(-1)?.[0]).toBe(1);
    for (let n = 1; n < seen.length; n++) expect(seen[n][0]).toBeGreaterThan(seen[n - 1][0]);
    expect(Object.keys(s.timingsMs)).toEqual(seen.map(([, stage]) => stage));
  }, SLOW_MS);

  it('refuses a lung mask of another grid', () => {
    expect(() => suggestLesions(phantom.ct, new Uint8Array(10))).toThrow(/do not match/);
  });
});
