import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES, type SliceFacts, checkSeriesQuality } from './seriesQuality.ts';

function series(n: number, opts: { stepMm?: number; thicknessMm?: number; z?: (k: number) => number; patch?: (s: SliceFacts, k: number) => void } = {}): SliceFacts[] {
  const step = opts.stepMm ?? 1.25;
  return Array.from({ length: n }, (_, k) => {
    const s: SliceFacts = {
      sopInstanceUid: `2.25.${k + 1}`,
      modality: 'CT',
      frameOfReferenceUid: '2.25.99',
      positionMm: [-200, -200, opts.z ? opts.z(k) : -k * step],
      orientation: [1, 0, 0, 0, 1, 0],
      pixelSpacingMm: [0.7, 0.7],
      sliceThicknessMm: opts.thicknessMm ?? step,
      rows: 512,
      columns: 512,
    };
    opts.patch?.(s, k);
    return s;
  });
}

const rules = (q: ReturnType<typeof checkSeriesQuality>) => q.problems.map((p) => `${p.rule}:${p.severity}`);

describe('seriesQuality', () => {
  it('accepts a regular chest CT', () => {
    const q = checkSeriesQuality(series(240));
    expect(q).toMatchObject({ verdict: 'accepted', problems: [], slices: 240, spacingMm: 1.25 });
    expect(q.extentMm).toBeCloseTo(298.75, 6);
  });

  it('names each rule', () => {
    expect(rules(checkSeriesQuality(series(240, { patch: (s) => (s.modality = 'MR') })))).toEqual(['not-ct:refuse']);
    expect(rules(checkSeriesQuality(series(240, { patch: (s, k) => (s.frameOfReferenceUid = k < 10 ? '2.25.1' : '2.25.2') })))).toEqual(['frames-of-reference:refuse']);
    expect(rules(checkSeriesQuality(series(240, { patch: (s, k) => k === 239 && delete s.positionMm })))).toEqual(['no-geometry:refuse']);
    expect(rules(checkSeriesQuality(series(240, { patch: (s, k) => k === 3 && (s.rows = 256) })))).toEqual(['size-mismatch:refuse']);
    expect(rules(checkSeriesQuality(series(240, { patch: (s, k) => k === 0 && (s.orientation = [0, 1, 0, 0, 0, -1]) })))).toContain('mixed-orientation:refuse');
    expect(rules(checkSeriesQuality(series(240, { z: (k) => -(k === 239 ? 238 : k) * 1.25 })))).toEqual(['duplicate-positions:refuse']);
    expect(rules(checkSeriesQuality(series(240, { z: (k) => -(k < 100 ? k : k + 3) * 1.25 })))).toEqual(['missing-slices:warn']);
    expect(rules(checkSeriesQuality(series(240, { z: (k) => -k * 1.25 - (k > 100 ? 0.3 : 0) })))).toEqual(['uneven-spacing:warn']);
    expect(rules(checkSeriesQuality(series(60, { stepMm: 5, thicknessMm: 7 })))).toEqual(['slice-thickness:refuse']);
    expect(rules(checkSeriesQuality(series(80)))).toEqual(['chest-coverage:refuse']);
  });

  it('says how many are missing and what the limits are', () => {
    const gap = checkSeriesQuality(series(240, { z: (k) => -(k < 100 ? k : k + 3) * 1.25 }));
    expect(gap.verdict).toBe('warned');
    expect(gap.problems[0].message).toMatch(/about 3 slice\(s\) missing/);
    expect(checkSeriesQuality(series(80)).problems[0].message).toMatch(/cover 99 mm, less than a chest \(150 mm\)/);
  });

  it('takes thresholds and severities from the rules', () => {
    const lenient = { ...DEFAULT_RULES, maxSliceThicknessMm: 8, minExtentMm: 50, severity: { ...DEFAULT_RULES.severity, 'duplicate-positions': 'warn' as const } };
    expect(checkSeriesQuality(series(60, { stepMm: 5, thicknessMm: 7 }), lenient).verdict).toBe('accepted');
    expect(checkSeriesQuality(series(240, { z: (k) => -(k === 239 ? 238 : k) * 1.25 }), lenient).verdict).toBe('warned');
  });
});
