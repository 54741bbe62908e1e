// % of each lung and of the six zones covered by lesions, and the severity scores, from scratch
// (measureInvolvement) or kept live while the reader paints (InvolvementTracker, involvementTracker.ts).
//
// Inputs are three separate masks on the CT's grid:
//   lungs:  the lung mask, LUNG values (1 right, 2 left; any other value is not lung);
//   labels: the read's labelmap; the label values listed as lesions are lesion, the rest not;
//   lobes:  optional, the reader's lobe segments, value = index in LOBE_NAMES + 1.
// Lung membership cannot live in the read's labelmap: a voxel holds one label, so painting a
// lesion over a "Right lung" voxel would take that voxel out of the lung, and every lesion
// would shrink the lung it involves. A lesion voxel is therefore lung because the lung mask says
// so, whatever the labelmap holds; the lung and lobe masks are edited as their own labelmaps.
//
// Lesion voxels outside the lung mask are reported as outside_lung_ml and left out of every %:
// involvement is a fraction of the lung, and a voxel outside it (a stroke over the chest wall,
// the mediastinum, an effusion) would raise the numerator without being part of the denominator,
// so that % could pass 100. The reader sees them counted and can fix the stroke or the mask.
// The counting rules here (SIDE, LOBE, the word skips, involvementFromCounts) are shared with the
// live InvolvementTracker (involvementTracker.ts): both must count exactly the same voxels (a test
// compares them after random edits).
import { LUNG, voxelMl } from './ctVolume.ts';
import { zoneIndex, zoneOfSlice, ZONE_NAMES, type ZoneName } from './lungZones.ts';
import { bandScore, LOBE_NAMES, lobarScore, sixZoneScore, type BandScore, type LobeName } from './severityScore.ts';
import type { Dims, Spacing } from '../contouring/labelmapGrid.ts';

/** Which label values of the read are lesions: a list or set of values, or a predicate (asked once per value 1-255). */
export type LesionValues = Iterable<number> | ((value: number) => boolean);

export interface ZoneInvolvement {
  name: ZoneName;
  lung_ml: number;
  lesion_ml: number;
  /** 100 · lesion / lung; 0 for a zone with no lung voxel */
  pct: number;
  score: BandScore;
}

export interface LobeInvolvement {
  name: LobeName;
  lobe_ml: number;
  /** lesion voxels inside the lobe segment */
  lesion_ml: number;
  pct: number;
  score: BandScore;
}

export interface SliceInvolvement {
  k: number;
  /** both lungs */
  lung_ml: number;
  /** every lesion voxel of the slice, inside the lungs or not: 0 exactly when the slice has none */
  lesion_ml: number;
}

export interface Involvement {
  lungs: { right_ml: number; left_ml: number };
  /** lesion inside each lung mask */
  lesion_ml: { right: number; left: number; total: number };
  /** lesion voxels outside both lung masks (not in any %) */
  outside_lung_ml: number;
  /** 100 · lesion inside the lung / lung; total over both lungs; 0 without lung */
  involvement_pct: { right: number; left: number; total: number };
  /** six, in ZONE_NAMES order */
  zones: ZoneInvolvement[];
  severity_score_6zone: number;
  /** five, in LOBE_NAMES order; only when a lobe mask is given */
  lobes?: LobeInvolvement[];
  /** the 25-point score; null while any of the five lobes has no voxel; only with a lobe mask */
  severity_score_lobar?: number | null;
  /** per slice k of the grid */
  slices: SliceInvolvement[];
}

export const INVOLVEMENT_DEFINITION =
  'Involvement: lesion voxels (the label values marked as lesions) inside a lung mask, as % of that lung mask\'s voxels; the lung masks include the lesions in them. Lesion voxels outside both lung masks are counted apart (outside_lung_ml) and are in no %. Zone and lobe % are the same ratio within the zone or the lobe segment.';

/** 256-entry lookup: 1 for a lesion label value (0 is never a lesion). */
export function lesionLookup(values: LesionValues): Uint8Array {
  const lookup = new Uint8Array(256);
  if (typeof values === 'function') {
    for (let v = 1; v < 256; v++) lookup[v] = values(v) ? 1 : 0;
  } else {
    for (const v of values) {
      if (!(Number.isInteger(v) && v >= 0 && v <= 255)) throw new Error(`lesion label value ${v}: 0-255 expected`);
      if (v !== 0) lookup[v] = 1;
    }
  }
  return lookup;
}

/** Lung side of a lung mask value: 1 right, 2 left, 0 none. */
export const SIDE = new Uint8Array(256);
SIDE[LUNG.right] = 1;
SIDE[LUNG.left] = 2;
/** Four voxels of one lung read as one 32-bit word (the same in either byte order). */
export const RIGHT_WORD = LUNG.right * 0x01010101;
export const LEFT_WORD = LUNG.left * 0x01010101;
/** Lobe (1-5) of a lobe mask value, 0 none. */
export const LOBE = new Uint8Array(256);
for (let l = 1; l <= LOBE_NAMES.length; l++) LOBE[l] = l;

/** Voxel counts that every figure of Involvement comes from. */
export interface Counts {
  zoneLung: number[];
  zoneLesion: number[];
  outside: number;
  sliceLung: ArrayLike<number>;
  sliceLesion: ArrayLike<number>;
  lobeVoxels: number[] | null;
  lobeLesion: number[] | null;
}

function pct(part: number, whole: number): number {
  // From integer counts: 100·part is exact and the division correctly rounded, so a count ratio of
  // exactly 5, 25, 50 or 75% gives exactly that number and the band edges hold.
  return whole === 0 ? 0 : (100 * part) / whole;
}

export function involvementFromCounts(c: Counts, ml: number): Involvement {
  const zones: ZoneInvolvement[] = ZONE_NAMES.map((name, z) => {
    const p = pct(c.zoneLesion[z], c.zoneLung[z]);
    return { name, lung_ml: c.zoneLung[z] * ml, lesion_ml: c.zoneLesion[z] * ml, pct: p, score: bandScore(p) };
  });
  const rightLung = c.zoneLung[0] + c.zoneLung[1] + c.zoneLung[2];
  const leftLung = c.zoneLung[3] + c.zoneLung[4] + c.zoneLung[5];
  const rightLesion = c.zoneLesion[0] + c.zoneLesion[1] + c.zoneLesion[2];
  const leftLesion = c.zoneLesion[3] + c.zoneLesion[4] + c.zoneLesion[5];
  const slices: SliceInvolvement[] = [];
  for (let k = 0; k < c.sliceLung.length; k++) slices.push({ k, lung_ml: c.sliceLung[k] * ml, lesion_ml: c.sliceLesion[k] * ml });
  const out: Involvement = {
    lungs: { right_ml: rightLung * ml, left_ml: leftLung * ml },
    lesion_ml: { right: rightLesion * ml, left: leftLesion * ml, total: (rightLesion + leftLesion) * ml },
    outside_lung_ml: c.outside * ml,
    involvement_pct: { right: pct(rightLesion, rightLung), left: pct(leftLesion, leftLung), total: pct(rightLesion + leftLesion, rightLung + leftLung) },
    zones,
    severity_score_6zone: sixZoneScore(zones.map((z) => z.pct)),
    slices,
  };
  if (c.lobeVoxels && c.lobeLesion) {
    const voxels = c.lobeVoxels;
    const lesion = c.lobeLesion;
    out.lobes = LOBE_NAMES.map((name, l) => {
      const p = pct(lesion[l], voxels[l]);
      return { name, lobe_ml: voxels[l] * ml, lesion_ml: lesion[l] * ml, pct: p, score: bandScore(p) };
    });
    out.severity_score_lobar = voxels.every((n) => n > 0) ? lobarScore(out.lobes.map((l) => l.pct)) : null;
  }
  return out;
}

/** A 32-bit view for skipping four empty voxels per read, or null when the layout does not allow it. */
function wordsOf(mask: Uint8Array | null, plane: number): Uint32Array | null {
  if (mask === null) return null;
  return mask.byteOffset % 4 === 0 && plane % 4 === 0 ? new Uint32Array(mask.buffer, mask.byteOffset, mask.length >> 2) : null;
}

/** Words of the masks for skipping voxels that are 0 in all of them, or null when one cannot be read so. */
export function skipWords(plane: number, lungs: Uint8Array, labels: Uint8Array, lobes: Uint8Array | null): { lungs: Uint32Array; labels: Uint32Array; lobes: Uint32Array | null } | null {
  const lw = wordsOf(lungs, plane);
  const bw = wordsOf(labels, plane);
  const ow = wordsOf(lobes, plane);
  if (lw === null || bw === null || (lobes !== null && ow === null)) return null;
  return { lungs: lw, labels: bw, lobes: ow };
}

export function checkSizes(dims: Dims, lungs: Uint8Array, labels: Uint8Array, lobes: Uint8Array | null): void {
  const n = dims[0] * dims[1] * dims[2];
  if (lungs.length !== n || labels.length !== n || (lobes && lobes.length !== n)) {
    throw new Error(`involvement: masks of ${lungs.length}, ${labels.length}${lobes ? `, ${lobes.length}` : ''} voxels for a ${dims.join('x')} grid`);
  }
}

/** Involvement of the lungs and zones by the lesion labels of `labels`, counted from scratch (one pass). */
export function measureInvolvement(
  lungs: Uint8Array,
  labels: Uint8Array,
  lesionValues: LesionValues,
  dims: Dims,
  spacing: Spacing,
  direction: readonly number[],
  lobes: Uint8Array | null = null,
): Involvement {
  checkSizes(dims, lungs, labels, lobes);
  const isLesion = lesionLookup(lesionValues);
  const thirds = zoneOfSlice(lungs, dims, direction);
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const zoneLung = [0, 0, 0, 0, 0, 0];
  const zoneLesion = [0, 0, 0, 0, 0, 0];
  let outside = 0;
  const sliceLung = new Float64Array(nz);
  const sliceLesion = new Float64Array(nz);
  const lobeVoxels = lobes ? [0, 0, 0, 0, 0] : null;
  const lobeLesion = lobes ? [0, 0, 0, 0, 0] : null;
  const words = skipWords(plane, lungs, labels, lobes);
  for (let k = 0; k < nz; k++) {
    // Per slice and lung the zone is fixed, so the inner loop only counts.
    const zr = thirds.right[k] < 0 ? -1 : zoneIndex(1, thirds.right[k] as 0 | 1 | 2);
    const zl = thirds.left[k] < 0 ? -1 : zoneIndex(2, thirds.left[k] as 0 | 1 | 2);
    let lungHere = 0;
    let lesionHere = 0;
    const end = (k + 1) * plane;
    for (let n = k * plane; n < end; n++) {
      // Most voxels of a chest CT are outside the lungs or inside them without lesion or lobe:
      // four of those are counted per read.
      if (words !== null && (n & 3) === 0) {
        const w = n >> 2;
        if (words.labels[w] === 0 && (words.lobes === null || words.lobes[w] === 0)) {
          const lw = words.lungs[w];
          if (lw === 0) {
            n += 3;
            continue;
          }
          if (lw === RIGHT_WORD || lw === LEFT_WORD) {
            zoneLung[lw === RIGHT_WORD ? zr : zl] += 4;
            lungHere += 4;
            n += 3;
            continue;
          }
        }
      }
      const side = SIDE[lungs[n]];
      const les = isLesion[labels[n]];
      if (side !== 0) {
        const z = side === 1 ? zr : zl;
        zoneLung[z]++;
        zoneLesion[z] += les;
        lungHere++;
      } else {
        outside += les;
      }
      lesionHere += les;
      if (lobes) {
        const lobe = LOBE[lobes[n]];
        if (lobe !== 0) {
          lobeVoxels![lobe - 1]++;
          lobeLesion![lobe - 1] += les;
        }
      }
    }
    sliceLung[k] = lungHere;
    sliceLesion[k] = lesionHere;
  }
  return involvementFromCounts({ zoneLung, zoneLesion, outside, sliceLung, sliceLesion, lobeVoxels, lobeLesion }, voxelMl(spacing));
}
