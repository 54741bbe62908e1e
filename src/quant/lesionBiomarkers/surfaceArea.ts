// Surface area and sphericity of a lesion (lesionBiomarkers.ts, surface_area_mm2 and sphericity):
// each voxel face between the lesion and the outside counts with the cosine between its axis and
// the surface normal there, which removes the staircase excess of a plain face count (×1.5 on a
// sphere) in any orientation. The normal is the Sobel gradient of the mask at the two voxels beside
// the face; which faces are on the outside the caller says, from its runs.

/** Sobel weights of the 27 neighbours: derivative along one axis, [1, 2, 1] smoothing along the other two. */
const SOBEL_DI = new Float64Array(27);
const SOBEL_DJ = new Float64Array(27);
const SOBEL_DK = new Float64Array(27);
{
  const w = [1, 2, 1];
  for (let c = -1, t = 0; c <= 1; c++) {
    for (let b = -1; b <= 1; b++) {
      for (let a = -1; a <= 1; a++, t++) {
        SOBEL_DI[t] = a * w[b + 1] * w[c + 1];
        SOBEL_DJ[t] = b * w[a + 1] * w[c + 1];
        SOBEL_DK[t] = c * w[a + 1] * w[b + 1];
      }
    }
  }
}

/**
 * Adds the Sobel gradient (index units) of the mask at (i, j, k) to g; voxels off the grid are
 * outside. The lesion's own mask is used, so a neighbouring lesion within two voxels tilts the
 * normal a little; their faces are not shared, so no area is counted twice.
 */
function addGradient(mask: Uint8Array, nx: number, ny: number, nz: number, i: number, j: number, k: number, g: Float64Array, offsets: Int32Array): void {
  const base = i + nx * (j + ny * k);
  let gi = 0;
  let gj = 0;
  let gk = 0;
  if (i > 0 && j > 0 && k > 0 && i < nx - 1 && j < ny - 1 && k < nz - 1) {
    for (let t = 0; t < 27; t++) {
      if (mask[base + offsets[t]] === 0) continue;
      gi += SOBEL_DI[t];
      gj += SOBEL_DJ[t];
      gk += SOBEL_DK[t];
    }
  } else {
    for (let c = -1, t = 0; c <= 1; c++) {
      for (let b = -1; b <= 1; b++) {
        for (let a = -1; a <= 1; a++, t++) {
          const ii = i + a;
          const jj = j + b;
          const kk = k + c;
          if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) continue;
          if (mask[base + offsets[t]] === 0) continue;
          gi += SOBEL_DI[t];
          gj += SOBEL_DJ[t];
          gk += SOBEL_DK[t];
        }
      }
    }
  }
  g[0] += gi;
  g[1] += gj;
  g[2] += gk;
}

/** Adds up the area (mm²) of a lesion's outside faces, voxel by voxel, on the grid of `mask`. */
export class SurfaceArea {
  private readonly mask: Uint8Array;
  private readonly nx: number;
  private readonly ny: number;
  private readonly nz: number;
  private readonly spacing: readonly [number, number, number];
  private readonly faceArea: number[];
  private readonly g = new Float64Array(3);
  private readonly offsets = new Int32Array(27);

  constructor(mask: Uint8Array, dims: readonly [number, number, number], spacing: readonly [number, number, number]) {
    const [nx, ny, nz] = dims;
    const [sx, sy, sz] = spacing;
    this.mask = mask;
    this.nx = nx;
    this.ny = ny;
    this.nz = nz;
    this.spacing = spacing;
    this.faceArea = [sy * sz, sx * sz, sx * sy];
    const plane = nx * ny;
    for (let c = -1, t = 0; c <= 1; c++) for (let b = -1; b <= 1; b++) for (let a = -1; a <= 1; a++, t++) this.offsets[t] = a + nx * b + plane * c;
  }

  /**
   * `area` plus the area of the faces of voxel (i, j, k) that bit d of `outside` marks as on the
   * outside (axis d >> 1, towards -1 for even d, +1 for odd d), in mm². The sum runs face by face,
   * so a lesion's area does not depend on how its voxels are grouped.
   */
  addFaces(area: number, i: number, j: number, k: number, outside: number): number {
    const { mask, nx, ny, nz, g, offsets, faceArea } = this;
    const [sx, sy, sz] = this.spacing;
    g.fill(0);
    addGradient(mask, nx, ny, nz, i, j, k, g, offsets);
    const gi = g[0];
    const gj = g[1];
    const gk = g[2];
    for (let d = 0; d < 6; d++) {
      if ((outside & (1 << d)) === 0) continue;
      const axis = d >> 1;
      const sign = d & 1 ? 1 : -1;
      const ni = axis === 0 ? i + sign : i;
      const nj = axis === 1 ? j + sign : j;
      const nk = axis === 2 ? k + sign : k;
      // Normal at the face: the gradients at the voxel and at its outside neighbour, whose
      // 3×3×3 neighbourhoods together straddle the face symmetrically.
      if (ni >= 0 && nj >= 0 && nk >= 0 && ni < nx && nj < ny && nk < nz) addGradient(mask, nx, ny, nz, ni, nj, nk, g, offsets);
      const ux = g[0] / sx;
      const uy = g[1] / sy;
      const uz = g[2] / sz;
      const len = Math.sqrt(ux * ux + uy * uy + uz * uz);
      const along = axis === 0 ? ux : axis === 1 ? uy : uz;
      area += faceArea[axis] * (len === 0 ? 1 : Math.abs(along) / len);
      g[0] = gi;
      g[1] = gj;
      g[2] = gk;
    }
    return area;
  }
}

/**
 * π^(1/3)·(6V)^(2/3) / A: 1 for a sphere, less for any other shape. A blob of a few voxels has its
 * staircase smoothed into a rounder shape than the voxels make, and its estimate can pass 1, which
 * no shape has: capped at 1.
 */
export function sphericity(volumeMm3: number, areaMm2: number): number {
  return Math.min(1, (Math.cbrt(Math.PI) * Math.cbrt(6 * volumeMm3) ** 2) / areaMm2);
}
