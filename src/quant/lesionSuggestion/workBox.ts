// The lesion suggestion's work box: the box around the lungs (about a third of a chest CT grid),
// binned in-plane to the working pixel, on which every later step runs.
import type { CtVolume } from '../ctVolume.ts';

/**
 * The box of the lungs on the working grid: in-plane pixels binned f×f (mean HU) where the CT's
 * pixels are finer than workPixelMm, the slices as they are.
 */
export interface WorkGrid {
  /** in-plane binning factor */
  f: number;
  /** first CT voxel of the box */
  i0: number;
  j0: number;
  k0: number;
  cx: number;
  cy: number;
  cz: number;
  spacing: [number, number, number];
  hu: Int16Array;
  /** 1 where at least half of a working pixel's CT pixels are lung */
  lung: Uint8Array;
}

export function workGrid(ct: CtVolume, lungs: Uint8Array, box: number[], workPixelMm: number): WorkGrid {
  const [nx, ny] = ct.dims;
  const [sx, sy, sz] = ct.spacing;
  const f = Math.max(1, Math.round(workPixelMm / Math.max(sx, sy)));
  // One working pixel of margin in-plane, so the median has its neighbours.
  const i0 = Math.max(0, box[0] - f);
  const j0 = Math.max(0, box[1] - f);
  const k0 = box[2];
  const iEnd = Math.min(nx, box[3] + f + 1);
  const jEnd = Math.min(ny, box[4] + f + 1);
  const cx = Math.ceil((iEnd - i0) / f);
  const cy = Math.ceil((jEnd - j0) / f);
  const cz = box[5] - k0 + 1;
  const plane = cx * cy;
  const hu = new Int16Array(plane * cz);
  const lung = new Uint8Array(plane * cz);
  const src = ct.hu;
  // Per working pixel, its f×f CT pixels clamped to the box: read once each, row by row.
  const colLo = new Int32Array(cx);
  const colHi = new Int32Array(cx);
  for (let a = 0; a < cx; a++) {
    colLo[a] = i0 + f * a;
    colHi[a] = Math.min(iEnd, colLo[a] + f);
  }
  for (let k = 0; k < cz; k++) {
    for (let b = 0; b < cy; b++) {
      const jLo = j0 + f * b;
      const jHi = Math.min(jEnd, jLo + f);
      const p0 = cx * (b + cy * k);
      for (let a = 0; a < cx; a++) {
        let sum = 0;
        let inLung = 0;
        let n = 0;
        for (let j = jLo; j < jHi; j++) {
          const row = nx * (j + ny * (k0 + k));
          for (let i = row + colLo[a], end = row + colHi[a]; i < end; i++) {
            sum += src[i];
            inLung += lungs[i] !== 0 ? 1 : 0;
            n++;
          }
        }
        hu[p0 + a] = Math.round(sum / n);
        lung[p0 + a] = 2 * inLung >= n ? 1 : 0;
      }
    }
  }
  return { f, i0, j0, k0, cx, cy, cz, spacing: [sx * f, sy * f, sz], hu, lung };
}

/** Inclusive voxel bounds [i0, j0, k0, i1, j1, k1] of the lung mask, or null when it is empty. */
export function lungBox(lungs: Uint8Array, nx: number, ny: number, nz: number): [number, number, number, number, number, number] | null {
  let i0 = nx;
  let j0 = ny;
  let k0 = nz;
  let i1 = -1;
  let j1 = -1;
  let k1 = -1;
  // Most of a chest CT is not lung: four voxels per read where the layout allows.
  const words = lungs.byteOffset % 4 === 0 && nx % 4 === 0 ? new Uint32Array(lungs.buffer, lungs.byteOffset, lungs.length >> 2) : null;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k);
      if (words !== null) {
        let any = false;
        for (let w = row >> 2, end = (row + nx) >> 2; w < end; w++) {
          if (words[w] !== 0) {
            any = true;
            break;
          }
        }
        if (!any) continue;
      }
      let first = -1;
      let last = -1;
      for (let i = 0; i < nx; i++) {
        if (lungs[row + i] !== 0) {
          first = i;
          break;
        }
      }
      if (first < 0) continue;
      for (let i = nx - 1; i >= first; i--) {
        if (lungs[row + i] !== 0) {
          last = i;
          break;
        }
      }
      if (first < i0) i0 = first;
      if (last > i1) i1 = last;
      if (j < j0) j0 = j;
      if (j > j1) j1 = j;
      if (k < k0) k0 = k;
      if (k > k1) k1 = k;
    }
  }
  return i1 < 0 ? null : [i0, j0, k0, i1, j1, k1];
}
