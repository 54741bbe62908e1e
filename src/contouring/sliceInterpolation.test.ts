import { describe, expect, it } from 'vitest';
import { interpolateBetweenSlices } from './sliceInterpolation.ts';
import { sliceAddress, sliceSpacing, voxelIJK, type Axis, type Dims, type Spacing } from './labelmapGrid.ts';

function paintDisc(data: Uint8Array, dims: Dims, axis: Axis, position: number, cu: number, cv: number, radius: number, value = 1): void {
  const s = sliceAddress(dims, axis, position);
  for (let v = 0; v < s.height; v++) {
    for (let u = 0; u < s.width; u++) if ((u - cu) ** 2 + (v - cv) ** 2 <= radius * radius) data[s.index(u, v)] = value;
  }
}

/** In-plane cells of `indices` on slice `position`, as sorted "u,v" keys. */
function cellsOn(indices: Uint32Array, dims: Dims, axis: Axis, position: number): string[] {
  const keys: string[] = [];
  for (const index of indices) {
    const ijk = voxelIJK(dims, index);
    if (ijk[axis] !== position) continue;
    const [u, v] = axis === 2 ? [ijk[0], ijk[1]] : axis === 1 ? [ijk[0], ijk[2]] : [ijk[1], ijk[2]];
    keys.push(`${u},${v}`);
  }
  return keys.sort();
}

function sliceCells(data: Uint8Array, dims: Dims, axis: Axis, position: number, value: number): string[] {
  const s = sliceAddress(dims, axis, position);
  const keys: string[] = [];
  for (let v = 0; v < s.height; v++) for (let u = 0; u < s.width; u++) if (data[s.index(u, v)] === value) keys.push(`${u},${v}`);
  return keys.sort();
}

/** Brute-force reference: signed distances over the whole slice, then the same blend (and tie rule). */
function reference(data: Uint8Array, dims: Dims, spacing: Spacing, value: number, axis: Axis): number[] {
  const [su, sv] = sliceSpacing(spacing, axis);
  const painted: number[] = [];
  for (let p = 0; p < dims[axis]; p++) if (sliceCells(data, dims, axis, p, value).length > 0) painted.push(p);
  const out: number[] = [];
  const sdt = (p: number): Float64Array => {
    const s = sliceAddress(dims, axis, p);
    const d = new Float64Array(s.width * s.height);
    for (let v = 0; v < s.height; v++) {
      for (let u = 0; u < s.width; u++) {
        const inside = data[s.index(u, v)] === value;
        let best = Infinity;
        for (let y = 0; y < s.height; y++) {
          for (let x = 0; x < s.width; x++) {
            if ((data[s.index(x, y)] === value) === inside) continue;
            best = Math.min(best, ((x - u) * su) ** 2 + ((y - v) * sv) ** 2);
          }
        }
        d[u + s.width * v] = inside ? -Math.sqrt(best) : Math.sqrt(best);
      }
    }
    return d;
  };
  for (let n = 0; n + 1 < painted.length; n++) {
    const [p0, p1] = [painted[n], painted[n + 1]];
    if (p1 - p0 < 2) continue;
    const [d0, d1] = [sdt(p0), sdt(p1)];
    for (let p = p0 + 1; p < p1; p++) {
      const t = (p - p0) / (p1 - p0);
      const s = sliceAddress(dims, axis, p);
      for (let v = 0; v < s.height; v++) {
        for (let u = 0; u < s.width; u++) {
          const c = u + s.width * v;
          if ((1 - t) * d0[c] + t * d1[c] <= 1e-6 && data[s.index(u, v)] === 0) out.push(s.index(u, v));
        }
      }
    }
  }
  return out.sort((a, b) => a - b);
}

describe('interpolateBetweenSlices', () => {
  it('fills the slices between two equal discs with the same disc', () => {
    const dims: Dims = [32, 32, 5];
    const data = new Uint8Array(32 * 32 * 5);
    paintDisc(data, dims, 2, 0, 15, 16, 6);
    paintDisc(data, dims, 2, 4, 15, 16, 6);
    const { indices, filledSlices } = interpolateBetweenSlices(data, dims, [0.7, 0.7, 2.5], 1, 2);
    expect(filledSlices).toEqual([1, 2, 3]);
    const disc = sliceCells(data, dims, 2, 0, 1);
    for (const p of [1, 2, 3]) expect(cellsOn(indices, dims, 2, p)).toEqual(disc);
    expect(indices.length).toBe(3 * disc.length);
  });

  it('grows monotonically from a small disc to a large one', () => {
    const dims: Dims = [40, 40, 5];
    const data = new Uint8Array(40 * 40 * 5);
    paintDisc(data, dims, 2, 0, 20, 20, 3);
    paintDisc(data, dims, 2, 4, 20, 20, 13);
    const { indices, filledSlices } = interpolateBetweenSlices(data, dims, [1, 1, 1], 1, 2);
    expect(filledSlices).toEqual([1, 2, 3]);
    const counts = [0, 1, 2, 3, 4].map((p) => (p === 0 || p === 4 ? sliceCells(data, dims, 2, p, 1) : cellsOn(indices, dims, 2, p)).length);
    for (let p = 0; p < 4; p++) expect(counts[p + 1]).toBeGreaterThan(counts[p]);
    // Concentric discs: each intermediate one contains the previous (shape, not just size, is monotonic).
    for (const p of [1, 2]) {
      const next = new Set(cellsOn(indices, dims, 2, p + 1));
      expect(cellsOn(indices, dims, 2, p).every((c) => next.has(c))).toBe(true);
    }
    // Halfway between radius 3 and 13 the disc has a radius near 8.
    expect(counts[2]).toBeGreaterThan(Math.PI * 7.5 ** 2);
    expect(counts[2]).toBeLessThan(Math.PI * 8.5 ** 2);
  });

  it('never overwrites other labels and never touches key slices or slices outside the painted range', () => {
    const dims: Dims = [20, 20, 10];
    const data = new Uint8Array(20 * 20 * 10);
    paintDisc(data, dims, 2, 3, 10, 10, 5);
    paintDisc(data, dims, 2, 6, 10, 10, 5);
    paintDisc(data, dims, 2, 4, 10, 10, 2, 2);
    paintDisc(data, dims, 2, 0, 10, 10, 5, 3);
    paintDisc(data, dims, 2, 9, 10, 10, 5, 3);
    const copy = data.slice();
    const { indices, filledSlices } = interpolateBetweenSlices(data, dims, [1, 1, 1], 1, 2);
    expect(filledSlices).toEqual([4, 5]);
    expect(Array.from(indices).every((index) => data[index] === 0)).toBe(true);
    expect(Array.from(indices).every((index) => [4, 5].includes(voxelIJK(dims, index)[2]))).toBe(true);
    expect(cellsOn(indices, dims, 2, 4).length + sliceCells(data, dims, 2, 4, 2).length).toBe(sliceCells(data, dims, 2, 3, 1).length);
    expect(data).toEqual(copy);
  });

  it('interpolates each gap between several key slices, skipping adjacent ones', () => {
    const dims: Dims = [16, 16, 9];
    const data = new Uint8Array(16 * 16 * 9);
    for (const p of [1, 2, 5, 8]) paintDisc(data, dims, 2, p, 8, 8, 4);
    expect(interpolateBetweenSlices(data, dims, [1, 1, 1], 1, 2).filledSlices).toEqual([3, 4, 6, 7]);
  });

  it('returns nothing with fewer than two painted slices', () => {
    const dims: Dims = [8, 8, 4];
    const data = new Uint8Array(8 * 8 * 4);
    expect(interpolateBetweenSlices(data, dims, [1, 1, 1], 1, 2)).toEqual({ indices: new Uint32Array(0), filledSlices: [] });
    paintDisc(data, dims, 2, 1, 4, 4, 2);
    expect(interpolateBetweenSlices(data, dims, [1, 1, 1], 1, 2).indices.length).toBe(0);
  });

  it('works across the sagittal and coronal axes', () => {
    const dims: Dims = [7, 24, 20];
    for (const axis of [0, 1] as const) {
      const d: Dims = axis === 0 ? dims : [24, 7, 20];
      const data = new Uint8Array(d[0] * d[1] * d[2]);
      paintDisc(data, d, axis, 1, 11, 9, 5);
      paintDisc(data, d, axis, 5, 11, 9, 5);
      const { indices, filledSlices } = interpolateBetweenSlices(data, d, [0.8, 0.8, 3], 1, axis);
      expect(filledSlices).toEqual([2, 3, 4]);
      for (const p of [2, 3, 4]) expect(cellsOn(indices, d, axis, p)).toEqual(sliceCells(data, d, axis, 1, 1));
    }
  });

  it('matches a brute-force signed distance reference on random shapes at anisotropic spacing', () => {
    let seed = 99;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 12; trial++) {
      const axis = (trial % 3) as Axis;
      const dims: Dims = [9 + (trial % 4), 8 + (trial % 3), 7 + (trial % 2)];
      const spacing: Spacing = [0.6 + random(), 0.6 + random(), 0.6 + random()];
      const data = new Uint8Array(dims[0] * dims[1] * dims[2]);
      const { width, height } = sliceAddress(dims, axis, 0);
      const last = dims[axis] - 1;
      for (const p of [0, 3, last]) {
        const s = sliceAddress(dims, axis, p);
        // A few random blobs per key slice, some touching the slice's edges.
        for (let b = 0; b < 3; b++) paintDisc(data, dims, axis, p, random() * width, random() * height, 1 + random() * 3);
        if (p === 3) data[s.index(0, 0)] = 2;
      }
      // A foreign label in a gap must be left alone.
      data[sliceAddress(dims, axis, 1).index(Math.floor(width / 2), Math.floor(height / 2))] = 2;
      const { indices } = interpolateBetweenSlices(data, dims, spacing, 1, axis);
      expect(Array.from(indices).sort((a, b) => a - b)).toEqual(reference(data, dims, spacing, 1, axis));
    }
  });
});
