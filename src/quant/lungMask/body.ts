// The body and the air inside it, the first stage of the lung masks: the lungs are air that the
// outside air does not reach, so this is what the later stages take the lungs from.
import { type Dims, labelSlice4 } from '../morphology.ts';

/** Air below, tissue above: midway between lung parenchyma (~-850) and soft tissue (~40). */
const AIR_HU = -500;

/** The body (bodyMask) and the air inside it, the lungs' candidate voxels, on the work grid. */
export function bodyAndAir(hu: Int16Array, dims: Dims): { body: Uint8Array; candidate: Uint8Array } {
  const n = hu.length;
  const air = new Uint8Array(n);
  for (let p = 0; p < n; p++) air[p] = hu[p] < AIR_HU ? 1 : 0;
  const body = bodyMask(air, dims);
  const candidate = air;
  for (let p = 0; p < n; p++) candidate[p] = air[p] & body[p];
  return { body, candidate };
}

/**
 * Per slice: the body is the largest 4-connected region of the slice that the outside air
 * (air reaching the image border) does not reach; the table and the arms are other regions.
 */
function bodyMask(air: Uint8Array, dims: Dims): Uint8Array {
  const [nx, ny, nz] = dims;
  const nxy = nx * ny;
  const body = new Uint8Array(nxy * nz);
  const comp = new Int32Array(nxy);
  const inside = new Uint8Array(nxy);
  let parent: Int32Array | undefined;
  for (let k = 0; k < nz; k++) {
    const base = k * nxy;
    const slice = air.subarray(base, base + nxy);
    const airs = labelSlice4(slice, nx, ny, 1, comp, parent);
    parent = airs.parent;
    const outside = new Uint8Array(airs.sizes.length + 1);
    for (let i = 0; i < nx; i++) {
      outside[comp[i]] = 1;
      outside[comp[i + nx * (ny - 1)]] = 1;
    }
    for (let j = 0; j < ny; j++) {
      outside[comp[nx * j]] = 1;
      outside[comp[nx * j + nx - 1]] = 1;
    }
    outside[0] = 0;
    for (let p = 0; p < nxy; p++) inside[p] = outside[comp[p]] ? 0 : 1;
    const regions = labelSlice4(inside, nx, ny, 1, comp, parent);
    parent = regions.parent;
    let best = 0;
    for (let c = 1; c < regions.sizes.length; c++) if (regions.sizes[c] > regions.sizes[best]) best = c;
    if (regions.sizes.length === 0) continue;
    const bestId = best + 1;
    for (let p = 0; p < nxy; p++) if (comp[p] === bestId) body[base + p] = 1;
  }
  return body;
}
