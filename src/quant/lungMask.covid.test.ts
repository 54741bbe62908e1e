// The lung masks on the shared real COVID-19 CT (../shared/data/COVID-CT-01: 133 slices, JPEG
// Lossless, radiologists' slice-level infection labels). The masks were also checked by eye:
// docs/lung-masks.png, made by scripts/quant/lungMaskImage.ts.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ctSeriesFromPart10, type CtSeries } from './ctFromPart10.ts';
import { LUNG } from './ctVolume.ts';
import { segmentLungs, type LungMask } from './lungMask.ts';

const CASE = fileURLToPath(new URL('../../../shared/data/COVID-CT-01/', import.meta.url));

interface SliceLabel {
  InstanceNumber: number;
  SOPInstanceUID: string;
  infection: 0 | 1;
}

describe('segmentLungs on the COVID-19 CT', () => {
  let series: CtSeries;
  let mask: LungMask;
  beforeAll(() => {
    const names = readdirSync(`${CASE}dicom`).filter((f) => f.endsWith('.dcm')).sort();
    series = ctSeriesFromPart10(names.map((f) => new Uint8Array(readFileSync(`${CASE}dicom/${f}`))), names);
    mask = segmentLungs(series.ct);
  }, 60_000);

  it('finds adult lung volumes, the right lung larger', () => {
    expect(mask.rightMl).toBeGreaterThan(1000);
    expect(mask.rightMl).toBeLessThan(4500);
    expect(mask.leftMl).toBeGreaterThan(1000);
    expect(mask.leftMl).toBeLessThan(4500);
    expect(mask.rightMl).toBeGreaterThan(mask.leftMl);
  });

  it('has lung on every slice the radiologists labelled infected', () => {
    const labels = JSON.parse(readFileSync(`${CASE}labels.json`, 'utf8')) as { slices: SliceLabel[] };
    const [nx, ny] = series.ct.dims;
    const nxy = nx * ny;
    const infected = labels.slices.filter((s) => s.infection === 1);
    expect(infected.length).toBe(68);
    const without: number[] = [];
    for (const s of infected) {
      const k = series.slices.findIndex((src) => src?.sopInstanceUid === s.SOPInstanceUID);
      expect(k).toBeGreaterThanOrEqual(0);
      // The lesions of this case are in the left lower and upper lobes: the left lung must be there.
      let left = 0;
      for (let p = k * nxy; p < (k + 1) * nxy; p++) if (mask.labels[p] === LUNG.left) left++;
      if (left === 0) without.push(s.InstanceNumber);
    }
    expect(without).toEqual([]);
  });

  it('keeps the trachea out: the most cranial slices hold no lung in the middle of the body', () => {
    const [nx, ny, nz] = series.ct.dims;
    // Grid slice nz-1 is the most cranial (the normal points to the head); column 256 is the midline.
    let midline = 0;
    for (let k = nz - 10; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 246; i < 266; i++) if (mask.labels[i + nx * (j + ny * k)] !== LUNG.none) midline++;
    expect(midline).toBe(0);
  });
});
