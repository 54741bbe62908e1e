// Figures of each lesion (3D 26-connected component of a lesion mask) for the segment panel's
// table, the SR and the exports; field names are the ones written to JSON and CSV.
// Components come from runs (src/metrics maskRuns + runComponents, the same partition as
// contouring's componentsOf) because componentsOf returns an Int32 label per voxel of the grid,
// 314 MB for a 512×512×300 CT, where the runs of a lesion mask take a few MB.
// Each biomarker is a short step of one pass over each component's runs; the surface area and
// sphericity (lesionBiomarkers/surfaceArea.ts), the longest diameter (longestDiameter.ts) and the
// distance to the pleura (pleuraDistance.ts) have their own modules.
import { LUNG, voxelMl, type CtVolume } from './ctVolume.ts';
import { zoneIndex, zoneOfSlice, ZONE_NAMES, type ZoneName } from './lungZones.ts';
import { maskRuns } from '../metrics/maskRuns.ts';
import { runComponents } from '../metrics/lesionMatching.ts';
import { LongestDiameter } from './lesionBiomarkers/longestDiameter.ts';
import { distanceToPleuraMm, lungBoundary, type LungBoundary } from './lesionBiomarkers/pleuraDistance.ts';
import { SurfaceArea, sphericity } from './lesionBiomarkers/surfaceArea.ts';

// Ground glass and consolidation by attenuation, the split used in quantitative COVID-19 CT: ground
// glass raises lung attenuation to between about -750 and -300 HU with vessels still visible,
// consolidation is denser than -300 HU. A lesion voxel below -750 HU (aerated lung the reader's
// stroke took in) is neither, so the two fractions need not add up to 1.
/** Ground glass: GGO_HU[0] ≤ HU < GGO_HU[1]. */
export const GGO_HU: readonly [number, number] = [-750, -300];
/** Consolidation: HU ≥ CONSOLIDATION_MIN_HU. */
export const CONSOLIDATION_MIN_HU = -300;

export type LesionLung = 'right' | 'left' | 'both' | 'none';

export interface LesionBiomarkers {
  /** 1-based rank in the list (largest first) */
  id: number;
  voxels: number;
  volume_ml: number;
  hu_mean: number;
  hu_sd: number;
  hu_p10: number;
  hu_p50: number;
  hu_p90: number;
  ggo_fraction: number;
  consolidation_fraction: number;
  surface_area_mm2: number;
  sphericity: number;
  longest_diameter_mm: number;
  /** null when no voxel of the lesion is in a lung */
  distance_to_pleura_mm: number | null;
  lung: LesionLung;
  /** null when no voxel of the lesion is in a lung */
  zone: ZoneName | null;
  /** mean voxel index (i, j, k) */
  centroid_ijk: [number, number, number];
  /** the same point in patient coordinates (LPS, mm) */
  centroid_lps_mm: [number, number, number];
}

export const BIOMARKER_DEFINITIONS: Record<keyof LesionBiomarkers, string> = {
  id: 'Rank of the lesion by volume, largest first; a lesion is a 3D 26-connected component of the lesion mask.',
  voxels: 'Voxels of the lesion.',
  volume_ml: 'Voxel count × voxel volume, mL.',
  hu_mean: 'Mean HU of the lesion voxels.',
  hu_sd: 'Sample standard deviation (n − 1) of the HU of the lesion voxels, as in the segment statistics; 0 for one voxel.',
  hu_p10: '10th percentile of HU, linear interpolation between closest ranks (numpy\'s default): position (n − 1)·p of the sorted values.',
  hu_p50: 'Median HU, same method.',
  hu_p90: '90th percentile of HU, same method.',
  ggo_fraction: `Fraction of the lesion voxels with ${GGO_HU[0]} ≤ HU < ${GGO_HU[1]} (ground glass).`,
  consolidation_fraction: `Fraction of the lesion voxels with HU ≥ ${CONSOLIDATION_MIN_HU} (consolidation). Voxels below ${GGO_HU[0]} HU are neither.`,
  surface_area_mm2:
    'Area of the lesion surface, mm²: each voxel face between the lesion and the outside counts with the cosine between its axis and the surface normal there (Sobel gradient of the mask at the two voxels beside the face, in mm), which removes the staircase excess of a plain face count (×1.5 on a sphere) in any orientation; measured within 0…+5% of the true area on voxelised spheres of radius 5–20 voxels and on ellipsoids (also tilted, flat, anisotropic grids), less accurate below a radius of ~4 voxels.',
  sphericity: 'π^(1/3)·(6V)^(2/3) / A with V the voxel volume and A surface_area_mm2: 1 for a sphere, less for any other shape; capped at 1, which the estimate can pass on lesions of a few voxels (a 2×2×2 cube estimates 1.1). Not meaningful below a few dozen voxels.',
  longest_diameter_mm: 'Largest distance between the centres of two voxels of the lesion (they lie on its surface), mm, in 3D.',
  distance_to_pleura_mm:
    'Smallest distance from the centre of a lesion voxel to the centre of a voxel on the lung mask\'s boundary (a lung voxel with a face neighbour outside its lung), mm; 0 when the lesion touches that boundary or reaches outside the lung; null when no lesion voxel is in a lung.',
  lung: 'The lung holding most of the lesion\'s in-lung voxels; both on a tie; none when no voxel is in a lung.',
  zone: 'The zone (third of a lung, see the zone definition) holding most of the lesion\'s in-lung voxels; the first in zone order on a tie.',
  centroid_ijk: 'Mean voxel position (i, j, k) of the lesion.',
  centroid_lps_mm: 'The centroid in patient coordinates (LPS), mm.',
};

const SIDE = new Uint8Array(256);
SIDE[LUNG.right] = 1;
SIDE[LUNG.left] = 2;

/** numpy's default ("linear") percentile of ascending `sorted` values, 0 ≤ p ≤ 100. */
export function percentileLinear(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = ((n - 1) * p) / 100;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

/**
 * Sorts HU values in place by counting over their range (HU are 16-bit integers, and a lesion's
 * range is narrow), which here is several times faster than the typed array's sort.
 * `count` is scratch of 65536 zeros and is left so.
 */
function sortHu(values: Int16Array, count: Int32Array): Int16Array {
  let lo = 32767;
  let hi = -32768;
  for (let t = 0; t < values.length; t++) {
    const v = values[t];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    count[v + 32768]++;
  }
  let t = 0;
  for (let v = lo; v <= hi; v++) {
    let c = count[v + 32768];
    count[v + 32768] = 0;
    while (c-- > 0) values[t++] = v;
  }
  return values;
}

/**
 * Biomarkers of every lesion of `lesion` (nonzero = lesion; lesion segments merged), largest
 * first. `lungs` is the lung mask in LUNG values on the same grid.
 */
export function lesionBiomarkers(ct: CtVolume, lesion: Uint8Array, lungs: Uint8Array): LesionBiomarkers[] {
  const dims = ct.dims;
  const [nx, ny, nz] = dims;
  const [sx, sy, sz] = ct.spacing;
  const plane = nx * ny;
  if (lesion.length !== plane * nz || lungs.length !== plane * nz || ct.hu.length !== plane * nz) {
    throw new Error(`lesionBiomarkers: ${lesion.length} lesion, ${lungs.length} lung, ${ct.hu.length} CT voxels for a ${dims.join('x')} grid`);
  }
  const runs = maskRuns(lesion, dims);
  const comps = runComponents(runs);
  const count = comps.count;
  if (count === 0) return [];
  const thirds = zoneOfSlice(lungs, dims, ct.direction);
  const { rowStart, runFirst, runLast } = runs;
  const { componentOfRun } = comps;

  // Runs grouped by component, each group in run (index) order.
  const runRow = new Int32Array(runs.runs);
  for (let r = 0; r < rowStart.length - 1; r++) runRow.fill(r, rowStart[r], rowStart[r + 1]);
  const groupStart = new Int32Array(count + 1);
  for (let n = 0; n < runs.runs; n++) groupStart[componentOfRun[n] + 1]++;
  for (let c = 0; c < count; c++) groupStart[c + 1] += groupStart[c];
  const runOrder = new Int32Array(runs.runs);
  const fill = groupStart.slice(0, count);
  for (let n = 0; n < runs.runs; n++) runOrder[fill[componentOfRun[n]]++] = n;

  let maxSize = 0;
  for (let c = 0; c < count; c++) maxSize = Math.max(maxSize, comps.sizes[c]);
  const huBuffer = new Int16Array(maxSize);
  const huCount = new Int32Array(65536);
  const ml = voxelMl(ct.spacing);
  const surfaceArea = new SurfaceArea(lesion, dims, ct.spacing);
  const dir = ct.direction;

  const results: (LesionBiomarkers & { order: number })[] = [];
  // Built for the first lesion that needs it.
  let boundary: LungBoundary | null = null;

  for (let c = 0; c < count; c++) {
    let n = 0;
    let sumI = 0;
    let sumJ = 0;
    let sumK = 0;
    let right = 0;
    let left = 0;
    let ggo = 0;
    let consolidation = 0;
    const zoneCount = [0, 0, 0, 0, 0, 0];
    let area = 0;
    const surface: number[] = [];
    const diameter = new LongestDiameter(groupStart[c + 1] - groupStart[c]);

    for (let g0 = groupStart[c]; g0 < groupStart[c + 1]; g0++) {
      const run = runOrder[g0];
      const r = runRow[run];
      const j = r % ny;
      const k = (r - j) / ny;
      const f = runFirst[run];
      const l = runLast[run];
      diameter.addRun(j, k, f, l);
      const zr = thirds.right[k];
      const zl = thirds.left[k];
      const row = nx * r;
      for (let i = f; i <= l; i++) {
        const index = row + i;
        const hu = ct.hu[index];
        huBuffer[n++] = hu;
        sumI += i;
        sumJ += j;
        sumK += k;
        const side = SIDE[lungs[index]];
        if (side === 1) {
          right++;
          zoneCount[zoneIndex(1, zr as 0 | 1 | 2)]++;
        } else if (side === 2) {
          left++;
          zoneCount[zoneIndex(2, zl as 0 | 1 | 2)]++;
        }
        if (hu >= CONSOLIDATION_MIN_HU) consolidation++;
        else if (hu >= GGO_HU[0]) ggo++;

        // Faces to the outside (bit d: axis d >> 1, odd d towards +1): the run's ends along i, and
        // any face neighbour in j or k.
        let outside = 0;
        if (i === f) outside |= 1;
        if (i === l) outside |= 2;
        if (j === 0 || lesion[index - nx] === 0) outside |= 4;
        if (j === ny - 1 || lesion[index + nx] === 0) outside |= 8;
        if (k === 0 || lesion[index - plane] === 0) outside |= 16;
        if (k === nz - 1 || lesion[index + plane] === 0) outside |= 32;
        if (outside !== 0) {
          area = surfaceArea.addFaces(area, i, j, k, outside);
          surface.push(index);
        }
      }
    }

    const sorted = sortHu(huBuffer.subarray(0, n), huCount);
    let sum = 0;
    for (let t = 0; t < n; t++) sum += sorted[t];
    const mean = sum / n;
    let ss = 0;
    for (let t = 0; t < n; t++) ss += (sorted[t] - mean) ** 2;

    const inLung = right + left;
    let zone: ZoneName | null = null;
    if (inLung > 0) {
      let best = 0;
      for (let z = 1; z < 6; z++) if (zoneCount[z] > zoneCount[best]) best = z;
      zone = ZONE_NAMES[best];
    }
    const volumeMm3 = n * sx * sy * sz;
    const ci = sumI / n;
    const cj = sumJ / n;
    const ck = sumK / n;
    const lps: [number, number, number] = [0, 0, 0];
    for (let a = 0; a < 3; a++) lps[a] = ct.origin[a] + ci * sx * dir[a] + cj * sy * dir[3 + a] + ck * sz * dir[6 + a];
    let distance: number | null = null;
    if (inLung > 0) {
      // A lesion reaching outside the lung crosses its boundary.
      if (inLung < n) {
        distance = 0;
      } else {
        boundary ??= lungBoundary(lungs, dims);
        distance = distanceToPleuraMm(boundary, dims, ct.spacing, Int32Array.from(surface), [comps.lo[3 * c], comps.lo[3 * c + 1], comps.lo[3 * c + 2]], [comps.hi[3 * c], comps.hi[3 * c + 1], comps.hi[3 * c + 2]]);
      }
    }
    results.push({
      id: 0,
      order: c,
      voxels: n,
      volume_ml: n * ml,
      hu_mean: mean,
      hu_sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
      hu_p10: percentileLinear(sorted, 10),
      hu_p50: percentileLinear(sorted, 50),
      hu_p90: percentileLinear(sorted, 90),
      ggo_fraction: ggo / n,
      consolidation_fraction: consolidation / n,
      surface_area_mm2: area,
      sphericity: sphericity(volumeMm3, area),
      longest_diameter_mm: diameter.mm(ct.spacing),
      distance_to_pleura_mm: distance,
      lung: inLung === 0 ? 'none' : right > left ? 'right' : left > right ? 'left' : 'both',
      zone,
      centroid_ijk: [ci, cj, ck],
      centroid_lps_mm: lps,
    });
  }

  results.sort((a, b) => b.voxels - a.voxels || a.order - b.order);
  return results.map((r, rank) => {
    const { order, ...rest } = r;
    void order;
    return { ...rest, id: rank + 1 };
  });
}
