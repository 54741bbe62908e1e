// The first step of the lesion suggestion on the work box: each lung voxel's HU smoothed (a 3×3
// median) and put in a class (ground glass, dense, brighter than consolidation, airway air) that
// the later steps test.
import type { SuggestionOptions } from './options.ts';

// Voxel classes in the box, before the shape tests.
export const GGO = 1;
export const DENSE = 2;
export const BRIGHT = 3;
export const AIR = 4;

/** Smoothed HU (`smooth`) and class (`cls`) of every lung voxel of the box; the others are left 0. */
export function smoothAndClassify(hu: Int16Array, cx: number, cy: number, cz: number, lung: Uint8Array, o: SuggestionOptions, smooth: Int16Array, cls: Uint8Array): void {
  const [ggoLo, ggoHi] = o.ggoHu;
  const [denseLo, denseHi] = o.consolidationHu;
  const airHu = o.airwayLumenHu;
  for (let k = 0; k < cz; k++) {
    for (let j = 0; j < cy; j++) {
      const row = cx * (j + cy * k);
      // Neighbour rows clamped to the box (whose edge is a margin outside the lungs).
      const up = j > 0 ? -cx : 0;
      const down = j < cy - 1 ? cx : 0;
      for (let i = 0; i < cx; i++) {
        const q = row + i;
        if (lung[q] === 0) continue;
        let v: number;
        if (o.median3) {
          const l = i > 0 ? -1 : 0;
          const r = i < cx - 1 ? 1 : 0;
          v = median9(
            hu[q + up + l], hu[q + up], hu[q + up + r],
            hu[q + l], hu[q], hu[q + r],
            hu[q + down + l], hu[q + down], hu[q + down + r],
          );
        } else {
          v = hu[q];
        }
        smooth[q] = v;
        cls[q] = v <= airHu ? AIR : v >= ggoLo && v < ggoHi ? GGO : v >= denseLo && v <= denseHi ? DENSE : v > denseHi ? BRIGHT : 0;
      }
    }
  }
}

/**
 * Median of nine numbers: the 19 compare-exchanges of Paeth's network (Graphics Gems, 1990, as
 * in Devillard's opt_med9), where an exchange whose other output is never read again is a min or max.
 */
function median9(a: number, b: number, c: number, d: number, e: number, f: number, g: number, h: number, i: number): number {
  let t: number;
  if (b > c) { t = b; b = c; c = t; }
  if (e > f) { t = e; e = f; f = t; }
  if (h > i) { t = h; h = i; i = t; }
  if (a > b) { t = a; a = b; b = t; }
  if (d > e) { t = d; d = e; e = t; }
  if (g > h) { t = g; g = h; h = t; }
  if (b > c) { t = b; b = c; c = t; }
  if (e > f) { t = e; e = f; f = t; }
  if (h > i) { t = h; h = i; i = t; }
  if (a > d) d = a;
  if (f > i) f = i;
  if (e > h) { t = e; e = h; h = t; }
  if (d > g) g = d;
  if (b > e) e = b;
  if (c > f) c = f;
  if (e > h) e = h;
  if (e > c) { t = e; e = c; c = t; }
  if (g > e) e = g;
  return e < c ? e : c;
}
