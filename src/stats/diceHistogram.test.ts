import { describe, expect, it } from 'vitest';
import { DICE_BIN_WIDTH, DICE_BINS, diceBin, diceHistogram } from './diceHistogram.ts';

describe('Dice histogram', () => {
  it('has 20 bins of 0.05', () => {
    expect(DICE_BINS).toBe(20);
    expect(DICE_BIN_WIDTH).toBe(0.05);
  });
  it('puts each edge b/20 in bin b, written as b/20 or as b × 0.05, and 1 in the last bin', () => {
    expect(Math.floor(0.15 / 0.05)).toBe(2); // the pitfall the edge comparison avoids
    for (let b = 0; b < 20; b++) {
      expect(diceBin(b / 20)).toBe(b);
      expect(diceBin(b * 0.05)).toBe(b);
      expect(diceBin(Number(`0.${String(b * 5).padStart(2, '0')}`))).toBe(b);
    }
    expect(diceBin(1)).toBe(19);
    expect(diceBin(0.95)).toBe(19);
  });
  it('puts the value just below an edge in the bin below', () => {
    for (let b = 1; b <= 19; b++) {
      const edge = b / 20;
      const below = edge - edge * Number.EPSILON;
      expect(diceBin(below)).toBe(b - 1);
    }
  });
  it('counts', () => {
    const h = diceHistogram([0, 0.01, 0.049, 0.05, 0.5, 0.74, 0.75, 0.99, 1]);
    expect(h[0]).toBe(3);
    expect(h[1]).toBe(1);
    expect(h[10]).toBe(1);
    expect(h[14]).toBe(1);
    expect(h[15]).toBe(1);
    expect(h[19]).toBe(2);
    expect(h.reduce((s, c) => s + c, 0)).toBe(9);
  });
  it('refuses values outside [0, 1]', () => {
    expect(() => diceBin(-0.01)).toThrow(RangeError);
    expect(() => diceBin(1.0001)).toThrow(RangeError);
    expect(() => diceBin(NaN)).toThrow(RangeError);
  });
});
