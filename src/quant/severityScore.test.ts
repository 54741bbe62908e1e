import { describe, expect, it } from 'vitest';
import { bandScore, lobarScore, sixZoneScore, SEVERITY_BANDS } from './severityScore.ts';

describe('bandScore', () => {
  it('scores the bands with their edges in the band that names them', () => {
    const cases: [number, number][] = [
      [0, 0],
      [1e-9, 1],
      [4.999, 1],
      [5, 2],
      [12, 2],
      [25, 2],
      [25.0001, 3],
      [49.999, 3],
      [50, 4],
      [75, 4],
      [75.0001, 5],
      [100, 5],
    ];
    for (const [pct, score] of cases) expect([pct, bandScore(pct)]).toEqual([pct, score]);
  });

  it('refuses what is not a %', () => {
    for (const bad of [-0.1, 100.1, NaN, Infinity]) expect(() => bandScore(bad)).toThrow(RangeError);
  });

  it('states one band per score', () => {
    expect(SEVERITY_BANDS.map((b) => b.score)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('scores', () => {
  it('sums six zones to 0-30', () => {
    expect(sixZoneScore([0, 0, 0, 0, 0, 0])).toBe(0);
    expect(sixZoneScore([100, 100, 100, 100, 100, 100])).toBe(30);
    expect(sixZoneScore([0, 3, 5, 30, 60, 80])).toBe(0 + 1 + 2 + 3 + 4 + 5);
    expect(() => sixZoneScore([1, 2, 3, 4, 5])).toThrow(/6 regions/);
  });

  it('sums five lobes to 0-25', () => {
    expect(lobarScore([100, 100, 100, 100, 100])).toBe(25);
    expect(lobarScore([0, 25, 26, 50, 76])).toBe(0 + 2 + 3 + 4 + 5);
    expect(() => lobarScore([1, 2, 3, 4, 5, 6])).toThrow(/5 regions/);
  });
});
