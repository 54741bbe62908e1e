import { describe, expect, it } from 'vitest';
import { figuresOfNothing, readFigures } from './readFigures.ts';
import { InvolvementTracker } from './involvementTracker.ts';
import { lesionBiomarkers } from './lesionBiomarkers.ts';
import type { CtVolume } from './ctVolume.ts';

function ct(dims: [number, number, number], hu?: number[]): CtVolume {
  const n = dims[0] * dims[1] * dims[2];
  return { dims, spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], hu: hu ? Int16Array.from(hu) : new Int16Array(n).fill(-600) };
}

const NO_LOBES = [[], [], [], [], []];

describe('the figures of a read', () => {
  it('of a read with no lesion voxel and no lobe are known without the volume, equal to what readFigures computes', () => {
    const volume = ct([4, 2, 2]);
    const lungs = new Uint8Array(16).fill(1);
    const labels = new Uint8Array(16);
    labels[3] = 9; // a segment that is not a lesion (a lung drawn by hand)
    const tracker = new InvolvementTracker(lungs, labels, [1, 2], volume.dims, volume.spacing, volume.direction);
    expect(tracker.lesionVoxels()).toBe(0);
    const request = { labels, lesionValues: [1, 2], lobeValues: NO_LOBES };
    expect(figuresOfNothing(tracker.lesionVoxels(), request)).toEqual(readFigures(volume, lungs, request));
    // One lesion voxel, in a lung or outside: the worker must measure it.
    labels[5] = 2;
    tracker.rebuild();
    expect(tracker.lesionVoxels()).toBe(1);
    expect(figuresOfNothing(tracker.lesionVoxels(), request)).toBeNull();
    labels[5] = 0;
    lungs[6] = 0;
    labels[6] = 1;
    tracker.rebuild();
    expect(tracker.lesionVoxels()).toBe(1);
    expect(figuresOfNothing(tracker.lesionVoxels(), request)).toBeNull();
    // A lobe drawn: its volume is a figure even with no lesion.
    labels[6] = 0;
    tracker.rebuild();
    expect(figuresOfNothing(tracker.lesionVoxels(), { lobeValues: [[4], [], [], [], []] })).toBeNull();
  });

  it('measures the lesion segments merged into one mask, lesion by lesion, as lesionBiomarkers does', () => {
    // Two lesion segments (1 and 2) touching: one lesion; a lung segment (9) is not a lesion.
    const volume = ct([6, 1, 1], [-600, -200, -600, -800, 0, 0]);
    const labels = new Uint8Array([1, 2, 0, 9, 0, 1]);
    const lungs = new Uint8Array(6).fill(1);
    const figures = readFigures(volume, lungs, { labels, lesionValues: [1, 2], lobeValues: NO_LOBES });
    expect(figures.lobes).toBeNull();
    expect(figures.severity_score_lobar).toBeNull();
    expect(figures.lesions).toEqual(lesionBiomarkers(volume, new Uint8Array([1, 1, 0, 0, 0, 1]), lungs));
    expect(figures.lesions.map((l) => l.voxels)).toEqual([2, 1]);
    expect(figures.lesions[0].hu_mean).toBe(-400);
    expect(figures.lesions[0].ggo_fraction).toBe(0.5);
    expect(figures.lesions[0].consolidation_fraction).toBe(0.5);
  });

  it("gives each lobe its segment and the lesion it reaches first: exact % and no lobar score while a lobe is missing", () => {
    // Row 0: RUL, lesion ×3, RML, empty. Row 1: RUL ×3, RML ×2, a lesion outside the lungs.
    const labels = new Uint8Array([4, 1, 1, 1, 5, 0, 4, 4, 4, 5, 5, 1]);
    const lungs = new Uint8Array(12).fill(1);
    lungs[11] = 0;
    const f = readFigures(ct([6, 2, 1]), lungs, { labels, lesionValues: [1], lobeValues: [[4], [5], [], [], []] });
    expect(f.lobes!.map((l) => [l.name, l.lobe_ml, l.lesion_ml, l.pct, l.score])).toEqual([
      ['RUL', 0.006, 0.002, 100 / 3, 3],
      ['RML', 0.004, 0.001, 25, 2],
      ['RLL', 0, 0, 0, 0],
      ['LUL', 0, 0, 0, 0],
      ['LLL', 0, 0, 0, 0],
    ]);
    expect(f.severity_score_lobar).toBeNull();
    expect(f.lesions.map((l) => [l.voxels, l.lung])).toEqual([[3, 'right'], [1, 'none']]);
  });

  it('scores the five lobes 0-25 when all are drawn', () => {
    // RUL, lesion, RML, RLL, lesion, lesion, LUL, LLL ×3 (segment values 11-15).
    const labels = new Uint8Array([11, 1, 12, 13, 1, 1, 14, 15, 15, 15]);
    const f = readFigures(ct([10, 1, 1]), new Uint8Array(10).fill(1), { labels, lesionValues: [1], lobeValues: [[11], [12], [13], [14], [15]] });
    expect(f.lobes!.map((l) => l.pct)).toEqual([50, 0, 50, 50, 0]);
    expect(f.lobes!.map((l) => l.score)).toEqual([4, 0, 4, 4, 0]);
    expect(f.severity_score_lobar).toBe(12);
  });
});
