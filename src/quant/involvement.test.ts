import { describe, expect, it } from 'vitest';
import { lesionLookup, measureInvolvement } from './involvement.ts';
import { InvolvementTracker } from './involvementTracker.ts';
import { LUNG, voxelMl } from './ctVolume.ts';
import { chestPhantom } from './phantom.testSupport.ts';
import { bandScore } from './severityScore.ts';

const HEAD_UP = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const ONE_MM = [1, 1, 1] as const;

// 4×2×6 grid, k + 1 cranial. Right lung: i 0-1 on every slice (4 voxels a slice, zones: k 5-4
// upper, 3-2 middle, 1-0 lower). Left lung: i 2-3 on slices 1-3 (k 3 upper, 2 middle, 1 lower).
// Labels 1 and 2 are lesions, 3 is not.
const dims = [4, 2, 6] as const;
const at = (i: number, j: number, k: number) => i + 4 * (j + 2 * k);
function handCase() {
  const lungs = new Uint8Array(48);
  const labels = new Uint8Array(48);
  const lobes = new Uint8Array(48);
  for (let k = 0; k < 6; k++) {
    for (let j = 0; j < 2; j++) {
      for (const i of [0, 1]) {
        lungs[at(i, j, k)] = LUNG.right;
        lobes[at(i, j, k)] = k >= 4 ? 1 : k >= 2 ? 2 : 3;
      }
      if (k >= 1 && k <= 3) {
        for (const i of [2, 3]) {
          lungs[at(i, j, k)] = LUNG.left;
          lobes[at(i, j, k)] = k === 3 ? 4 : 5;
        }
      }
    }
  }
  labels[at(0, 0, 5)] = 1; // right upper 1/8
  labels[at(0, 0, 2)] = 2; // right middle 4/8
  labels[at(1, 0, 2)] = 2;
  labels[at(0, 1, 3)] = 1;
  labels[at(1, 1, 3)] = 1;
  labels[at(0, 0, 0)] = 3; // right lower: not a lesion label
  labels[at(2, 0, 3)] = 1; // left upper 3/4
  labels[at(3, 0, 3)] = 1;
  labels[at(2, 1, 3)] = 2;
  for (const n of [at(2, 0, 1), at(3, 0, 1), at(2, 1, 1), at(3, 1, 1)]) labels[n] = 1; // left lower 4/4
  labels[at(2, 0, 5)] = 1; // outside both lungs
  return { lungs, labels, lobes };
}

describe('measureInvolvement', () => {
  it('gives each lung, zone and score from the counts', () => {
    const { lungs, labels } = handCase();
    const inv = measureInvolvement(lungs, labels, [1, 2], dims, ONE_MM, HEAD_UP);
    expect(inv.lungs.right_ml).toBeCloseTo(0.024, 12);
    expect(inv.lungs.left_ml).toBeCloseTo(0.012, 12);
    expect(inv.lesion_ml.right).toBeCloseTo(0.005, 12);
    expect(inv.lesion_ml.left).toBeCloseTo(0.007, 12);
    expect(inv.lesion_ml.total).toBeCloseTo(0.012, 12);
    expect(inv.outside_lung_ml).toBeCloseTo(0.001, 12);
    expect(inv.involvement_pct).toEqual({ right: 500 / 24, left: 700 / 12, total: 1200 / 36 });
    expect(inv.zones.map((z) => [z.name, z.pct, z.score])).toEqual([
      ['right_upper', 12.5, 2],
      ['right_middle', 50, 4],
      ['right_lower', 0, 0],
      ['left_upper', 75, 4],
      ['left_middle', 0, 0],
      ['left_lower', 100, 5],
    ]);
    expect(inv.zones.map((z) => Math.round(z.lung_ml * 1000))).toEqual([8, 8, 8, 4, 4, 4]);
    expect(inv.severity_score_6zone).toBe(15);
    expect(inv.lobes).toBeUndefined();
    expect(inv.slices.map((s) => Math.round(s.lung_ml * 1000))).toEqual([4, 8, 8, 8, 4, 4]);
    // Slice 0 holds only a non-lesion label; slice 5 has the lesion outside the lung too.
    expect(inv.slices.map((s) => Math.round(s.lesion_ml * 1000))).toEqual([0, 4, 2, 5, 0, 2]);
  });

  it('takes the lesion labels as a predicate as well', () => {
    const { lungs, labels } = handCase();
    expect(measureInvolvement(lungs, labels, (v) => v === 1 || v === 2, dims, ONE_MM, HEAD_UP)).toEqual(measureInvolvement(lungs, labels, new Set([1, 2]), dims, ONE_MM, HEAD_UP));
  });

  it('scores the five lobes when a lobe mask is given, and only when all five are drawn', () => {
    const { lungs, labels, lobes } = handCase();
    const inv = measureInvolvement(lungs, labels, [1, 2], dims, ONE_MM, HEAD_UP, lobes);
    expect(inv.lobes!.map((l) => [l.name, l.pct, l.score])).toEqual([
      ['RUL', 12.5, 2],
      ['RML', 50, 4],
      ['RLL', 0, 0],
      ['LUL', 75, 4],
      ['LLL', 50, 4],
    ]);
    expect(inv.severity_score_lobar).toBe(14);
    for (let n = 0; n < lobes.length; n++) if (lobes[n] === 3) lobes[n] = 0;
    const partial = measureInvolvement(lungs, labels, [1, 2], dims, ONE_MM, HEAD_UP, lobes);
    expect(partial.lobes![2]).toEqual({ name: 'RLL', lobe_ml: 0, lesion_ml: 0, pct: 0, score: 0 });
    expect(partial.severity_score_lobar).toBeNull();
  });

  it('is 0 everywhere without lungs', () => {
    const n = 48;
    const inv = measureInvolvement(new Uint8Array(n), new Uint8Array(n).fill(1), [1], dims, ONE_MM, HEAD_UP);
    expect(inv.involvement_pct).toEqual({ right: 0, left: 0, total: 0 });
    expect(inv.severity_score_6zone).toBe(0);
    expect(inv.outside_lung_ml).toBeCloseTo(0.048, 12);
  });

  it('refuses masks of another size and label values out of range', () => {
    expect(() => measureInvolvement(new Uint8Array(47), new Uint8Array(48), [1], dims, ONE_MM, HEAD_UP)).toThrow(/4x2x6/);
    expect(() => lesionLookup([256])).toThrow(/0-255/);
    expect(lesionLookup([0, 7])[0]).toBe(0);
  });
});

/** Small deterministic PRNG (mulberry32) so a failure replays. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('InvolvementTracker', () => {
  it('matches the hand case', () => {
    const { lungs, labels, lobes } = handCase();
    const tracker = new InvolvementTracker(lungs, labels, [1, 2], dims, ONE_MM, HEAD_UP, lobes);
    expect(tracker.snapshot()).toEqual(measureInvolvement(lungs, labels, [1, 2], dims, ONE_MM, HEAD_UP, lobes));
  });

  for (const direction of [HEAD_UP, [1, 0, 0, 0, -1, 0, 0, 0, -1]]) {
    it(`equals a recount after random edits of labels, lungs and lobes (slice normal z ${direction[8]})`, () => {
      const random = rng(direction[8] > 0 ? 19 : 20);
      // 11 columns: the voxel-by-voxel path; 12: four voxels per read where all masks are empty.
      const d = direction[8] > 0 ? ([11, 7, 23] as const) : ([12, 7, 23] as const);
      const spacing = [0.7, 0.8, 1.25] as const;
      const n = d[0] * d[1] * d[2];
      const plane = d[0] * d[1];
      const lungs = new Uint8Array(n);
      const labels = new Uint8Array(n);
      // The second case is sparse and has no lobes, so that whole empty words occur.
      const sparse = direction[8] < 0;
      const lobes = sparse ? null : new Uint8Array(n);
      for (let v = 0; v < n; v++) {
        const k = Math.floor(v / plane);
        const i = v % d[0];
        if (k >= 2 && k <= 20) lungs[v] = i < 5 ? LUNG.right : i > 5 && k >= 4 && k <= 17 ? LUNG.left : 0;
        labels[v] = random() < (sparse ? 0.05 : 0.3) ? Math.floor(random() * 5) : 0;
        if (lobes) lobes[v] = random() < 0.8 ? Math.floor(random() * 6) : 0;
      }
      let lesionValues: number[] = [1, 2];
      const tracker = new InvolvementTracker(lungs, labels, lesionValues, d, spacing, direction, lobes);
      const check = () => expect(tracker.snapshot()).toEqual(measureInvolvement(lungs, labels, lesionValues, d, spacing, direction, lobes));
      check();
      for (let round = 0; round < 60; round++) {
        const what = random();
        if (what < 0.1) {
          // Empty a whole slice of a lung: its extent, and so every slice's third, may move.
          const k = Math.floor(random() * d[2]);
          const side = random() < 0.5 ? LUNG.right : LUNG.left;
          const idx: number[] = [];
          const before: number[] = [];
          for (let v = k * plane; v < (k + 1) * plane; v++) {
            if (lungs[v] !== side) continue;
            idx.push(v);
            before.push(lungs[v]);
            lungs[v] = 0;
          }
          tracker.applyLungChange(idx, before, new Array(idx.length).fill(0));
        } else if (what < 0.15) {
          lesionValues = [1, 2, 3, 4].filter(() => random() < 0.5);
          tracker.setLesionValues(lesionValues);
        } else {
          // A stroke: a run of voxels of one mask, each given a new value; told after writing.
          const target = what < 0.6 || (!lobes && what >= 0.85) ? labels : what < 0.85 ? lungs : lobes!;
          const values = target === labels ? 5 : target === lungs ? 4 : 7;
          const start = Math.floor(random() * n);
          const len = 1 + Math.floor(random() * 40);
          const idx: number[] = [];
          const before: number[] = [];
          const after: number[] = [];
          for (let v = start; v < Math.min(n, start + len); v++) {
            const next = Math.floor(random() * values);
            if (next === target[v]) continue;
            idx.push(v);
            before.push(target[v]);
            after.push(next);
            target[v] = next;
          }
          if (target === labels) tracker.applyChange(idx, before, after);
          else if (target === lungs) tracker.applyLungChange(idx, before, after);
          else tracker.applyLobeChange(idx, before, after);
        }
        check();
      }
    });
  }

  it('takes per-voxel changes in the editor\'s (index, from, to) shape, as unbound callbacks', () => {
    const { lungs, labels } = handCase();
    const tracker = new InvolvementTracker(lungs, labels, [1, 2], dims, ONE_MM, HEAD_UP);
    const onVoxel = tracker.labelChanged;
    const v = at(1, 1, 0);
    labels[v] = 1;
    onVoxel(v, 0, 1);
    expect(tracker.snapshot().zones[2]).toMatchObject({ name: 'right_lower', pct: 12.5, score: 2 });
    const onLung = tracker.lungChanged;
    lungs[v] = 0;
    onLung(v, LUNG.right, 0);
    const after = tracker.snapshot();
    expect(after.zones[2]).toMatchObject({ pct: 0, score: 0 });
    expect(after.outside_lung_ml).toBeCloseTo(0.002, 12);
  });

  it('follows new lung, lobe and label arrays', () => {
    const { lungs, labels, lobes } = handCase();
    const tracker = new InvolvementTracker(new Uint8Array(48), labels, [1, 2], dims, ONE_MM, HEAD_UP);
    expect(tracker.snapshot().severity_score_6zone).toBe(0);
    tracker.setLungs(lungs);
    expect(tracker.snapshot().severity_score_6zone).toBe(15);
    tracker.setLobes(lobes);
    expect(tracker.snapshot().severity_score_lobar).toBe(14);
    tracker.setLobes(null);
    expect(tracker.snapshot().lobes).toBeUndefined();
    tracker.setLabels(new Uint8Array(48));
    expect(tracker.snapshot().severity_score_6zone).toBe(0);
  });
});

describe('on the chest phantom', () => {
  const { ct, truth } = chestPhantom();
  const [nx, ny, nz] = ct.dims;
  const sz = ct.spacing[2];

  /** The zone definition restated in patient z (mm), voxel by voxel, independent of the module's slice arithmetic. */
  function zoneCountsByZ(labels: Uint8Array) {
    const lung = [0, 0, 0, 0, 0, 0];
    const lesion = [0, 0, 0, 0, 0, 0];
    const zOf = (k: number) => ct.origin[2] + k * sz * ct.direction[8];
    for (const side of [LUNG.right, LUNG.left]) {
      let top = -Infinity;
      let bottom = Infinity;
      for (let n = 0; n < truth.lungs.length; n++) {
        if (truth.lungs[n] !== side) continue;
        const z = zOf(Math.floor(n / (nx * ny)));
        top = Math.max(top, z + sz / 2);
        bottom = Math.min(bottom, z - sz / 2);
      }
      for (let n = 0; n < truth.lungs.length; n++) {
        if (truth.lungs[n] !== side) continue;
        const third = Math.floor((3 * (top - zOf(Math.floor(n / (nx * ny))))) / (top - bottom));
        const z = (side - 1) * 3 + third;
        lung[z]++;
        if (labels[n] !== 0) lesion[z]++;
      }
    }
    return { lung, lesion };
  }

  it('gives each zone the volumes and score of the definition', () => {
    const inv = measureInvolvement(truth.lungs, truth.lesion, [1, 2], ct.dims, ct.spacing, ct.direction);
    const expected = zoneCountsByZ(truth.lesion);
    const ml = voxelMl(ct.spacing);
    expect(inv.zones.map((z) => [z.lung_ml, z.lesion_ml])).toEqual(expected.lung.map((l, z) => [l * ml, expected.lesion[z] * ml]));
    const scores = expected.lung.map((l, z) => bandScore((100 * expected.lesion[z]) / l));
    expect(inv.zones.map((z) => z.score)).toEqual(scores);
    expect(inv.severity_score_6zone).toBe(scores.reduce((a: number, b) => a + b, 0));
    // Ground glass (z -82…-42 mm) in the right lower zone; the consolidation (z -75…-25 mm)
    // across the left lung's lower edge of its middle third (-40 mm).
    expect(inv.zones.filter((z) => z.lesion_ml > 0).map((z) => z.name)).toEqual(['right_lower', 'left_middle', 'left_lower']);
    expect(inv.lesion_ml.right).toBeCloseTo(truth.lesionMl.ggo, 9);
    expect(inv.lesion_ml.left).toBeCloseTo(truth.lesionMl.consolidation, 9);
    expect(inv.outside_lung_ml).toBe(0);
    expect(inv.slices).toHaveLength(nz);
  });

  it('follows a brush stroke in the right lower zone', () => {
    const labels = truth.lesion.slice();
    const tracker = new InvolvementTracker(truth.lungs, labels, [1, 2], ct.dims, ct.spacing, ct.direction);
    // A 10 mm sphere in the right lower lung, at (-60, 0, -100) mm.
    const idx: number[] = [];
    const before: number[] = [];
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const x = ct.origin[0] + i * ct.spacing[0] + 60;
          const y = ct.origin[1] + j * ct.spacing[1];
          const z = ct.origin[2] + k * sz + 100;
          const n = i + nx * (j + ny * k);
          if (x * x + y * y + z * z > 100 || labels[n] === 3) continue;
          idx.push(n);
          before.push(labels[n]);
          labels[n] = 3;
        }
      }
    }
    const was = tracker.snapshot().zones[2];
    tracker.applyChange(idx, before, idx.map(() => 3));
    // Label 3 is not yet a lesion: nothing moves until it is marked as one.
    expect(tracker.snapshot().zones[2]).toEqual(was);
    tracker.setLesionValues([1, 2, 3]);
    const now = tracker.snapshot();
    expect(now).toEqual(measureInvolvement(truth.lungs, labels, [1, 2, 3], ct.dims, ct.spacing, ct.direction));
    const expected = zoneCountsByZ(labels);
    expect(now.zones[2].lesion_ml).toBe(expected.lesion[2] * voxelMl(ct.spacing));
    expect(now.zones[2].lesion_ml).toBeGreaterThan(was.lesion_ml);
  });
});
