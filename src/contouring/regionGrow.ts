import type { Axis, Dims } from './labelmapGrid.ts';
import { voxelIndex } from './labelmapGrid.ts';

export interface GrowOptions {
  /** Inclusive value range a voxel must fall in to be entered. */
  lo: number;
  hi: number;
  /** The fill stops once it holds this many voxels. */
  maxVoxels: number;
  /** '3d': 6-connected through the volume; '2d': 4-connected within the slice across `axis` through the seed. */
  mode: '2d' | '3d';
  axis: Axis;
  /** Extra gate (e.g. "not locked by another label"); asked only for in-range voxels not yet in the fill. */
  canEnter?: (index: number) => boolean;
}

// One visited flag per voxel, kept between calls: allocating (and zeroing) 78 MB for every click
// would cost more than the fill itself. Every call leaves it all zero again, so only the flags a call
// set are cleared, never the whole array.
let visited = new Uint8Array(0);

// The fill starts with a modest buffer and doubles it, so a small fill never pays for `maxVoxels`.
const INITIAL_CAPACITY = 1 << 16;

/**
 * Breadth-first flood fill from `seed` (i, j, k) over voxels with lo <= value <= hi.
 * The returned indices are in visiting order (nearest to the seed first), so a truncated fill is a
 * compact blob around the seed, holding exactly `maxVoxels` voxels; `truncated` says that more were
 * reachable. An out-of-range or unenterable seed gives an empty fill.
 */
export function regionGrow(
  hu: Int16Array,
  dims: Dims,
  seed: readonly [number, number, number],
  opts: GrowOptions,
): { indices: Uint32Array; truncated: boolean } {
  const [nx, ny, nz] = dims;
  const total = nx * ny * nz;
  if (hu.length !== total) throw new Error(`regionGrow: ${hu.length} values for a ${nx}x${ny}x${nz} grid`);
  const empty = { indices: new Uint32Array(0), truncated: false };
  const [si, sj, sk] = seed;
  if (!Number.isInteger(si) || !Number.isInteger(sj) || !Number.isInteger(sk)) return empty;
  if (si < 0 || sj < 0 || sk < 0 || si >= nx || sj >= ny || sk >= nz) return empty;

  const { lo, hi, canEnter } = opts;
  const seedIndex = voxelIndex(dims, si, sj, sk);
  const seedValue = hu[seedIndex];
  if (seedValue < lo || seedValue > hi || (canEnter !== undefined && !canEnter(seedIndex))) return empty;
  const maxVoxels = Math.min(Math.floor(opts.maxVoxels), total);
  if (!(maxVoxels > 0)) return { indices: new Uint32Array(0), truncated: true };

  if (visited.length !== total) visited = new Uint8Array(total);
  const seen = visited;

  // In 2D the step across `axis` is simply never taken, which keeps the fill on the seed's slice.
  const stepI = opts.mode === '3d' || opts.axis !== 0;
  const stepJ = opts.mode === '3d' || opts.axis !== 1;
  const stepK = opts.mode === '3d' || opts.axis !== 2;
  const plane = nx * ny;

  // Every voxel that is queued belongs to the result, and nothing is queued past `maxVoxels`, so the
  // result buffer itself is the BFS queue: `head` walks it while `count` appends. A separate ring
  // queue would only duplicate the frontier that the result already holds.
  let queue = new Uint32Array(Math.min(maxVoxels, INITIAL_CAPACITY));
  let count = 0;
  let head = 0;
  let truncated = false;
  const neighbours = new Int32Array(6);
  queue[count++] = seedIndex;
  seen[seedIndex] = 1;

  try {
    search: while (head < count) {
      const index = queue[head++];
      const k = Math.floor(index / plane);
      const r = index - k * plane;
      const j = Math.floor(r / nx);
      const i = r - j * nx;
      let n = 0;
      if (stepI) {
        if (i > 0) neighbours[n++] = index - 1;
        if (i < nx - 1) neighbours[n++] = index + 1;
      }
      if (stepJ) {
        if (j > 0) neighbours[n++] = index - nx;
        if (j < ny - 1) neighbours[n++] = index + nx;
      }
      if (stepK) {
        if (k > 0) neighbours[n++] = index - plane;
        if (k < nz - 1) neighbours[n++] = index + plane;
      }
      for (let t = 0; t < n; t++) {
        const q = neighbours[t];
        if (seen[q] !== 0) continue;
        const v = hu[q];
        if (v < lo || v > hi) continue;
        if (canEnter !== undefined && !canEnter(q)) continue;
        // A further enterable voxel exists only now that the fill is full: that is what truncation
        // means, and stopping here keeps exactly `maxVoxels` in breadth-first order.
        if (count === maxVoxels) {
          truncated = true;
          break search;
        }
        if (count === queue.length) {
          const grown = new Uint32Array(Math.min(maxVoxels, queue.length * 2));
          grown.set(queue);
          queue = grown;
        }
        seen[q] = 1;
        queue[count++] = q;
      }
    }
  } finally {
    // Also on a throwing `canEnter`, so the shared flags never leak into the next call.
    for (let t = 0; t < count; t++) seen[queue[t]] = 0;
  }

  return { indices: count === queue.length ? queue : queue.slice(0, count), truncated };
}
