import { describe, expect, it } from 'vitest';
import { halfOfInteger, int16ToHalf } from './halfFloat.ts';

/** Decodes a half-float bit pattern (normal numbers and zero, enough for integers). */
function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

describe('halfOfInteger', () => {
  it('gives the IEEE bit patterns of familiar values', () => {
    expect(halfOfInteger(0)).toBe(0x0000);
    expect(halfOfInteger(1)).toBe(0x3c00);
    expect(halfOfInteger(-1)).toBe(0xbc00);
    expect(halfOfInteger(-1024)).toBe(0xe400);
    expect(halfOfInteger(2048)).toBe(0x6800);
    expect(halfOfInteger(65504)).toBe(0x7bff);
  });

  it('holds every HU from -2048 to 2048 exactly', () => {
    for (let v = -2048; v <= 2048; v++) expect(fromHalf(halfOfInteger(v))).toBe(v);
  });

  it('rounds larger values to the nearest half, ties to even, as the GPU does', () => {
    expect(fromHalf(halfOfInteger(2049))).toBe(2048); // tie: 2048 has the even mantissa
    expect(fromHalf(halfOfInteger(2051))).toBe(2052); // tie: 2052 has the even mantissa
    expect(fromHalf(halfOfInteger(3071))).toBe(3072);
    for (let v = 2049; v < 32768; v += 37) expect(Math.abs(fromHalf(halfOfInteger(v)) - v)).toBeLessThanOrEqual(2 ** (Math.floor(Math.log2(v)) - 11));
  });
});

describe('int16ToHalf', () => {
  it('converts a slice through the table, the extremes of Int16 included', () => {
    const src = Int16Array.from([-32768, -1024, 0, 40, 3071, 32767]);
    const out = int16ToHalf(src, new Uint16Array(src.length));
    expect(Array.from(out, fromHalf)).toEqual([-32768, -1024, 0, 40, 3072, 32768]);
  });
});
