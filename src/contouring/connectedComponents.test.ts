import { describe, expect, it } from 'vitest';
import { componentsOf, keepLargestComponent, smallIslands } from './connectedComponents.ts';
import { voxelIndex, voxelIJK, type Dims } from './labelmapGrid.ts';

function grid(dims: Dims, voxels: ReadonlyArray<readonly [number, number, number]>, value = 1): Uint8Array {
  const data = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (const [i, j, k] of voxels) data[voxelIndex(dims, i, j, k)] = value;
  return data;
}

/** Straightforward reference: flood each unlabelled voxel through all 26 neighbours. */
function referenceLabels(data: Uint8Array, dims: Dims, value: number): Int32Array {
  const labels = new Int32Array(data.length);
  let next = 0;
  for (let start = 0; start < data.length; start++) {
    if (data[start] !== value || labels[start] !== 0) continue;
    labels[start] = ++next;
    const stack = [start];
    while (stack.length > 0) {
      const [i, j, k] = voxelIJK(dims, stack.pop()!);
      for (let dk = -1; dk <= 1; dk++) {
        for (let dj = -1; dj <= 1; dj++) {
          for (let di = -1; di <= 1; di++) {
            const [a, b, c] = [i + di, j + dj, k + dk];
            if (a < 0 || b < 0 || c < 0 || a >= dims[0] || b >= dims[1] || c >= dims[2]) continue;
            const q = voxelIndex(dims, a, b, c);
            if (data[q] === value && labels[q] === 0) {
              labels[q] = next;
              stack.push(q);
            }
          }
        }
      }
    }
  }
  return labels;
}

describe('componentsOf', () => {
  it('joins voxels touching only at a corner (26-connectivity)', () => {
    const dims: Dims = [3, 3, 3];
    const { labels, sizes } = componentsOf(grid(dims, [[0, 0, 0], [1, 1, 1], [2, 2, 2]]), dims, 1);
    expect(sizes).toEqual([3]);
    expect(labels[voxelIndex(dims, 2, 2, 2)]).toBe(1);
    expect(labels[voxelIndex(dims, 1, 0, 0)]).toBe(0);
  });

  it('separates voxels with one empty voxel between them', () => {
    const dims: Dims = [5, 3, 3];
    const { labels, sizes } = componentsOf(grid(dims, [[0, 1, 1], [2, 1, 1], [4, 1, 1]]), dims, 1);
    expect(sizes).toEqual([1, 1, 1]);
    expect([0, 2, 4].map((i) => labels[voxelIndex(dims, i, 1, 1)])).toEqual([1, 2, 3]);
  });

  it('does not wrap across the faces of the grid', () => {
    // Pairs a raster offset would join if it ran off a face: consecutive in memory across a row end
    // and a plane end, and a row end reached by the (dj = +1, dk = -1) back-neighbour.
    const dims: Dims = [4, 3, 3];
    for (const pair of [
      [[3, 0, 0], [0, 1, 0]],
      [[3, 2, 0], [0, 0, 1]],
      [[2, 0, 2], [2, 2, 2]],
      [[0, 2, 1], [3, 0, 2]],
    ] as const) {
      expect(componentsOf(grid(dims, pair), dims, 1).sizes).toEqual([1, 1]);
    }
  });

  it('labels only the asked value and numbers components by their first voxel', () => {
    const dims: Dims = [6, 2, 1];
    const data = new Uint8Array(12);
    // A single voxel first in index order, then a bigger run; value 2 bridges them but is not 3.
    data[0] = 3;
    data[1] = 2;
    data[2] = 2;
    data[3] = 3;
    data[4] = 3;
    data[5] = 3;
    data[8] = 2;
    const { labels, sizes } = componentsOf(data, dims, 3);
    expect(sizes).toEqual([1, 3]);
    expect(Array.from(labels)).toEqual([1, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0]);
  });

  it('returns no components for an absent value', () => {
    const { labels, sizes } = componentsOf(new Uint8Array(8), [2, 2, 2], 1);
    expect(sizes).toEqual([]);
    expect(labels.every((l) => l === 0)).toBe(true);
  });

  it('matches a flood-fill reference on random volumes without modifying them', () => {
    let seed = 12345;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 20; trial++) {
      const dims: Dims = [3 + (trial % 7), 2 + (trial % 5), 1 + (trial % 4)];
      const data = new Uint8Array(dims[0] * dims[1] * dims[2]);
      for (let n = 0; n < data.length; n++) data[n] = random() < 0.3 ? 1 : random() < 0.2 ? 2 : 0;
      const copy = data.slice();
      const { labels, sizes } = componentsOf(data, dims, 1);
      const reference = referenceLabels(data, dims, 1);
      // Both number components in the order of their first voxel, so the labels match exactly.
      expect(Array.from(labels)).toEqual(Array.from(reference));
      const counts: number[] = [];
      for (const l of reference) if (l > 0) counts[l - 1] = (counts[l - 1] ?? 0) + 1;
      expect(sizes).toEqual(counts);
      expect(data).toEqual(copy);
    }
  });
});

describe('keepLargestComponent', () => {
  const dims: Dims = [10, 3, 3];
  // Three blobs of value 1 on row (j=1, k=1): 2 voxels, 4 voxels, 1 voxel, plus value 2 elsewhere.
  const blobs = grid(dims, [[0, 1, 1], [1, 1, 1], [3, 1, 1], [4, 1, 1], [5, 1, 1], [6, 1, 1], [8, 1, 1]]);
  blobs[voxelIndex(dims, 9, 0, 0)] = 2;

  it('lists every voxel of the value outside the largest component', () => {
    const drop = keepLargestComponent(blobs, dims, 1);
    expect(Array.from(drop)).toEqual([0, 1, 8].map((i) => voxelIndex(dims, i, 1, 1)));
  });

  it('keeps the first component in index order on a tie', () => {
    const tie = grid(dims, [[0, 0, 0], [1, 0, 0], [5, 2, 2], [6, 2, 2]]);
    expect(Array.from(keepLargestComponent(tie, dims, 1))).toEqual([voxelIndex(dims, 5, 2, 2), voxelIndex(dims, 6, 2, 2)]);
  });

  it('returns nothing for a single component or an absent value', () => {
    expect(keepLargestComponent(grid(dims, [[2, 2, 2], [3, 1, 1]]), dims, 1).length).toBe(0);
    expect(keepLargestComponent(blobs, dims, 7).length).toBe(0);
  });
});

describe('clean-up against the reference', () => {
  it('drops exactly the voxels outside the largest component and of small components', () => {
    let seed = 4242;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 20; trial++) {
      const dims: Dims = [6 + (trial % 5), 5 + (trial % 4), 3 + (trial % 3)];
      const data = new Uint8Array(dims[0] * dims[1] * dims[2]);
      // Sparse value voxels away from some faces, so the bounding box is offset inside the grid.
      for (let k = 1; k < dims[2]; k++) for (let j = 1; j < dims[1] - 1; j++) for (let i = 2; i < dims[0]; i++) if (random() < 0.25) data[voxelIndex(dims, i, j, k)] = 1;
      const reference = referenceLabels(data, dims, 1);
      const sizes: number[] = [];
      for (const l of reference) if (l > 0) sizes[l - 1] = (sizes[l - 1] ?? 0) + 1;
      const largest = sizes.indexOf(Math.max(...sizes)) + 1;
      const outside: number[] = [];
      const small: number[] = [];
      reference.forEach((l, index) => {
        if (l > 0 && l !== largest) outside.push(index);
        if (l > 0 && sizes[l - 1] < 3) small.push(index);
      });
      expect(Array.from(keepLargestComponent(data, dims, 1))).toEqual(outside);
      expect(Array.from(smallIslands(data, dims, 1, 3))).toEqual(small);
    }
  });
});

describe('smallIslands', () => {
  const dims: Dims = [10, 3, 3];
  const blobs = grid(dims, [[0, 1, 1], [1, 1, 1], [3, 1, 1], [4, 1, 1], [5, 1, 1], [6, 1, 1], [8, 1, 1]]);

  it('lists the voxels of components below the size threshold', () => {
    expect(Array.from(smallIslands(blobs, dims, 1, 3))).toEqual([0, 1, 8].map((i) => voxelIndex(dims, i, 1, 1)));
    expect(Array.from(smallIslands(blobs, dims, 1, 2))).toEqual([voxelIndex(dims, 8, 1, 1)]);
    expect(smallIslands(blobs, dims, 1, 1).length).toBe(0);
    expect(smallIslands(blobs, dims, 1, 100).length).toBe(7);
  });
});
