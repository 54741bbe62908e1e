// Involvement kept live while the reader paints: the counts per slice and lung that
// measureInvolvement (involvement.ts) would give, updated from the voxels each edit changes.
import { voxelMl } from './ctVolume.ts';
import { cranialStepOrThrow, thirdsFromSliceCounts, zoneIndex } from './lungZones.ts';
import { LOBE_NAMES } from './severityScore.ts';
import type { Dims, Spacing } from '../contouring/labelmapGrid.ts';
import { checkSizes, involvementFromCounts, LEFT_WORD, lesionLookup, LOBE, RIGHT_WORD, SIDE, skipWords, type Involvement, type LesionValues } from './involvement.ts';

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
