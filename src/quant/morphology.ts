// Binary 3D/2D operations for the lung masks, over Uint8Array masks on a grid (index
// i + nx*(j + ny*k)). Not src/contouring/connectedComponents.ts: that one is 26-connected with an
// Int32 label per voxel of the grid; the lung pipeline needs 6-connectivity (26 lets the lungs leak
// through diagonal voxels into the airways and bowel) and a 2-byte label, since it labels every
// air voxel of a 512×512×300 chest. No per-voxel allocation: one growable index stack.

export type Dims = readonly [number, number, number];
export type Connectivity = 6 | 26;

/** A growable stack of voxel indices, reused by every flood so a fill allocates nothing per voxel. */
export class IndexStack {
  data: Int32Array;
  size = 0;
  constructor(capacity = 1 << 16) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.size === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.size++] = v;
  }
  pop(): number {
    return this.data[--this.size];
  }
}

// Neighbour offsets with their (di, dj, dk), for the bounds checks.
function neighbours(conn: Connectivity): number[][] {
  const out: number[][] = [];
  for (let dk = -1; dk <= 1; dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        const d = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        if (d === 0 || (conn === 6 && d > 1)) continue;
        out.push([di, dj, dk]);
      }
  return out;
}

/**
 * Fills, from the seeds, the voxels where `inside[p] !== 0` and `out[p] !== value`, writing `value`
 * into `out` (which may be `inside` itself). Returns the number of voxels written.
 */
export function floodFill(inside: Uint8Array, dims: Dims, seeds: ArrayLike<number>, out: Uint8Array, value: number, conn: Connectivity = 6, stack = new IndexStack()): number {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const offs = neighbours(conn);
  let count = 0;
  for (let s = 0; s < seeds.length; s++) {
    const p = seeds[s];
    if (inside[p] === 0 || out[p] === value) continue;
    out[p] = value;
    count++;
    stack.push(p);
  }
  while (stack.size > 0) {
    const p = stack.pop();
    const k = (p / nxy) | 0;
    const r = p - k * nxy;
    const j = (r / nx) | 0;
    const i = r - j * nx;
    for (let o = 0; o < offs.length; o++) {
      const d = offs[o];
      const ii = i + d[0];
      const jj = j + d[1];
      const kk = k + d[2];
      if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) continue;
      const q = ii + nx * (jj + ny * kk);
      if (inside[q] === 0 || out[q] === value) continue;
      out[q] = value;
      count++;
      stack.push(q);
    }
  }
  return count;
}

export interface Components {
  /** 1-based component id per voxel, 0 outside the mask; ids past 65534 share id 65535 */
  labels: Uint16Array;
  /** sizes[id - 1] = voxel count */
  sizes: number[];
}

/** Connected components of the voxels where mask[p] !== 0, numbered in index order of their first voxel. */
export function labelComponents(mask: Uint8Array, dims: Dims, conn: Connectivity = 6): Components {
  return conn === 6 ? labelComponents6(mask, dims) : labelComponentsByFill(mask, dims, conn);
}

// Union-find over provisional labels, path halving: the classic two-pass labelling, a tight scan
// instead of a flood (several times faster on the millions of air voxels of a chest).
function findRoot(parent: Int32Array, a: number): number {
  while (parent[a] !== a) {
    parent[a] = parent[parent[a]];
    a = parent[a];
  }
  return a;
}

function union(parent: Int32Array, a: number, b: number): number {
  const ra = findRoot(parent, a);
  const rb = findRoot(parent, b);
  if (ra === rb) return ra;
  // The smaller label wins, so that ids come out in index order of each component's first voxel.
  if (ra < rb) {
    parent[rb] = ra;
    return ra;
  }
  parent[ra] = rb;
  return rb;
}

function labelComponents6(mask: Uint8Array, dims: Dims): Components {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const n = nxy * nz;
  const provisional = new Int32Array(n);
  let parent = new Int32Array(1 << 16);
  let next = 1;
  for (let k = 0, p = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, p++) {
        if (mask[p] === 0) continue;
        const a = i > 0 ? provisional[p - 1] : 0;
        const b = j > 0 ? provisional[p - nx] : 0;
        const c = k > 0 ? provisional[p - nxy] : 0;
        let l: number;
        if (a === 0 && b === 0 && c === 0) {
          if (next === parent.length) {
            const grown = new Int32Array(parent.length * 2);
            grown.set(parent);
            parent = grown;
          }
          l = next++;
          parent[l] = l;
        } else {
          l = a || b || c;
          if (a && a !== l) l = union(parent, l, a);
          if (b && b !== l) l = union(parent, l, b);
          if (c && c !== l) l = union(parent, l, c);
        }
        provisional[p] = l;
      }
  // Final ids: roots numbered in the order their first voxel appears. A provisional label's first
  // voxel comes before any later label's, so numbering roots in label order is index order.
  const id = new Int32Array(next);
  let count = 0;
  for (let l = 1; l < next; l++) {
    const r = findRoot(parent, l);
    if (r === l) id[l] = Math.min(++count, 65535);
    else id[l] = id[r];
  }
  const sizes: number[] = new Array(Math.min(count, 65535)).fill(0);
  const labels = new Uint16Array(n);
  for (let p = 0; p < n; p++) {
    const l = provisional[p];
    if (l === 0) continue;
    const v = id[l];
    labels[p] = v;
    sizes[v - 1]++;
  }
  return { labels, sizes };
}

/**
 * 4-connected components of one slice's pixels equal to `fg` (0 or 1) in img; out (nx*ny) gets
 * 1-based ids (0 elsewhere) numbered in index order. Returns the sizes (sizes[id - 1]) and the
 * union-find table, to pass back in for the next slice so that it is not allocated again.
 */
export function labelSlice4(img: Uint8Array, nx: number, ny: number, fg: number, out: Int32Array, parentIn?: Int32Array): { sizes: number[]; parent: Int32Array } {
  let parent = parentIn ?? new Int32Array(1 << 12);
  let next = 1;
  for (let j = 0, p = 0; j < ny; j++)
    for (let i = 0; i < nx; i++, p++) {
      if (img[p] !== fg) {
        out[p] = 0;
        continue;
      }
      const a = i > 0 ? out[p - 1] : 0;
      const b = j > 0 ? out[p - nx] : 0;
      let l: number;
      if (a === 0 && b === 0) {
        if (next === parent.length) {
          const grown = new Int32Array(parent.length * 2);
          grown.set(parent);
          parent = grown;
        }
        l = next++;
        parent[l] = l;
      } else if (a === 0 || b === 0 || a === b) l = a || b;
      else l = union(parent, a, b);
      out[p] = l;
    }
  // Roots are the smallest label of their component, so label order is index order (see labelComponents6).
  const id = new Int32Array(next);
  let count = 0;
  for (let l = 1; l < next; l++) {
    const r = findRoot(parent, l);
    id[l] = r === l ? ++count : id[r];
  }
  const sizes: number[] = new Array(count).fill(0);
  for (let p = 0; p < nx * ny; p++) {
    const l = out[p];
    if (l === 0) continue;
    const v = id[l];
    out[p] = v;
    sizes[v - 1]++;
  }
  return { sizes, parent };
}

function labelComponentsByFill(mask: Uint8Array, dims: Dims, conn: Connectivity): Components {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const n = nxy * nz;
  const labels = new Uint16Array(n);
  const sizes: number[] = [];
  const offs = neighbours(conn);
  const stack = new IndexStack();
  for (let start = 0; start < n; start++) {
    if (mask[start] === 0 || labels[start] !== 0) continue;
    const id = Math.min(sizes.length + 1, 65535);
    if (id > sizes.length) sizes.push(0);
    let count = 1;
    labels[start] = id;
    stack.push(start);
    while (stack.size > 0) {
      const p = stack.data[--stack.size];
      const k = (p / nxy) | 0;
      const r = p - k * nxy;
      const j = (r / nx) | 0;
      const i = r - j * nx;
      for (let o = 0; o < offs.length; o++) {
        const d = offs[o];
        const ii = i + d[0];
        const jj = j + d[1];
        const kk = k + d[2];
        if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) continue;
        const q = ii + nx * (jj + ny * kk);
        if (mask[q] === 0 || labels[q] !== 0) continue;
        labels[q] = id;
        count++;
        stack.push(q);
      }
    }
    sizes[id - 1] += count;
  }
  return { labels, sizes };
}

/**
 * Per slice (constant k), sets to 1 every pixel of `mask` not 4-connected to the slice border
 * through pixels equal to 0: the holes of each slice are filled, in place.
 */
export function fillHoles2D(mask: Uint8Array, dims: Dims): void {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const outside = new Uint8Array(nxy);
  const stack = new IndexStack();
  for (let k = 0; k < nz; k++) {
    const base = k * nxy;
    outside.fill(0);
    const seed = (p: number) => {
      if (mask[base + p] === 0 && outside[p] === 0) {
        outside[p] = 1;
        stack.push(p);
      }
    };
    for (let i = 0; i < nx; i++) {
      seed(i);
      seed(i + nx * (ny - 1));
    }
    for (let j = 0; j < ny; j++) {
      seed(nx * j);
      seed(nx * j + nx - 1);
    }
    while (stack.size > 0) {
      const p = stack.pop();
      const j = (p / nx) | 0;
      const i = p - j * nx;
      if (i > 0) seed(p - 1);
      if (i < nx - 1) seed(p + 1);
      if (j > 0) seed(p - nx);
      if (j < ny - 1) seed(p + nx);
    }
    for (let p = 0; p < nxy; p++) if (outside[p] === 0) mask[base + p] = 1;
  }
}

/**
 * One step of 6-connected erosion (a voxel stays when it and its 6 neighbours are set; the grid
 * edge counts as unset) of mask into out. Returns the number of voxels left.
 */
export function erode6(mask: Uint8Array, dims: Dims, out: Uint8Array): number {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  out.fill(0);
  let left = 0;
  for (let k = 1; k < nz - 1; k++)
    for (let j = 1; j < ny - 1; j++) {
      const row = nx * (j + ny * k);
      for (let i = 1; i < nx - 1; i++) {
        const p = row + i;
        if (mask[p] && mask[p - 1] && mask[p + 1] && mask[p - nx] && mask[p + nx] && mask[p - nxy] && mask[p + nxy]) {
          out[p] = 1;
          left++;
        }
      }
    }
  return left;
}

/** One step of 6-connected dilation of mask into out (out must not be mask). */
export function dilate6(mask: Uint8Array, dims: Dims, out: Uint8Array): void {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  out.set(mask);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k);
      for (let i = 0; i < nx; i++) {
        const p = row + i;
        if (!mask[p]) continue;
        if (i > 0) out[p - 1] = 1;
        if (i < nx - 1) out[p + 1] = 1;
        if (j > 0) out[p - nx] = 1;
        if (j < ny - 1) out[p + nx] = 1;
        if (k > 0) out[p - nxy] = 1;
        if (k < nz - 1) out[p + nxy] = 1;
      }
    }
}

/** Closing (dilate then erode, `steps` times each, 6-connected): closes gaps up to ~2·steps voxels. */
export function close6(mask: Uint8Array, dims: Dims, steps: number): Uint8Array {
  let a = new Uint8Array(mask);
  let b = new Uint8Array(mask.length);
  for (let s = 0; s < steps; s++) {
    dilate6(a, dims, b);
    [a, b] = [b, a];
  }
  for (let s = 0; s < steps; s++) {
    erode6(a, dims, b);
    [a, b] = [b, a];
  }
  return a;
}

/**
 * Assigns every voxel of `mask` to the seed label (1…255 in `labels`, 0 elsewhere) nearest along
 * 6-connected paths within the mask, growing all seeds at once (breadth-first: a voxel goes to the
 * seed that reaches it first). `labels` is updated in place; voxels of the mask no seed reaches stay 0.
 */
export function growSeeds(mask: Uint8Array, dims: Dims, labels: Uint8Array): void {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const n = nxy * nz;
  let front = new IndexStack();
  let next = new IndexStack();
  for (let p = 0; p < n; p++) if (labels[p] !== 0) front.push(p);
  while (front.size > 0) {
    for (let s = 0; s < front.size; s++) {
      const p = front.data[s];
      const v = labels[p];
      const k = (p / nxy) | 0;
      const r = p - k * nxy;
      const j = (r / nx) | 0;
      const i = r - j * nx;
      if (i > 0 && mask[p - 1] && !labels[p - 1]) { labels[p - 1] = v; next.push(p - 1); }
      if (i < nx - 1 && mask[p + 1] && !labels[p + 1]) { labels[p + 1] = v; next.push(p + 1); }
      if (j > 0 && mask[p - nx] && !labels[p - nx]) { labels[p - nx] = v; next.push(p - nx); }
      if (j < ny - 1 && mask[p + nx] && !labels[p + nx]) { labels[p + nx] = v; next.push(p + nx); }
      if (k > 0 && mask[p - nxy] && !labels[p - nxy]) { labels[p - nxy] = v; next.push(p - nxy); }
      if (k < nz - 1 && mask[p + nxy] && !labels[p + nxy]) { labels[p + nxy] = v; next.push(p + nxy); }
    }
    [front, next] = [next, front];
    next.size = 0;
  }
}
