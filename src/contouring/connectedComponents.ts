import { forEachRowHolding, type Dims } from './labelmapGrid.ts';

interface Box {
  i0: number;
  i1: number;
  j0: number;
  j1: number;
  k0: number;
  k1: number;
  /**
   * Per grid row (j + ny * k): i of its first and last voxel of `value`; 0 and -1 (an empty
   * stretch) for a row without any.
   * The later passes read only these stretches instead of the whole box, which for round blobs in a
   * large box is a small fraction of it.
   */
  rowFirst: Int32Array;
  rowLast: Int32Array;
}

interface Components {
  /**
   * Provisional label per voxel (0 = not `value`); several provisional labels may share a component.
   * Either box-sized and box-local, so that the clean-up operations never allocate a volume-sized
   * array, or grid-sized, so that componentsOf can turn it into its result in place instead of
   * holding two volume-sized arrays.
   */
  provisional: Int32Array;
  /** Index in `provisional` of the voxel at (i, j, k) is i + strideJ * j + strideK * k + shift. */
  strideJ: number;
  strideK: number;
  shift: number;
  /** Component id (1-based, in the index order of each component's first voxel) of each provisional label. */
  componentOf: Int32Array;
  sizes: number[];
  /** Inclusive bounds of the voxels of `value`; null when there are none. */
  box: Box | null;
}

/**
 * 26-connected components of the voxels equal to `value`.
 * labels[index] is the 1-based component id of a voxel of `value` and 0 elsewhere; ids are numbered in
 * the index order of each component's first voxel. sizes[id - 1] is that component's voxel count.
 */
export function componentsOf(data: Uint8Array, dims: Dims, value: number): { labels: Int32Array; sizes: number[] } {
  const { provisional: labels, componentOf, sizes, box } = label(data, dims, value, 'grid');
  if (box === null) return { labels, sizes };
  const [nx, ny] = dims;
  for (let r = ny * box.k0 + box.j0; r <= ny * box.k1 + box.j1; r++) {
    const last = nx * r + box.rowLast[r];
    for (let index = nx * r + box.rowFirst[r]; index <= last; index++) labels[index] = componentOf[labels[index]];
  }
  return { labels, sizes };
}

/**
 * Indices of the voxels of `value` outside its largest 26-connected component, for the caller to clear.
 * On a tie the component whose first voxel comes first in index order is kept.
 */
export function keepLargestComponent(data: Uint8Array, dims: Dims, value: number): Uint32Array {
  const components = label(data, dims, value, 'box');
  const { sizes } = components;
  if (sizes.length === 0) return new Uint32Array(0);
  let keep = 1;
  let total = 0;
  for (let id = 1; id <= sizes.length; id++) {
    total += sizes[id - 1];
    // Strictly greater, so the earliest of equally large components wins.
    if (sizes[id - 1] > sizes[keep - 1]) keep = id;
  }
  const drop = new Uint8Array(sizes.length + 1);
  for (let id = 1; id <= sizes.length; id++) drop[id] = id === keep ? 0 : 1;
  return collect(components, dims, drop, total - sizes[keep - 1]);
}

/** Indices of the voxels of `value` in 26-connected components of fewer than `minVoxels` voxels. */
export function smallIslands(data: Uint8Array, dims: Dims, value: number, minVoxels: number): Uint32Array {
  const components = label(data, dims, value, 'box');
  const { sizes } = components;
  const drop = new Uint8Array(sizes.length + 1);
  let count = 0;
  for (let id = 1; id <= sizes.length; id++) {
    if (sizes[id - 1] < minVoxels) {
      drop[id] = 1;
      count += sizes[id - 1];
    }
  }
  return collect(components, dims, drop, count);
}

/** Indices (ascending) of the voxels whose component is flagged in `drop`; `count` is their known total. */
function collect({ provisional, strideJ, strideK, shift, componentOf, box }: Components, dims: Dims, drop: Uint8Array, count: number): Uint32Array {
  const out = new Uint32Array(count);
  if (count === 0 || box === null) return out;
  // Straight from provisional labels, one lookup per voxel, so no pass is spent writing final ids.
  const dropLabel = new Uint8Array(componentOf.length);
  for (let l = 1; l < componentOf.length; l++) dropLabel[l] = drop[componentOf[l]];
  const [nx, ny] = dims;
  const { rowFirst, rowLast } = box;
  let n = 0;
  for (let k = box.k0; k <= box.k1; k++) {
    for (let j = box.j0; j <= box.j1; j++) {
      const r = j + ny * k;
      const last = rowLast[r];
      const rowLocal = strideK * k + strideJ * j + shift;
      for (let i = rowFirst[r]; i <= last; i++) if (dropLabel[provisional[rowLocal + i]] !== 0) out[n++] = nx * r + i;
    }
  }
  return out;
}

/** Inclusive bounding box of the voxels equal to `value`, or null when there are none. */
function boundsOf(data: Uint8Array, dims: Dims, value: number): Box | null {
  const [nx, ny] = dims;
  let i0 = nx;
  let i1 = -1;
  let j0 = ny;
  let j1 = -1;
  let k0 = -1;
  let k1 = -1;
  const rowFirst = new Int32Array(ny * dims[2]);
  const rowLast = new Int32Array(ny * dims[2]).fill(-1);
  // Only the first and last hit of a row can move the i-bounds.
  forEachRowHolding(data, dims, value, (rowIndex, first, last, j, k) => {
    rowFirst[rowIndex] = first;
    rowLast[rowIndex] = last;
    if (first < i0) i0 = first;
    if (last > i1) i1 = last;
    if (j < j0) j0 = j;
    if (j > j1) j1 = j;
    if (k0 < 0) k0 = k;
    k1 = k;
  });
  return i1 < 0 ? null : { i0, i1, j0, j1, k0, k1, rowFirst, rowLast };
}

// The 13 neighbours of a 26-neighbourhood that a raster scan (i fastest, then j, then k) has already
// visited: all 9 of the previous plane, 3 of the previous row, and the previous voxel.
const BACK_DI = [-1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1];
const BACK_DJ = [-1, -1, -1, 0, 0, 0, 1, 1, 1, -1, -1, -1, 0];
const BACK_DK = [-1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0];

function find(parent: Int32Array, a: number): number {
  while (parent[a] !== a) {
    // Path halving keeps the trees flat without a second pass or recursion.
    parent[a] = parent[parent[a]];
    a = parent[a];
  }
  return a;
}

/**
 * Union-find labelling over the bounding box only (`layout` picks where provisional labels live,
 * see Components): each voxel takes a provisional label from (and
 * merges) its already-scanned neighbours. Afterwards the labels are resolved to component ids,
 * numbered by their root; a root is its set's smallest label, i.e. the label given at the component's
 * first voxel in index order, so ids follow the index order of first voxels.
 */
function label(data: Uint8Array, dims: Dims, value: number, layout: 'box' | 'grid'): Components {
  const [nx, ny, nz] = dims;
  if (data.length !== nx * ny * nz) throw new Error(`componentsOf: ${data.length} voxels for a ${nx}x${ny}x${nz} grid`);
  const box = boundsOf(data, dims, value);
  if (box === null) {
    return { provisional: new Int32Array(layout === 'grid' ? data.length : 0), strideJ: 0, strideK: 0, shift: 0, componentOf: new Int32Array(1), sizes: [], box };
  }
  const { i0, i1, j0, j1, k0, k1, rowFirst, rowLast } = box;
  const strideJ = layout === 'grid' ? nx : i1 - i0 + 1;
  const strideK = layout === 'grid' ? nx * ny : strideJ * (j1 - j0 + 1);
  const shift = layout === 'grid' ? 0 : -(i0 + strideJ * j0 + strideK * k0);
  const provisional = new Int32Array(layout === 'grid' ? data.length : strideK * (k1 - k0 + 1));
  const offsets = new Int32Array(13);
  for (let t = 0; t < 13; t++) offsets[t] = BACK_DI[t] + strideJ * BACK_DJ[t] + strideK * BACK_DK[t];

  // Index 0 is unused so that provisional labels can be stored directly (0 = none).
  let parent = new Int32Array(1024);
  let count = new Int32Array(1024);
  let next = 1;

  for (let k = k0; k <= k1; k++) {
    for (let j = j0; j <= j1; j++) {
      const r = j + ny * k;
      const row = nx * r;
      const rowEnd = rowLast[r];
      const rowLocal = strideK * k + strideJ * j + shift;
      // Neighbours outside the box are never `value`, so they are skipped, and a voxel on a face of
      // the box needs per-neighbour checks against wrapping into the opposite face; everywhere else
      // (almost every voxel) the plain offsets are safe.
      const rowInterior = k > k0 && j > j0 && j < j1;
      for (let i = rowFirst[r]; i <= rowEnd; i++) {
        if (data[row + i] !== value) continue;
        const local = rowLocal + i;
        // The voxel straight behind in the previous plane is 26-adjacent to all 12 other
        // back-neighbours, so when it is set they are already merged with it: one read settles the
        // inside of a solid blob.
        let current = k > k0 ? provisional[local - strideK] : 0;
        if (current === 0) {
          const interior = rowInterior && i > i0 && i < i1;
          for (let t = 0; t < 13; t++) {
            if (!interior) {
              const ni = i + BACK_DI[t];
              const nj = j + BACK_DJ[t];
              if (ni < i0 || ni > i1 || nj < j0 || nj > j1 || k + BACK_DK[t] < k0) continue;
            }
            const neighbour = provisional[local + offsets[t]];
            if (neighbour === 0) continue;
            if (current === 0) {
              current = neighbour;
            } else if (neighbour !== current) {
              const a = find(parent, current);
              const b = find(parent, neighbour);
              // The smaller root survives, so a root stays its set's smallest label.
              if (a < b) parent[b] = a;
              else if (b < a) parent[a] = b;
            }
          }
        }
        if (current === 0) {
          if (next === parent.length) {
            const grownParent = new Int32Array(parent.length * 2);
            grownParent.set(parent);
            parent = grownParent;
            const grownCount = new Int32Array(count.length * 2);
            grownCount.set(count);
            count = grownCount;
          }
          parent[next] = next;
          current = next++;
        }
        provisional[local] = current;
        count[current]++;
      }
    }
  }

  // A root is never larger than the labels of its set, so walking labels upwards meets every root
  // before the labels that point to it.
  const componentOf = new Int32Array(next);
  const sizes: number[] = [];
  for (let l = 1; l < next; l++) {
    const root = find(parent, l);
    if (root === l) {
      sizes.push(0);
      componentOf[l] = sizes.length;
    } else {
      componentOf[l] = componentOf[root];
    }
    sizes[componentOf[l] - 1] += count[l];
  }
  return { provisional, strideJ, strideK, shift, componentOf, sizes, box };
}
