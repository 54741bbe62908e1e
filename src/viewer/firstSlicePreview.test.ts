import { describe, expect, it } from 'vitest';
import { axialPlacement, fitRect, windowToRgba } from './firstSlicePreview.ts';

const grid = (direction: number[]) => ({ direction, dimensions: [512, 400, 100] as [number, number, number], spacingMm: [0.7, 0.8, 1] as [number, number, number] });

describe('axialPlacement', () => {
  it('shows a standard axial slice as stored: patient right on the left, anterior up', () => {
    expect(axialPlacement(grid([1, 0, 0, 0, 1, 0, 0, 0, 1]))).toEqual({ flipX: false, flipY: false, widthMm: 512 * 0.7, heightMm: 400 * 0.8 });
  });

  it('mirrors slices stored left-to-right or feet-first upside down', () => {
    expect(axialPlacement(grid([-1, 0, 0, 0, -1, 0, 0, 0, 1]))).toMatchObject({ flipX: true, flipY: true });
  });

  it('declines coronal or oblique slices (the view draws those itself)', () => {
    expect(axialPlacement(grid([1, 0, 0, 0, 0, -1, 0, 1, 0]))).toBeNull();
    expect(axialPlacement(grid([0.7, 0.7, 0, -0.7, 0.7, 0, 0, 0, 1]))).toBeNull();
  });
});

describe('windowToRgba', () => {
  it('maps the lung window: air black, soft tissue near white, beyond the window clamped', () => {
    const out = new Uint8ClampedArray(4 * 4);
    windowToRgba(Int16Array.from([-1350, -600, 150, 1000]), 1500, -600, out);
    expect([out[0], out[4], out[8], out[12]]).toEqual([0, 128, 255, 255]);
    expect([out[5], out[6], out[7]]).toEqual([128, 128, 255]);
  });
});

describe('fitRect', () => {
  it('fits the slice inside the view, centred, keeping its aspect in mm', () => {
    expect(fitRect(350, 350, 600, 400)).toEqual({ x: 100, y: 0, width: 400, height: 400 });
    expect(fitRect(400, 200, 400, 400)).toEqual({ x: 0, y: 100, width: 400, height: 200 });
  });
});
