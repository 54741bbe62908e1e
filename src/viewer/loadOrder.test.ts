import { describe, expect, it } from 'vitest';
import { centerOutOrder } from './loadOrder.ts';

describe('centerOutOrder', () => {
  it('starts at the middle slice and alternates outwards', () => {
    expect(centerOutOrder([0, 1, 2, 3, 4])).toEqual([2, 3, 1, 4, 0]);
    expect(centerOutOrder([0, 1, 2, 3])).toEqual([1, 2, 0, 3]);
  });
  it('keeps every item exactly once', () => {
    const items = Array.from({ length: 133 }, (_, i) => i);
    const out = centerOutOrder(items);
    expect(out).toHaveLength(133);
    expect(new Set(out).size).toBe(133);
  });
  it('handles one and no items', () => {
    expect(centerOutOrder([7])).toEqual([7]);
    expect(centerOutOrder([])).toEqual([]);
  });
});
