// The hole rule's guard of the lung masks' outline fill (outlineFill.ts): a gap between lung pixels
// is a vessel or a nodule inside the lung only when it is enclosed; where it opens to the
// mediastinum it is the hilum, left out to HILUM_MM deep. A flood fill per gap, on one slice.
import { IndexStack } from '../morphology.ts';

/**
 * How deep (path length, mm) into a gap open to the mediastinum the hilum is left out of the lung:
 * the hilar vessels and main bronchi run 1–2 cm from the mediastinum before they divide inside the
 * lung. 10 mm.
 */
export const HILUM_MM = 10;
/** Marks, in fillToOutline's `add`, a pixel added as a hole between lung pixels (see keepEnclosedHoles). */
export const HOLE = 2;

/**
 * The hole rule of fillToOutline fills gaps between lung pixels on a row and a column: a vessel or
 * a nodule inside the lung, but also the part of a hilar vessel or bronchus that lies between two
 * lobes' lung where it enters from the mediastinum, which left straight-edged pieces of the hilum
 * and one-pixel slits in the mask. A gap is kept only when it is enclosed: the non-lung pixels
 * connected to it (4-connected, on the slice) stay within the lung's convex hull. Anything joined to
 * the mediastinum reaches beyond the hull, since the mediastinum lies between the two lungs; of
 * such a gap only the part farther than HILUM_MM from the mediastinum is kept.
 * Pixels that the other rules add (the chest-wall side) count as lung here.
 */
export function keepEnclosedHoles(
  labels: Uint8Array,
  base: number,
  value: number,
  add: Uint8Array,
  hullLo: Int32Array,
  hullHi: Int32Array,
  jLo: number,
  jHi: number,
  nx: number,
  hilumSteps: number,
  flood: FloodBuffers,
): void {
  const { seen, stack, region, queue, dist } = flood;
  region.size = 0;
  const start = nx * jLo;
  const end = nx * (jHi + 1);
  for (let q0 = start; q0 < end; q0++) {
    if (add[q0] !== HOLE || seen[q0]) continue;
    const first = region.size;
    let open = false;
    seen[q0] = 1;
    stack.push(q0);
    while (stack.size > 0) {
      const q = stack.pop();
      region.push(q);
      const j = (q / nx) | 0;
      const i = q - j * nx;
      if (j <= jLo || j >= jHi || i <= hullLo[j] || i >= hullHi[j]) {
        open = true;
        continue;
      }
      for (let o = 0; o < 4; o++) {
        const r = o === 0 ? q - 1 : o === 1 ? q + 1 : o === 2 ? q - nx : q + nx;
        if (seen[r] || labels[base + r] === value || add[r] === 1) continue;
        seen[r] = 1;
        stack.push(r);
      }
    }
    if (!open) continue;
    // Open to the mediastinum: the gap's pixels within HILUM_MM (path length through the gap) of
    // tissue that is no gap (the mediastinum, the hilum's root) are left out; deeper in, a lobar
    // vessel or bronchus is inside the lung.
    let front = first;
    for (let t = first; t < region.size; t++) {
      const q = region.data[t];
      if (add[q] !== HOLE) {
        dist[q] = 0;
        queue.push(q);
      }
    }
    for (; front < queue.size; front++) {
      const q = queue.data[front];
      const d = dist[q] + 1;
      if (d > hilumSteps) continue;
      for (let o = 0; o < 4; o++) {
        const r = o === 0 ? q - 1 : o === 1 ? q + 1 : o === 2 ? q - nx : q + nx;
        if (!seen[r] || dist[r] >= 0) continue;
        dist[r] = d;
        queue.push(r);
      }
    }
    for (let t = 0; t < queue.size; t++) {
      const q = queue.data[t];
      if (add[q] === HOLE) add[q] = 0;
      dist[q] = -1;
    }
    queue.size = 0;
  }
  for (let t = 0; t < region.size; t++) seen[region.data[t]] = 0;
  region.size = 0;
}

/** Scratch of keepEnclosedHoles for a slice of `nxy` pixels, reused across slices (seen is left 0, dist -1). */
export interface FloodBuffers {
  seen: Uint8Array;
  stack: IndexStack;
  region: IndexStack;
  queue: IndexStack;
  dist: Int32Array;
}

export function floodBuffers(nxy: number): FloodBuffers {
  return { seen: new Uint8Array(nxy), stack: new IndexStack(), region: new IndexStack(), queue: new IndexStack(), dist: new Int32Array(nxy).fill(-1) };
}
