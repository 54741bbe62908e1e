import { describe, expect, it } from 'vitest';
import { close6, dilate6, erode6, fillHoles2D, floodFill, growSeeds, labelComponents, labelSlice4, type Dims } from './morphology.ts';

function grid(dims: Dims, set: (i: number, j: number, k: number) => boolean): Uint8Array {
  const [nx, ny, nz] = dims;
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out[i + nx * (j + ny * k)] = set(i, j, k) ? 1 : 0;
  return out;
}

const count = (a: ArrayLike<number>, v = 1) => Array.from(a).filter((x) => x === v).length;

describe('labelComponents', () => {
  it('separates diagonal neighbours with 6-connectivity and joins them with 26', () => {
    const dims: Dims = [4, 4, 2];
    const m = grid(dims, (i, j, k) => (i === 0 && j === 0 && k === 0) || (i === 1 && j === 1 && k === 1) || (i === 3 && j === 3 && k === 0));
    const six = labelComponents(m, dims, 6);
    expect(six.sizes).toEqual([1, 1, 1]);
    const all = labelComponents(m, dims, 26);
    expect(all.sizes).toEqual([2, 1]);
    expect(all.labels[0]).toBe(1);
    expect(all.labels[3 + 4 * 3]).toBe(2);
  });

  it('numbers components in index order of their first voxel, joining a U shape', () => {
    // A U in one slice: two arms that only meet at the bottom row; plus a lone voxel first in index order.
    const dims: Dims = [5, 4, 1];
    const rows = ['1.1.1', '..1.1', '..1.1', '..111'];
    const m = grid(dims, (i, j) => rows[j][i] === '1');
    const { labels, sizes } = labelComponents(m, dims, 6);
    // The arms start as two labels and are joined at the bottom row.
    expect(sizes).toEqual([1, 9]);
    expect(labels[2]).toBe(2);
    expect(labels[4]).toBe(2);
    expect(labels[3 + 5 * 3]).toBe(2);
  });

  it('counts a 10×10×10 cube as one component of 1000', () => {
    const dims: Dims = [12, 12, 12];
    const m = grid(dims, (i, j, k) => i >= 1 && i <= 10 && j >= 1 && j <= 10 && k >= 1 && k <= 10);
    expect(labelComponents(m, dims).sizes).toEqual([1000]);
  });
});

describe('labelSlice4', () => {
  it('labels the 4-connected regions of a slice, foreground 0 or 1', () => {
    const img = Uint8Array.from([1, 0, 1, 0, 1, 0, 1, 1, 1]);
    const out = new Int32Array(9);
    expect(labelSlice4(img, 3, 3, 1, out).sizes).toEqual([1, 1, 4]);
    expect(Array.from(out)).toEqual([1, 0, 2, 0, 3, 0, 3, 3, 3]);
    expect(labelSlice4(img, 3, 3, 0, out).sizes).toEqual([1, 1, 1]);
  });
});

describe('floodFill and growSeeds', () => {
  it('fills the connected voxels from a seed only', () => {
    const dims: Dims = [5, 1, 1];
    const inside = Uint8Array.from([1, 1, 0, 1, 1]);
    const out = new Uint8Array(5);
    expect(floodFill(inside, dims, [0], out, 7)).toBe(2);
    expect(Array.from(out)).toEqual([7, 7, 0, 0, 0]);
  });

  it('gives each voxel to the nearer seed along the mask', () => {
    const dims: Dims = [7, 1, 1];
    const mask = new Uint8Array(7).fill(1);
    const labels = Uint8Array.from([1, 0, 0, 0, 0, 0, 2]);
    growSeeds(mask, dims, labels);
    // The middle voxel is as near to both: the first seed in index order reaches it first.
    expect(Array.from(labels)).toEqual([1, 1, 1, 1, 2, 2, 2]);
  });
});

describe('fillHoles2D', () => {
  it('fills holes per slice but not a notch open to the border', () => {
    const dims: Dims = [5, 5, 2];
    const ring = ['11111', '10001', '10101', '10001', '11111'];
    const cup = ['10001', '10001', '10001', '10001', '11111'];
    const m = grid(dims, (i, j, k) => (k === 0 ? ring : cup)[j][i] === '1');
    fillHoles2D(m, dims);
    expect(count(m.subarray(0, 25))).toBe(25);
    expect(count(m.subarray(25, 50))).toBe(13);
  });
});

describe('erode6, dilate6, close6', () => {
  it('erodes a cube by one voxel on each face and dilates a voxel to a 7-voxel cross', () => {
    const dims: Dims = [7, 7, 7];
    const cube = grid(dims, (i, j, k) => i >= 1 && i <= 5 && j >= 1 && j <= 5 && k >= 1 && k <= 5);
    const out = new Uint8Array(cube.length);
    expect(erode6(cube, dims, out)).toBe(27);
    const dot = grid(dims, (i, j, k) => i === 3 && j === 3 && k === 3);
    dilate6(dot, dims, out);
    expect(count(out)).toBe(7);
  });

  it('closes a one-voxel gap in a bar', () => {
    const dims: Dims = [9, 5, 5];
    const bar = grid(dims, (i, j, k) => i >= 1 && i <= 7 && i !== 4 && j >= 1 && j <= 3 && k >= 1 && k <= 3);
    const closed = close6(bar, dims, 1);
    expect(closed[4 + 9 * (2 + 5 * 2)]).toBe(1);
    expect(labelComponents(closed, dims).sizes.length).toBe(1);
  });
});
