import { describe, expect, it } from 'vitest';
import { dicomLabToRgb, labToRgb, rgbToDicomLab, rgbToLab } from './cielab.ts';
import type { Rgb } from '../model/color.ts';

describe('sRGB <-> DICOM CIELab', () => {
  it('maps white, black and primaries to their CIELab values (D65)', () => {
    const white = rgbToLab([255, 255, 255]);
    expect(white[0]).toBeCloseTo(100, 3);
    expect(Math.abs(white[1])).toBeLessThan(0.01);
    expect(Math.abs(white[2])).toBeLessThan(0.01);
    expect(rgbToLab([0, 0, 0])).toEqual([0, 0, 0]);
    // Reference values for sRGB red under D65: L 53.24, a 80.09, b 67.20.
    const red = rgbToLab([255, 0, 0]);
    expect(red[0]).toBeCloseTo(53.24, 1);
    expect(red[1]).toBeCloseTo(80.09, 1);
    expect(red[2]).toBeCloseTo(67.2, 1);
  });

  it('scales onto 0..65535 as DICOM requires', () => {
    expect(rgbToDicomLab([255, 255, 255])).toEqual([65535, 32896, 32896]);
    expect(rgbToDicomLab([0, 0, 0])).toEqual([0, 32896, 32896]);
  });

  it('reads dcmqi\'s liver colour (41661, 41167, 40792) as Slicer\'s liver brown', () => {
    const [r, g, b] = dicomLabToRgb([41661, 41167, 40792]);
    expect(Math.abs(r - 221)).toBeLessThanOrEqual(1);
    expect(Math.abs(g - 130)).toBeLessThanOrEqual(1);
    expect(Math.abs(b - 101)).toBeLessThanOrEqual(1);
  });

  it('round-trips sRGB through the DICOM encoding within 1 unit per channel', () => {
    let worst = 0;
    for (let r = 0; r <= 255; r += 5) {
      for (let g = 0; g <= 255; g += 5) {
        for (let b = 0; b <= 255; b += 5) {
          const back = dicomLabToRgb(rgbToDicomLab([r, g, b]));
          worst = Math.max(worst, Math.abs(back[0] - r), Math.abs(back[1] - g), Math.abs(back[2] - b));
        }
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
    const config: Rgb[] = [[255, 190, 40], [230, 60, 60], [80, 170, 255], [0, 255, 0], [1, 2, 3]];
    for (const c of config) expect(dicomLabToRgb(rgbToDicomLab(c))).toEqual(c);
  });

  it('clips colours outside the sRGB gamut instead of wrapping', () => {
    const c = labToRgb([50, 127, -128]);
    for (const v of c) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(255);
    }
  });
});
