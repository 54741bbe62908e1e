import { describe, expect, it } from 'vitest';
import { consensusStart, overlayOf } from './consensusStart.ts';

const segs = [{ value: 1, label: 'GGO' }, { value: 2, label: 'Consolidation' }];
const target = new Map([['GGO', 1], ['Consolidation', 2]]);
const read = (values: number[], segments = segs) => ({ labels: Uint8Array.from(values), segments });

describe('consensus start', () => {
  const a = read([1, 1, 0, 2, 0, 1]);
  const b = read([1, 0, 1, 1, 0, 0]);
  const c = read([2, 0, 1, 1, 0, 2]);

  it('one read, union and intersection, the first reader giving the segment', () => {
    expect(Array.from(consensusStart([a, b], 'one', target, 1))).toEqual([1, 1, 0, 2, 0, 1]);
    expect(Array.from(consensusStart([a, b], 'union', target, 1))).toEqual([1, 1, 1, 2, 0, 1]);
    expect(Array.from(consensusStart([b, a], 'union', target, 1))).toEqual([1, 1, 1, 1, 0, 1]);
    expect(Array.from(consensusStart([a, b], 'intersection', target, 1))).toEqual([1, 0, 0, 2, 0, 0]);
  });

  it('majority of three: voxels two of them painted, in the segment most gave (a tie: the first reader among the tied)', () => {
    // voxel 0: 1,1,2 -> 1; voxel 1: only A -> 0; voxel 2: B,C -> 1; voxel 3: 2,1,1 -> 1; voxel 5: 1,0,2 -> tie of A and C -> A's 1
    expect(Array.from(consensusStart([a, b, c], 'majority', target, 1))).toEqual([1, 0, 1, 1, 0, 1]);
    expect(Array.from(consensusStart([c, b, a], 'majority', target, 1))).toEqual([1, 0, 1, 1, 0, 2]);
  });

  it('matches segments by label, whatever value a reader gave them', () => {
    const swapped = read([2, 0, 0, 0, 0, 0], [{ value: 2, label: 'GGO' }, { value: 1, label: 'Consolidation' }]);
    expect(Array.from(consensusStart([swapped], 'one', target, 1))).toEqual([1, 0, 0, 0, 0, 0]);
    const unknown = read([1, 0, 0, 0, 0, 0], [{ value: 1, label: 'Something else' }]);
    expect(Array.from(consensusStart([unknown], 'one', target, 3))).toEqual([3, 0, 0, 0, 0, 0]);
  });

  it('refuses reads on different grids', () => {
    expect(() => consensusStart([a, read([1])], 'union', target, 1)).toThrow(/one grid/);
  });
});

describe('review overlay', () => {
  it('A only, B only, both', () => {
    expect(Array.from(overlayOf(Uint8Array.from([1, 2, 0, 0, 3]), Uint8Array.from([0, 1, 1, 0, 3])))).toEqual([1, 3, 2, 0, 3]);
  });
});
