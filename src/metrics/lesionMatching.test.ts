import { describe, expect, it } from 'vitest';
import { componentsOf } from '../contouring/connectedComponents.ts';
import { matchLesions, runComponents } from './lesionMatching.ts';
import { maskRuns } from './maskRuns.ts';
import { box, randomBlobs, randomVoxels, seededRandom, type Dims3 } from './agreementReference.testSupport.ts';

function matchOf(a: Uint8Array, b: Uint8Array, dims: Dims3) {
  return matchLesions(maskRuns(a, dims), maskRuns(b, dims));
}

describe('runComponents', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`is contouring's 26-connected componentsOf, same numbering (seed ${seed})`, () => {
      const dims: Dims3 = [17, 11, 9];
      const random = seededRandom(seed);
      const mask = seed % 2 ? randomVoxels(dims, random, 0.1 + 0.25 * random()) : randomBlobs(dims, random, 8, 2);
      const runs = maskRuns(mask, dims);
      const ours = runComponents(runs);
      const { labels, sizes } = componentsOf(mask, dims, 1);
      expect(ours.count).toBe(sizes.length);
      expect([...ours.sizes]).toEqual(sizes);
      // Voxel by voxel: the component of each voxel's run, 1-based, is componentsOf's label.
      const [nx] = dims;
      for (let r = 0; r < runs.rowStart.length - 1; r++) {
        for (let n = runs.rowStart[r]; n < runs.rowStart[r + 1]; n++) {
          for (let i = runs.runFirst[n]; i <= runs.runLast[n]; i++) expect(labels[i + nx * r]).toBe(ours.componentOfRun[n] + 1);
        }
      }
    });
  }

  it('joins voxels that touch only at a corner or an edge (26-connectivity)', () => {
    const dims: Dims3 = [5, 5, 5];
    const m = new Uint8Array(125);
    m[0] = 1; // (0,0,0)
    m[1 + 5 * (1 + 5 * 1)] = 1; // (1,1,1): corner
    m[2 + 5 * (2 + 5 * 1)] = 1; // (2,2,1): edge
    m[4 + 5 * (4 + 5 * 4)] = 1; // (4,4,4): apart
    const c = runComponents(maskRuns(m, dims));
    expect(c.count).toBe(2);
    expect([...c.sizes]).toEqual([3, 1]);
    expect([...c.lo.subarray(0, 3), ...c.hi.subarray(0, 3)]).toEqual([0, 0, 0, 2, 2, 1]);
  });
});

describe('matchLesions', () => {
  it('split, merged, missed and extra lesions', () => {
    const dims: Dims3 = [30, 20, 10];
    const a = new Uint8Array(6000);
    const b = new Uint8Array(6000);
    box(dims, [1, 1, 1], [10, 3, 3], 1, a); // L1: split by B into two pieces
    box(dims, [1, 1, 1], [4, 3, 3], 1, b);
    box(dims, [7, 1, 1], [10, 3, 3], 1, b);
    box(dims, [14, 1, 1], [16, 3, 3], 1, a); // L2a and L2b: merged by B into one
    box(dims, [20, 1, 1], [22, 3, 3], 1, a);
    box(dims, [15, 2, 2], [21, 2, 2], 1, b);
    box(dims, [2, 10, 5], [4, 12, 7], 1, a); // L3: missed by B
    box(dims, [20, 14, 6], [24, 17, 8], 1, b); // E: B only
    expect(matchOf(a, b, dims)).toEqual({ lesions_a: 4, lesions_b: 4, matched_a: 3, matched_b: 3, missed: 1, extra: 1, lesion_f1: 6 / 8 });
    // B as the reference: missed and extra swap.
    expect(matchOf(b, a, dims)).toMatchObject({ missed: 1, extra: 1, matched_a: 3, matched_b: 3 });
  });

  it('a single shared voxel is a match', () => {
    const dims: Dims3 = [10, 10, 10];
    const a = box(dims, [0, 0, 0], [3, 3, 3]);
    const b = box(dims, [3, 3, 3], [6, 6, 6]);
    expect(matchOf(a, b, dims)).toMatchObject({ matched_a: 1, matched_b: 1, lesion_f1: 1 });
    // Touching by a face but not overlapping is no match.
    const c = box(dims, [4, 0, 0], [6, 3, 3]);
    expect(matchOf(a, c, dims)).toMatchObject({ lesions_a: 1, lesions_b: 1, matched_a: 0, matched_b: 0, missed: 1, extra: 1, lesion_f1: 0 });
  });

  it('empty masks: F1 1 when both are empty, 0 when one is', () => {
    const dims: Dims3 = [6, 6, 6];
    const empty = new Uint8Array(216);
    expect(matchOf(empty, empty.slice(), dims)).toEqual({ lesions_a: 0, lesions_b: 0, matched_a: 0, matched_b: 0, missed: 0, extra: 0, lesion_f1: 1 });
    const a = box(dims, [1, 1, 1], [2, 2, 2]);
    expect(matchOf(a, empty, dims)).toEqual({ lesions_a: 1, lesions_b: 0, matched_a: 0, matched_b: 0, missed: 1, extra: 0, lesion_f1: 0 });
  });
});
