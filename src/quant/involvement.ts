// % of each lung and of the six zones covered by lesions, and the severity scores, from scratch
// (measureInvolvement) or kept live while the reader paints (InvolvementTracker).
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
// Longer than most files here (~470 lines) for a reason: measureInvolvement and the live
// InvolvementTracker must count exactly the same voxels (a test compares them after random edits),
// so both live beside the counting rules they share.
import { LUNG, voxelMl } from './ctVolume.ts';
import { cranialStepOrThrow, thirdsFromSliceCounts, zoneIndex, zoneOfSlice, ZONE_NAMES, type ZoneName } from './lungZones.ts';
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
const SIDE = new Uint8Array(256);
SIDE[LUNG.right] = 1;
SIDE[LUNG.left] = 2;
/** Four voxels of one lung read as one 32-bit word (the same in either byte order). */
const RIGHT_WORD = LUNG.right * 0x01010101;
const LEFT_WORD = LUNG.left * 0x01010101;
/** Lobe (1-5) of a lobe mask value, 0 none. */
const LOBE = new Uint8Array(256);
for (let l = 1; l <= LOBE_NAMES.length; l++) LOBE[l] = l;

/** Voxel counts that every figure of Involvement comes from. */
interface Counts {
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

function involvementFromCounts(c: Counts, ml: number): Involvement {
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
function skipWords(plane: number, lungs: Uint8Array, labels: Uint8Array, lobes: Uint8Array | null): { lungs: Uint32Array; labels: Uint32Array; lobes: Uint32Array | null } | null {
  const lw = wordsOf(lungs, plane);
  const bw = wordsOf(labels, plane);
  const ow = wordsOf(lobes, plane);
  if (lw === null || bw === null || (lobes !== null && ow === null)) return null;
  return { lungs: lw, labels: bw, lobes: ow };
}

function checkSizes(dims: Dims, lungs: Uint8Array, labels: Uint8Array, lobes: Uint8Array | null): void {
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

/**
 * Involvement kept up to date from the voxels each edit changes. It holds counts per slice and
 * lung (lung voxels, lesion voxels among them) and lesion voxels outside the lungs per slice, so
 * a change costs O(changed voxels) and a snapshot O(slices): zones are drawn from the per-slice
 * counts at snapshot time, which keeps them right when a lung edit moves a lung's extent (and so
 * every slice's third) without a recount.
 *
 * The tracker reads the three masks it was given (shared, never copied) only at the voxels that
 * change, and only the masks other than the one changing: a change is told as (index, value
 * before, value after), so the caller may report it before or after writing the byte.
 */
export class InvolvementTracker {
  private isLesion: Uint8Array;
  private readonly plane: number;
  private readonly nz: number;
  private readonly step: 1 | -1;
  private readonly ml: number;
  private readonly lungRight: Int32Array;
  private readonly lungLeft: Int32Array;
  private readonly lesionRight: Int32Array;
  private readonly lesionLeft: Int32Array;
  private readonly lesionOutside: Int32Array;
  private readonly lobeVoxels = new Int32Array(LOBE_NAMES.length + 1);
  private readonly lobeLesion = new Int32Array(LOBE_NAMES.length + 1);

  constructor(
    private lungs: Uint8Array,
    private labels: Uint8Array,
    lesionValues: LesionValues,
    private readonly dims: Dims,
    spacing: Spacing,
    direction: readonly number[],
    private lobes: Uint8Array | null = null,
  ) {
    checkSizes(dims, lungs, labels, lobes);
    this.isLesion = lesionLookup(lesionValues);
    this.plane = dims[0] * dims[1];
    this.nz = dims[2];
    this.step = cranialStepOrThrow(direction);
    this.ml = voxelMl(spacing);
    this.lungRight = new Int32Array(this.nz);
    this.lungLeft = new Int32Array(this.nz);
    this.lesionRight = new Int32Array(this.nz);
    this.lesionLeft = new Int32Array(this.nz);
    this.lesionOutside = new Int32Array(this.nz);
    this.rebuild();
  }

  /** Recounts everything from the masks (one pass): a restored draft, or masks rewritten wholesale. */
  rebuild(): void {
    for (const a of [this.lungRight, this.lungLeft, this.lesionRight, this.lesionLeft, this.lesionOutside, this.lobeVoxels, this.lobeLesion]) a.fill(0);
    const { lungs, labels, lobes, isLesion, plane } = this;
    const words = skipWords(plane, lungs, labels, lobes);
    for (let k = 0; k < this.nz; k++) {
      let lr = 0;
      let ll = 0;
      let er = 0;
      let el = 0;
      let eo = 0;
      const end = (k + 1) * plane;
      for (let n = k * plane; n < end; n++) {
        if (words !== null && (n & 3) === 0) {
          const w = n >> 2;
          if (words.labels[w] === 0 && (words.lobes === null || words.lobes[w] === 0)) {
            const lw = words.lungs[w];
            if (lw === 0 || lw === RIGHT_WORD || lw === LEFT_WORD) {
              if (lw === RIGHT_WORD) lr += 4;
              else if (lw === LEFT_WORD) ll += 4;
              n += 3;
              continue;
            }
          }
        }
        const side = SIDE[lungs[n]];
        const les = isLesion[labels[n]];
        if (side === 1) {
          lr++;
          er += les;
        } else if (side === 2) {
          ll++;
          el += les;
        } else {
          eo += les;
        }
        if (lobes) {
          const lobe = LOBE[lobes[n]];
          this.lobeVoxels[lobe]++;
          this.lobeLesion[lobe] += les;
        }
      }
      this.lungRight[k] = lr;
      this.lungLeft[k] = ll;
      this.lesionRight[k] = er;
      this.lesionLeft[k] = el;
      this.lesionOutside[k] = eo;
    }
  }

  /** The lesion label values changed (a segment marked or unmarked as lesion): one recount. */
  setLesionValues(values: LesionValues): void {
    this.isLesion = lesionLookup(values);
    this.rebuild();
  }

  /** A new lung mask array (the automatic masks arrived, a draft was restored): one recount. */
  setLungs(lungs: Uint8Array): void {
    checkSizes(this.dims, lungs, this.labels, this.lobes);
    this.lungs = lungs;
    this.rebuild();
  }

  /** A new labelmap array for the read (a draft restored into a fresh array): one recount. */
  setLabels(labels: Uint8Array): void {
    checkSizes(this.dims, this.lungs, labels, this.lobes);
    this.labels = labels;
    this.rebuild();
  }

  /** A lobe mask array, or null when the read has none: one recount. */
  setLobes(lobes: Uint8Array | null): void {
    checkSizes(this.dims, this.lungs, this.labels, lobes);
    this.lobes = lobes;
    this.rebuild();
  }

  /**
   * One voxel of the read's labelmap changed from `from` to `to`: the shape of
   * SegmentStats.move without the HU, to be called where the editor calls it. A bound arrow
   * function, so it can be handed over as a callback.
   */
  readonly labelChanged = (index: number, from: number, to: number): void => {
    const d = this.isLesion[to] - this.isLesion[from];
    if (d === 0) return;
    const k = Math.floor(index / this.plane);
    const side = SIDE[this.lungs[index]];
    if (side === 1) this.lesionRight[k] += d;
    else if (side === 2) this.lesionLeft[k] += d;
    else this.lesionOutside[k] += d;
    if (this.lobes) this.lobeLesion[LOBE[this.lobes[index]]] += d;
  };

  /** One voxel of the lung mask changed from `from` to `to` (LUNG values). */
  readonly lungChanged = (index: number, from: number, to: number): void => {
    const a = SIDE[from];
    const b = SIDE[to];
    if (a === b) return;
    const k = Math.floor(index / this.plane);
    const les = this.isLesion[this.labels[index]];
    if (a === 1) {
      this.lungRight[k]--;
      this.lesionRight[k] -= les;
    } else if (a === 2) {
      this.lungLeft[k]--;
      this.lesionLeft[k] -= les;
    } else {
      this.lesionOutside[k] -= les;
    }
    if (b === 1) {
      this.lungRight[k]++;
      this.lesionRight[k] += les;
    } else if (b === 2) {
      this.lungLeft[k]++;
      this.lesionLeft[k] += les;
    } else {
      this.lesionOutside[k] += les;
    }
  };

  /** One voxel of the lobe mask changed from `from` to `to` (lobe values 1-5). */
  readonly lobeChanged = (index: number, from: number, to: number): void => {
    if (!this.lobes) return;
    const a = LOBE[from];
    const b = LOBE[to];
    if (a === b) return;
    const les = this.isLesion[this.labels[index]];
    this.lobeVoxels[a]--;
    this.lobeLesion[a] -= les;
    this.lobeVoxels[b]++;
    this.lobeLesion[b] += les;
  };

  /** Voxels `indices` of the read's labelmap changed from `before` to `after` (parallel arrays). */
  applyChange(indices: ArrayLike<number>, before: ArrayLike<number>, after: ArrayLike<number>): void {
    for (let n = 0; n < indices.length; n++) this.labelChanged(indices[n], before[n], after[n]);
  }

  /** Voxels of the lung mask changed (parallel arrays, LUNG values). */
  applyLungChange(indices: ArrayLike<number>, before: ArrayLike<number>, after: ArrayLike<number>): void {
    for (let n = 0; n < indices.length; n++) this.lungChanged(indices[n], before[n], after[n]);
  }

  /** Voxels of the lobe mask changed (parallel arrays). */
  applyLobeChange(indices: ArrayLike<number>, before: ArrayLike<number>, after: ArrayLike<number>): void {
    for (let n = 0; n < indices.length; n++) this.lobeChanged(indices[n], before[n], after[n]);
  }

  /** Lesion voxels anywhere (in a lung or not), now; O(slices). */
  lesionVoxels(): number {
    let n = 0;
    for (let k = 0; k < this.nz; k++) n += this.lesionRight[k] + this.lesionLeft[k] + this.lesionOutside[k];
    return n;
  }

  /** The figures now; O(slices). */
  snapshot(): Involvement {
    const right = thirdsFromSliceCounts(this.lungRight, this.step);
    const left = thirdsFromSliceCounts(this.lungLeft, this.step);
    const zoneLung = [0, 0, 0, 0, 0, 0];
    const zoneLesion = [0, 0, 0, 0, 0, 0];
    let outside = 0;
    const sliceLung = new Float64Array(this.nz);
    const sliceLesion = new Float64Array(this.nz);
    for (let k = 0; k < this.nz; k++) {
      // A slice with lung voxels is always inside its lung's extent, so its third is >= 0.
      if (this.lungRight[k] > 0) {
        const z = zoneIndex(1, right[k] as 0 | 1 | 2);
        zoneLung[z] += this.lungRight[k];
        zoneLesion[z] += this.lesionRight[k];
      }
      if (this.lungLeft[k] > 0) {
        const z = zoneIndex(2, left[k] as 0 | 1 | 2);
        zoneLung[z] += this.lungLeft[k];
        zoneLesion[z] += this.lesionLeft[k];
      }
      outside += this.lesionOutside[k];
      sliceLung[k] = this.lungRight[k] + this.lungLeft[k];
      sliceLesion[k] = this.lesionRight[k] + this.lesionLeft[k] + this.lesionOutside[k];
    }
    const lobeVoxels = this.lobes ? Array.from(this.lobeVoxels.subarray(1)) : null;
    const lobeLesion = this.lobes ? Array.from(this.lobeLesion.subarray(1)) : null;
    return involvementFromCounts({ zoneLung, zoneLesion, outside, sliceLung, sliceLesion, lobeVoxels, lobeLesion }, this.ml);
  }
}
