import { describe, expect, it } from 'vitest';
import { blandAltman, LIMITS_OF_AGREEMENT_Z } from './blandAltman.ts';

describe('Bland–Altman', () => {
  it('hand-computed: differences 2, −1, 3, 2 give bias 1.5, SD √3, limits 1.5 ∓ 1.96√3', () => {
    // Deviations from 1.5: 0.5, −2.5, 1.5, 0.5; squares sum to 9; 9 / (4 − 1) = 3.
    const r = blandAltman([10, 12, 14, 20], [8, 13, 11, 18]);
    expect(r.n).toBe(4);
    expect(r.bias).toBe(1.5);
    expect(Math.abs(r.sdDifference! - Math.sqrt(3))).toBeLessThan(1e-15);
    expect(Math.abs(r.lowerLimit! - (1.5 - 1.96 * Math.sqrt(3)))).toBeLessThan(1e-12);
    expect(Math.abs(r.upperLimit! - (1.5 + 1.96 * Math.sqrt(3)))).toBeLessThan(1e-12);
    expect(Array.from(r.means)).toEqual([9, 12.5, 12.5, 19]);
    expect(Array.from(r.differences)).toEqual([2, -1, 3, 2]);
    expect(r.reason).toBeNull();
    expect(LIMITS_OF_AGREEMENT_Z).toBe(1.96);
  });

  it('Bland & Altman (1986), Table 1, first readings of the large and mini Wright peak flow meters: mean −2.1, SD 38.8 l/min as published', () => {
    const large = [494, 395, 516, 434, 476, 557, 413, 442, 650, 433, 417, 656, 267, 478, 178, 423, 427];
    const mini = [512, 430, 520, 428, 500, 600, 364, 380, 658, 445, 432, 626, 260, 477, 259, 350, 451];
    const r = blandAltman(large, mini);
    expect(r.bias!).toBeCloseTo(-2.1, 1);
    expect(r.sdDifference!).toBeCloseTo(38.8, 1);
    // By definition: the differences sum to −36.
    expect(Math.abs(r.bias! - -36 / 17)).toBeLessThan(1e-12);
  });

  it('keeps precision on large values with small differences (SD about the mean, not Σd² − (Σd)²/n)', () => {
    const base = 1e9;
    const r = blandAltman([base + 1, base + 2, base + 3], [base, base, base]);
    expect(r.bias).toBe(2);
    expect(r.sdDifference).toBe(1);
  });

  it('gives null with a reason for 0 or 1 pairs, never NaN', () => {
    const none = blandAltman([], []);
    expect(none.bias).toBeNull();
    expect(none.reason).toBe('no pairs');
    const one = blandAltman([3], [1]);
    expect(one.bias).toBe(2);
    expect(one.sdDifference).toBeNull();
    expect(one.lowerLimit).toBeNull();
    expect(one.reason).toMatch(/at least 2/);
  });

  it('refuses unequal lengths and non-finite values', () => {
    expect(() => blandAltman([1, 2], [1])).toThrow(RangeError);
    expect(() => blandAltman([1, NaN], [1, 2])).toThrow(RangeError);
  });
});
