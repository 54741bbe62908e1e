import { describe, expect, it } from 'vitest';
import { voiRange, windowFromRange, WINDOW_PRESETS } from './windowPresets.ts';

describe('window presets', () => {
  it('has the chest CT presets', () => {
    expect(WINDOW_PRESETS.find((p) => p.id === 'lung')).toMatchObject({ widthHu: 1500, centerHu: -600 });
    expect(WINDOW_PRESETS.find((p) => p.id === 'mediastinum')).toMatchObject({ widthHu: 400, centerHu: 40 });
  });
  it('converts window width/level to an HU range and back', () => {
    expect(voiRange(1500, -600)).toEqual({ lower: -1350, upper: 150 });
    expect(windowFromRange(-160, 240)).toEqual({ widthHu: 400, centerHu: 40 });
  });
});
