// Lesion-level detection agreement of two masks on one grid, A taken as the reference.
//   lesion: a 3D 26-connected component of a mask;
//   a lesion matches when it overlaps (shares at least one voxel with) the other mask;
//   matched_a: lesions of A overlapping B; matched_b: lesions of B overlapping A;
//   missed: lesions of A with no overlap in B (lesions_a − matched_a);
//   extra: lesions of B with no overlap in A (lesions_b − matched_b);
//   lesion_f1 = (matched_a + matched_b) / (lesions_a + lesions_b); 1 when neither mask has a lesion.
// A lesion of A split in two by B matches once on A's side and twice on B's; two lesions of A
// merged into one by B match twice on A's side and once on B's: the pooled count treats both
// readers alike.
// The components are those of contouring's componentsOf (26-connected, numbered in index order of
// their first voxel; the tests check that they are the same partition), computed on runs rather
// than voxels: componentsOf returns an Int32 label per voxel of the grid, and for a 512×512×300 CT
// filling the pages of that 314 MB array cost ~300 ms per mask here, where joining the runs of
// neighbouring rows takes a few milliseconds.
import { forEachRunOverlap, type MaskRuns } from './maskRuns.ts';

export const LESION_DEFINITIONS = {
  lesions_a: 'Lesions of A: 3D 26-connected components of mask A.',
  lesions_b: 'Lesions of B: 3D 26-connected components of mask B.',
  matched_a: 'Lesions of A that overlap (share at least one voxel with) mask B.',
  matched_b: 'Lesions of B that overlap (share at least one voxel with) mask A.',
  missed: 'Lesions of A (the reference) with no voxel in B: lesions_a − matched_a.',
  extra: 'Lesions of B with no voxel in A (the reference): lesions_b − matched_b.',
  lesion_f1: 'Lesion-level F1: (matched_a + matched_b) / (lesions_a + lesions_b); 1 when neither mask has a lesion.',
} as const;

export interface LesionMatch {
  lesions_a: number;
  lesions_b: number;
  matched_a: number;
  matched_b: number;
  missed: number;
  extra: number;
  lesion_f1: number;
}

export interface RunComponents {
  count: number;
  /** 0-based component of each run; components numbered in index order of their first voxel */
  componentOfRun: Int32Array;
  /** inclusive bounding box of component c: lo[3c..3c+2], hi[3c..3c+2] (i, j, k) */
  lo: Int32Array;
  hi: Int32Array;
  /** voxel index of each component's first voxel (in index order), which is on its surface */
  firstVoxel: Int32Array;
  /** voxels of each component */
  sizes: Int32Array;
}

function find(parent: Int32Array, a: number): number {
  while (parent[a] !== a) {
    // Path halving keeps the trees flat without a second pass or recursion.
    parent[a] = parent[parent[a]];
    a = parent[a];
  }
  return a;
}

/** 26-connected components of a mask given by its runs. */
export function runComponents(mask: MaskRuns): RunComponents {
  const [nx, ny] = mask.dims;
  const { rowStart, runFirst, runLast, runs } = mask;
  const parent = new Int32Array(runs);
  for (let n = 0; n < runs; n++) parent[n] = n;
  const rows = rowStart.length - 1;
  // Two runs of one row are never adjacent (a gap separates them); a run touches a run of any of
  // the 8 neighbouring rows whose stretch, grown by one voxel each way, meets its own. The 4 of
  // those rows that come earlier in index order are joined here: (j-1, k), (j-1..j+1, k-1).
  const back = [-1, -ny - 1, -ny, -ny + 1];
  const backDj = [-1, -1, 0, 1];
  for (let r = 0; r < rows; r++) {
    const p0 = rowStart[r];
    const p1 = rowStart[r + 1];
    if (p0 === p1) continue;
    const j = r % ny;
    for (let t = 0; t < 4; t++) {
      const nj = j + backDj[t];
      const rr = r + back[t];
      if (nj < 0 || nj >= ny || rr < 0) continue;
      let p = p0;
      let q = rowStart[rr];
      const q1 = rowStart[rr + 1];
      while (p < p1 && q < q1) {
        if (runFirst[q] <= runLast[p] + 1 && runLast[q] >= runFirst[p] - 1) {
          const a = find(parent, p);
          const b = find(parent, q);
          // The smaller root survives, so a root is its set's first run in index order.
          if (a < b) parent[b] = a;
          else if (b < a) parent[a] = b;
        }
        if (runLast[p] < runLast[q]) p++;
        else q++;
      }
    }
  }
  const componentOfRun = new Int32Array(runs);
  const roots: number[] = [];
  for (let n = 0; n < runs; n++) {
    const root = find(parent, n);
    if (root === n) {
      componentOfRun[n] = roots.length;
      roots.push(n);
    } else {
      componentOfRun[n] = componentOfRun[root];
    }
  }
  const count = roots.length;
  const lo = new Int32Array(3 * count).fill(0x7fffffff);
  const hi = new Int32Array(3 * count).fill(-1);
  const firstVoxel = new Int32Array(count);
  const sizes = new Int32Array(count);
  for (let r = 0; r < rows; r++) {
    const j = r % ny;
    const k = (r - j) / ny;
    for (let n = rowStart[r]; n < rowStart[r + 1]; n++) {
      const c = componentOfRun[n];
      if (roots[c] === n) firstVoxel[c] = runFirst[n] + nx * r;
      sizes[c] += runLast[n] - runFirst[n] + 1;
      if (runFirst[n] < lo[3 * c]) lo[3 * c] = runFirst[n];
      if (runLast[n] > hi[3 * c]) hi[3 * c] = runLast[n];
      if (j < lo[3 * c + 1]) lo[3 * c + 1] = j;
      if (j > hi[3 * c + 1]) hi[3 * c + 1] = j;
      if (k < lo[3 * c + 2]) lo[3 * c + 2] = k;
      if (k > hi[3 * c + 2]) hi[3 * c + 2] = k;
    }
  }
  return { count, componentOfRun, lo, hi, firstVoxel, sizes };
}

/** Lesion detection agreement of two masks given by their runs and components; see the definitions. */
export function matchLesions(a: MaskRuns, b: MaskRuns, componentsA: RunComponents = runComponents(a), componentsB: RunComponents = runComponents(b)): LesionMatch {
  const hitA = new Uint8Array(componentsA.count);
  const hitB = new Uint8Array(componentsB.count);
  let matchedA = 0;
  let matchedB = 0;
  forEachRunOverlap(a, b, (runA, runB) => {
    const ca = componentsA.componentOfRun[runA];
    const cb = componentsB.componentOfRun[runB];
    if (hitA[ca] === 0) {
      hitA[ca] = 1;
      matchedA++;
    }
    if (hitB[cb] === 0) {
      hitB[cb] = 1;
      matchedB++;
    }
  });
  const total = componentsA.count + componentsB.count;
  return {
    lesions_a: componentsA.count,
    lesions_b: componentsB.count,
    matched_a: matchedA,
    matched_b: matchedB,
    missed: componentsA.count - matchedA,
    extra: componentsB.count - matchedB,
    lesion_f1: total === 0 ? 1 : (matchedA + matchedB) / total,
  };
}
