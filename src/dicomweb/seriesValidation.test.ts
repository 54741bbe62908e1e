import { describe, expect, it } from 'vitest';
import { checkSeries } from './seriesValidation.ts';
import type { DicomJsonDataset } from './dicomJson.ts';

function ct(z: number, n: number, extra: Partial<Record<string, unknown>> = {}): DicomJsonDataset {
  const ds: Record<string, unknown> = {
    '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] },
    '00080018': { vr: 'UI', Value: [`1.2.3.${n}`] },
    '00080060': { vr: 'CS', Value: ['CT'] },
    '00200013': { vr: 'IS', Value: [n] },
    '00200032': { vr: 'DS', Value: [-100, -100, z] },
    '00200037': { vr: 'DS', Value: [1, 0, 0, 0, 1, 0] },
    '00200052': { vr: 'UI', Value: ['1.2.3.99'] },
    '00280010': { vr: 'US', Value: [64] },
    '00280011': { vr: 'US', Value: [64] },
    '00280030': { vr: 'DS', Value: [0.7, 0.7] },
    ...extra,
  };
  return ds as DicomJsonDataset;
}

const series = (zs: number[]) => zs.map((z, i) => ct(z, i + 1));

describe('checkSeries', () => {
  it('accepts a regular CT series and sorts slices along the normal', () => {
    const r = checkSeries(series([10, 0, 5, 15]));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.slices.map((s) => s.positionMm[2])).toEqual([0, 5, 10, 15]);
    expect(r.sliceSpacingMm).toBe(5);
    expect(r.warnings).toEqual([]);
    expect([r.rows, r.columns]).toEqual([64, 64]);
  });

  it('refuses a SEG series, naming what it is', () => {
    const seg = ct(0, 1, { '00080060': { vr: 'CS', Value: ['SEG'] }, '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.66.4'] } });
    const r = checkSeries([seg]);
    expect(r).toEqual({ ok: false, message: expect.stringContaining('Segmentation (SEG)') });
    expect(!r.ok && r.message).toContain('not a CT image series');
  });

  it('refuses an SR series and an MR series', () => {
    const sr = ct(0, 1, { '00080060': { vr: 'CS', Value: ['SR'] }, '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.88.33'] } });
    expect(checkSeries([sr])).toMatchObject({ ok: false, message: expect.stringContaining('Comprehensive SR') });
    const mr = ct(0, 1, { '00080060': { vr: 'CS', Value: ['MR'] }, '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.4'] } });
    expect(checkSeries([mr])).toMatchObject({ ok: false, message: expect.stringContaining('MR Image') });
  });

  it('refuses an empty series', () => {
    expect(checkSeries([])).toEqual({ ok: false, message: 'This series has no images.' });
  });

  it('warns about missing slices with the size of the gap, and still loads', () => {
    const r = checkSeries(series([0, 2, 4, 10, 12, 14]));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain('Missing slices: about 2 slice(s) missing');
    expect(r.warnings[0]).toContain('6.0 mm');
  });

  it('warns about uneven spacing', () => {
    const r = checkSeries(series([0, 2, 4, 6.5, 8.5, 10.5, 12.5]));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.warnings.join(' ')).toContain('Uneven slice spacing');
  });

  it('leaves out images of another orientation (a localizer) with a warning', () => {
    const loc = ct(0, 9, { '00200037': { vr: 'DS', Value: [0, 1, 0, 0, 0, -1] } });
    const r = checkSeries([...series([0, 1, 2, 3]), loc]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.slices).toHaveLength(4);
    expect(r.warnings.join(' ')).toContain('Mixed orientation: 1 image(s)');
  });

  it('warns about several frames of reference', () => {
    const zs = series([0, 1, 2]);
    zs[2] = ct(2, 3, { '00200052': { vr: 'UI', Value: ['1.2.3.100'] } });
    const r = checkSeries(zs);
    expect(r.ok && r.warnings.join(' ')).toContain('Several frames of reference (2)');
  });

  it('drops duplicate positions with a warning', () => {
    const r = checkSeries([...series([0, 1, 2]), ct(1, 7)]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.slices).toHaveLength(3);
    expect(r.warnings.join(' ')).toContain('share a position');
  });

  it('refuses images of different sizes and images without geometry', () => {
    const zs = series([0, 1]);
    zs[1] = ct(1, 2, { '00280010': { vr: 'US', Value: [128] } });
    expect(checkSeries(zs)).toMatchObject({ ok: false, message: expect.stringContaining('different sizes') });
    const noGeom = ct(0, 1, { '00200032': undefined });
    expect(checkSeries([noGeom])).toMatchObject({ ok: false, message: expect.stringContaining('no position') });
  });

  it('refuses multi-frame images', () => {
    expect(checkSeries([ct(0, 1, { '00280008': { vr: 'IS', Value: [40] } })])).toMatchObject({ ok: false, message: expect.stringContaining('multi-frame') });
  });
});
