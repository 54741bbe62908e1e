// Numbers behind the length and elliptical ROI tools on the MPR views, in patient space (mm),
// computed from the volume itself so they do not depend on how a view happens to be resampled.

export type Vec3 = readonly [number, number, number];

/** A CT volume as Cornerstone holds it: world = origin + i·sx·iDir + j·sy·jDir + k·sz·kDir. */
export interface CtVolume {
  /** HU, index i + j·nx + k·nx·ny. */
  scalars: ArrayLike<number>;
  dims: readonly [number, number, number];
  spacing: readonly [number, number, number];
  /** World position (mm) of the centre of voxel (0, 0, 0). */
  origin: Vec3;
  /** Row-major 3×3: the i, j and k directions, each a unit vector. */
  direction: ArrayLike<number>;
}

/** An ellipse in world space: centre and two semi-axis vectors (perpendicular, in the view plane). */
export interface EllipseRoi {
  center: Vec3;
  axisA: Vec3;
  axisB: Vec3;
}

export interface RoiStats {
  meanHu: number;
  /** Population standard deviation (divides by the voxel count), as Cornerstone's ROI tools report. */
  sdHu: number;
  minHu: number;
  maxHu: number;
  areaMm2: number;
  voxelCount: number;
}

export function lengthMm(a: Vec3, b: Vec3): number {
  return Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function cross(a: Vec3, b: Vec3): [number, number, number] {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Columns of M (world = origin + M·[i j k]) and the inverse of M, row-major. */
function indexToWorld(volume: CtVolume): { ci: Vec3; cj: Vec3; ck: Vec3; inverse: number[] } | null {
  const d = volume.direction;
  const [sx, sy, sz] = volume.spacing;
  const ci: Vec3 = [d[0] * sx, d[1] * sx, d[2] * sx];
  const cj: Vec3 = [d[3] * sy, d[4] * sy, d[5] * sy];
  const ck: Vec3 = [d[6] * sz, d[7] * sz, d[8] * sz];
  // Rows of M⁻¹ are (cj × ck, ck × ci, ci × cj) / det: no assumption that the directions are orthogonal.
  const r0 = cross(cj, ck);
  const r1 = cross(ck, ci);
  const r2 = cross(ci, cj);
  const det = dot(ci, r0);
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) return null;
  return { ci, cj, ck, inverse: [...r0, ...r1, ...r2].map((x) => x / det) };
}

const EMPTY = { meanHu: NaN, sdHu: NaN, minHu: NaN, maxHu: NaN, voxelCount: 0 };
// Voxel centres exactly on the ellipse or on the slab face land there in exact arithmetic (a circle
// of 4 voxels radius through lattice points); rounding must not decide whether they count.
const EPS = 1e-9;

/**
 * HU statistics of the voxels whose centre lies inside the ellipse and within half a voxel of its
 * plane. "Half a voxel" is measured along the plane normal in the voxel spacing along that normal
 * (|Mᵀn|, which is sz for an axial plane and sy for a coronal one), with the slab half-open,
 * (−½, +½], so an axis-aligned plane lying exactly between two slices takes one slice, not both.
 * Only the ellipse's bounding box in voxel space is visited.
 */
export function ellipseRoiStats(volume: CtVolume, roi: EllipseRoi): RoiStats {
  const { center: c, axisA: a, axisB: b } = roi;
  const normal = cross(a, b);
  const normalLength = Math.hypot(...normal);
  // π·|a×b| is π·|a|·|b| for perpendicular semi-axes, and stays the true area if they are not.
  const areaMm2 = Math.PI * normalLength;
  const geometry = indexToWorld(volume);
  if (!geometry || !(normalLength > 0)) return { ...EMPTY, areaMm2 };
  const { ci, cj, ck, inverse } = geometry;
  const [nx, ny] = volume.dims;

  // p − c = u·a + v·b + w·n̂. Solving the 2×2 Gram system gives u and v as dot products with gu, gv,
  // so they (and the distance to the plane) are linear in the voxel index: no per-voxel matrix work.
  const aa = dot(a, a), bb = dot(b, b), ab = dot(a, b);
  const gram = aa * bb - ab * ab;
  const gu = [0, 1, 2].map((n) => (bb * a[n] - ab * b[n]) / gram);
  const gv = [0, 1, 2].map((n) => (aa * b[n] - ab * a[n]) / gram);
  const nHat = normal.map((x) => x / normalLength);
  const thicknessMm = Math.hypot(dot(ci, nHat), dot(cj, nHat), dot(ck, nHat));
  const gh = nHat.map((x) => x / thicknessMm); // distance to the plane in voxels along the normal

  const oc = [0, 1, 2].map((n) => volume.origin[n] - c[n]);
  const u0 = dot(oc, gu), uI = dot(ci, gu), uJ = dot(cj, gu), uK = dot(ck, gu);
  const v0 = dot(oc, gv), vI = dot(ci, gv), vJ = dot(cj, gv), vK = dot(ck, gv);
  const h0 = dot(oc, gh), hI = dot(ci, gh), hJ = dot(cj, gh), hK = dot(ck, gh);

  // Bounding box: the ellipse c + cosθ·a + sinθ·b in index space spans ±√(A² + B²) per axis around
  // the centre (A = M⁻¹a, B = M⁻¹b); half a voxel more covers the slab around the plane.
  const lo = [0, 0, 0];
  const hi = [0, 0, 0];
  const cIdx = [0, 1, 2].map((r) => inverse[3 * r] * (c[0] - volume.origin[0]) + inverse[3 * r + 1] * (c[1] - volume.origin[1]) + inverse[3 * r + 2] * (c[2] - volume.origin[2]));
  for (let r = 0; r < 3; r++) {
    const row = [inverse[3 * r], inverse[3 * r + 1], inverse[3 * r + 2]];
    const extent = Math.hypot(dot(row, a), dot(row, b)) + 0.5;
    lo[r] = Math.max(0, Math.ceil(cIdx[r] - extent - EPS));
    hi[r] = Math.min(volume.dims[r] - 1, Math.floor(cIdx[r] + extent + EPS));
  }
  if (lo.some((x, r) => x > hi[r])) return { ...EMPTY, areaMm2 };

  const scalars = volume.scalars;
  const sliceSize = nx * ny;
  let count = 0, shift = 0, sum = 0, sumSq = 0, min = Infinity, max = -Infinity;
  for (let k = lo[2]; k <= hi[2]; k++) {
    for (let j = lo[1]; j <= hi[1]; j++) {
      let u = u0 + k * uK + j * uJ + lo[0] * uI;
      let v = v0 + k * vK + j * vJ + lo[0] * vI;
      let h = h0 + k * hK + j * hJ + lo[0] * hI;
      let index = lo[0] + j * nx + k * sliceSize;
      for (let i = lo[0]; i <= hi[0]; i++, u += uI, v += vI, h += hI, index++) {
        if (h <= -0.5 + EPS || h > 0.5 + EPS || u * u + v * v > 1 + EPS) continue;
        const hu = scalars[index];
        if (count === 0) shift = hu; // shifted sums keep the variance exact for HU-sized numbers
        const x = hu - shift;
        sum += x;
        sumSq += x * x;
        if (hu < min) min = hu;
        if (hu > max) max = hu;
        count++;
      }
    }
  }
  if (count === 0) return { ...EMPTY, areaMm2 };
  const mean = sum / count;
  return {
    meanHu: shift + mean,
    sdHu: Math.sqrt(Math.max(0, sumSq / count - mean * mean)),
    minHu: min,
    maxHu: max,
    areaMm2,
    voxelCount: count,
  };
}
