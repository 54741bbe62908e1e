import { describe, expect, it } from 'vitest';
import { ellipseCells, polygonCells, rectangleCells } from './scissorsShapes.ts';

type P = readonly [number, number];

/** Offsets u + width * v of the cells listed as [u, v], ascending. */
const cells = (width: number, list: ReadonlyArray<P>): number[] => list.map(([u, v]) => u + width * v).sort((a, b) => a - b);

const block = (u0: number, u1: number, v0: number, v1: number): P[] => {
  const out: P[] = [];
  for (let v = v0; v <= v1; v++) for (let u = u0; u <= u1; u++) out.push([u, v]);
  return out;
};

/** Even-odd point in polygon by ray casting, for centres well away from the outline. */
function insideRef(points: ReadonlyArray<P>, x: number, y: number): boolean {
  let inside = false;
  for (let a = 0, b = points.length - 1; a < points.length; b = a++) {
    const [xa, ya] = points[a];
    const [xb, yb] = points[b];
    if (ya > y !== yb > y && x < xa + ((y - ya) * (xb - xa)) / (yb - ya)) inside = !inside;
  }
  return inside;
}

describe('polygonCells', () => {
  it('covers a square with its outline cells included', () => {
    const square: P[] = [[1, 1], [3, 1], [3, 3], [1, 3]];
    expect(Array.from(polygonCells(square, 8, 6))).toEqual(cells(8, block(1, 3, 1, 3)));
    // Same square, other winding and a different start vertex.
    expect(Array.from(polygonCells([[3, 3], [3, 1], [1, 1], [1, 3]], 8, 6))).toEqual(cells(8, block(1, 3, 1, 3)));
    const between: P[] = [[0.5, 0.5], [2.5, 0.5], [2.5, 2.5], [0.5, 2.5]];
    expect(Array.from(polygonCells(between, 8, 6))).toEqual(cells(8, block(1, 2, 1, 2)));
  });

  it('covers an L-shape', () => {
    const ell: P[] = [[-0.5, -0.5], [3.5, -0.5], [3.5, 1.5], [1.5, 1.5], [1.5, 3.5], [-0.5, 3.5]];
    expect(Array.from(polygonCells(ell, 6, 6))).toEqual(cells(6, [...block(0, 3, 0, 1), ...block(0, 1, 2, 3)]));
    // With corners on cell centres the inner corner row belongs to both arms.
    const onCentres: P[] = [[0, 0], [4, 0], [4, 2], [2, 2], [2, 4], [0, 4]];
    expect(Array.from(polygonCells(onCentres, 6, 6))).toEqual(cells(6, [...block(0, 4, 0, 2), ...block(0, 2, 3, 4)]));
  });

  it('leaves the centre of a pentagram out (even-odd)', () => {
    const star: P[] = [0, 2, 4, 1, 3].map((n) => {
      const a = -Math.PI / 2 + (n * 2 * Math.PI) / 5;
      return [20 + 15 * Math.cos(a), 20 + 15 * Math.sin(a)] as const;
    });
    const covered = new Set(polygonCells(star, 40, 40));
    expect(covered.has(20 + 40 * 20)).toBe(false);
    expect(covered.has(20 + 40 * 8)).toBe(true); // inside the top spike
  });

  it('clips to the slice', () => {
    const big: P[] = [[-5, -5], [10, -5], [10, 10], [-5, 10]];
    expect(Array.from(polygonCells(big, 4, 3))).toEqual(cells(4, block(0, 3, 0, 2)));
    expect(polygonCells([[10, 10], [12, 10], [12, 12]], 4, 3).length).toBe(0);
    expect(polygonCells([], 4, 3).length).toBe(0);
  });

  it('matches ray casting on random lassos', () => {
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 30; trial++) {
      const points: P[] = [];
      const n = 3 + Math.floor(random() * 12);
      // Off-grid coordinates (never a multiple of 1/1000 + 0.0005), so no centre sits on the outline.
      for (let e = 0; e < n; e++) points.push([Math.round(random() * 30000) / 1000 - 4.9995, Math.round(random() * 24000) / 1000 - 3.9995]);
      const expected: number[] = [];
      for (let v = 0; v < 20; v++) for (let u = 0; u < 24; u++) if (insideRef(points, u, v)) expected.push(u + 24 * v);
      expect(Array.from(polygonCells(points, 24, 20))).toEqual(expected);
    }
  });
});

describe('rectangleCells', () => {
  it('covers the rectangle inclusively whatever the corner order', () => {
    const expected = cells(10, block(2, 5, 1, 3));
    expect(Array.from(rectangleCells([2, 1], [5, 3], 10, 8))).toEqual(expected);
    expect(Array.from(rectangleCells([5, 3], [2, 1], 10, 8))).toEqual(expected);
    expect(Array.from(rectangleCells([5, 1], [2, 3], 10, 8))).toEqual(expected);
    expect(Array.from(rectangleCells([1.5, 0.6], [5.9, 3.4], 10, 8))).toEqual(expected);
  });

  it('clips to the slice and handles a single cell', () => {
    expect(Array.from(rectangleCells([-3, -3], [1, 20], 4, 3))).toEqual(cells(4, block(0, 1, 0, 2)));
    expect(Array.from(rectangleCells([2, 2], [2, 2], 4, 3))).toEqual([10]);
    expect(rectangleCells([2.2, 1], [2.8, 2], 4, 3).length).toBe(0);
  });
});

describe('ellipseCells', () => {
  it('covers an ellipse at anisotropic radii', () => {
    // ru = 3, rv = 1: the full row through the centre and just the centre column above and below.
    expect(Array.from(ellipseCells([5, 5], 3, 1, 12, 12))).toEqual(cells(12, [[5, 4], ...block(2, 8, 5, 5), [5, 6]]));
    // ru = 1, rv = 2.5: only the centre row is wide enough to reach the neighbouring columns.
    expect(Array.from(ellipseCells([5, 5], 1, 2.5, 12, 12))).toEqual(cells(12, [[5, 3], [5, 4], ...block(4, 6, 5, 5), [5, 6], [5, 7]]));
  });

  it('includes cells exactly on the outline', () => {
    const circle = new Set(ellipseCells([10, 10], 5, 5, 21, 21));
    for (const [u, v] of [[13, 14], [14, 13], [15, 10], [10, 5], [6, 7]] as const) expect(circle.has(u + 21 * v)).toBe(true);
    expect(circle.has(14 + 21 * 14)).toBe(false);
  });

  it('matches the defining inequality for off-grid centres and clips to the slice', () => {
    let seed = 3;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let trial = 0; trial < 30; trial++) {
      const [cu, cv, ru, rv] = [random() * 20 - 2, random() * 16 - 2, 0.3 + random() * 8, 0.3 + random() * 8];
      const expected: number[] = [];
      for (let v = 0; v < 14; v++) for (let u = 0; u < 18; u++) if (((u - cu) / ru) ** 2 + ((v - cv) / rv) ** 2 <= 1) expected.push(u + 18 * v);
      expect(Array.from(ellipseCells([cu, cv], ru, rv, 18, 14))).toEqual(expected);
    }
  });

  it('degenerates to a segment at a zero radius and to nothing at a negative one', () => {
    expect(Array.from(ellipseCells([3, 3], 0, 1, 8, 8))).toEqual([3 + 8 * 2, 3 + 8 * 3, 3 + 8 * 4]);
    expect(Array.from(ellipseCells([3, 3], 0, 0, 8, 8))).toEqual([3 + 8 * 3]);
    expect(ellipseCells([3, 3], -1, 2, 8, 8).length).toBe(0);
  });
});
