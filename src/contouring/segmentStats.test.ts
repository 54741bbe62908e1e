import { describe, expect, it } from 'vitest';
import { forEachInBallStroke } from './brushGeometry.ts';
import { histogramBin, HISTOGRAM_BINS, SegmentStats } from './segmentStats.ts';

describe('segment statistics', () => {
  it('the volume of a painted sphere at anisotropic spacing is close to 4/3·π·r³', () => {
    const spacing = [0.7, 0.7, 2.5] as const;
    const dims = [200, 200, 60] as const;
    const r = 20;
    const stats = new SegmentStats((spacing[0] * spacing[1] * spacing[2]) / 1000);
    const centre = [100, 100, 30];
    forEachInBallStroke(dims, spacing, centre, centre, r, () => stats.move(-500, 0, 1));
    const exactMl = ((4 / 3) * Math.PI * r ** 3) / 1000;
    const s = stats.summary(1);
    expect(s.volumeMl).toBeGreaterThan(exactMl * 0.97);
    expect(s.volumeMl).toBeLessThan(exactMl * 1.03);
    expect(s.voxels * 0.7 * 0.7 * 2.5).toBeCloseTo(s.volumeMl * 1000, 6);
  });

  it('mean, SD and histogram follow voxels moving between segments', () => {
    const stats = new SegmentStats(0.001);
    for (const hu of [-800, -600, -400]) stats.move(hu, 0, 1);
    stats.move(50, 0, 2);
    let s = stats.summary(1);
    expect(s.voxels).toBe(3);
    expect(s.meanHu).toBeCloseTo(-600);
    expect(s.sdHu).toBeCloseTo(200);
    expect(s.histogram.reduce((a, b) => a + b, 0)).toBe(3);
    stats.move(-400, 1, 2);
    s = stats.summary(1);
    expect(s.voxels).toBe(2);
    expect(s.meanHu).toBeCloseTo(-700);
    expect(stats.summary(2).voxels).toBe(2);
    stats.move(-800, 1, 0);
    stats.move(-600, 1, 0);
    expect(stats.summary(1)).toMatchObject({ voxels: 0, meanHu: null, sdHu: null, volumeMl: 0 });
  });

  it('rebuilds from a labelmap and clamps out-of-range HU into the end bins', () => {
    const stats = new SegmentStats(1);
    stats.rebuild(new Uint8Array([0, 1, 1, 2]), new Int16Array([0, -3000, 3000, 7]));
    expect(stats.summary(1).histogram[0]).toBe(1);
    expect(stats.summary(1).histogram[HISTOGRAM_BINS - 1]).toBe(1);
    expect(stats.summary(2).voxels).toBe(1);
    expect(histogramBin(-1100)).toBe(0);
  });
});
