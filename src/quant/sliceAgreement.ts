// Slice-level agreement of the lesion suggestion with radiologists' labels: the only ground truth
// public COVID-19 CT sets such as COVID-CT-MD give (a per-slice infection flag and the lobes named
// on it, no voxel masks). Pure, so the unit tests, the COVID test and the bench share it.
import { LUNG } from './ctVolume.ts';
import { ZONE_NAMES, type ZoneName } from './lungZones.ts';

export interface SliceAgreement {
  /** tp / (tp + fn); NaN when no slice is labelled positive */
  sensitivity: number;
  /** tn / (tn + fp); NaN when no slice is labelled negative */
  specificity: number;
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Flags against truth, slice by slice: nonzero = positive in both. */
export function sliceSensitivitySpecificity(flags: ArrayLike<number>, truth: ArrayLike<number>): SliceAgreement {
  if (flags.length !== truth.length) throw new Error(`${flags.length} slice flags for ${truth.length} labelled slices`);
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  for (let k = 0; k < flags.length; k++) {
    const f = flags[k] !== 0;
    const t = truth[k] !== 0;
    if (f && t) tp++;
    else if (f) fp++;
    else if (t) fn++;
    else tn++;
  }
  return { sensitivity: tp + fn > 0 ? tp / (tp + fn) : NaN, specificity: tn + fp > 0 ? tn / (tn + fp) : NaN, tp, fp, tn, fn };
}

/** Lobe order of COVID-CT-MD's lobe-level labels (and of labels.json's `infected_lobes`). */
export const LOBES = ['LLL', 'LUL', 'RLL', 'RML', 'RUL'] as const;
export type Lobe = (typeof LOBES)[number];

export function lobeSide(lobe: Lobe): 'right' | 'left' {
  return lobe[0] === 'R' ? 'right' : 'left';
}

/** Suggested voxels per slice k in each lung (a voxel counts on the side the lung mask gives it). */
export function suggestedVoxelsBySide(labels: ArrayLike<number>, lungs: Uint8Array, dims: readonly [number, number, number]): { right: Int32Array; left: Int32Array } {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const right = new Int32Array(nz);
  const left = new Int32Array(nz);
  for (let k = 0; k < nz; k++) {
    const end = plane * (k + 1);
    for (let p = plane * k; p < end; p++) {
      if (labels[p] === 0) continue;
      if (lungs[p] === LUNG.right) right[k]++;
      else if (lungs[p] === LUNG.left) left[k]++;
    }
  }
  return { right, left };
}

export interface LobeReport {
  /** slices with any suggested voxel, by the lungs they fall in */
  flagged: { slices: number; right_only: number; left_only: number; both: number };
  /**
   * Per labelled lobe: slices that name it, how many of them are flagged, and how many have
   * suggested voxels in that lobe's lung.
   */
  lobes: Record<Lobe, { labelled_slices: number; flagged: number; flagged_on_its_side: number }>;
  /**
   * Per zone (third of a lung): slices with suggested voxels in it, and how many of those slices
   * name a lobe of that lung (so a suggestion in a lung the radiologists did not name shows here).
   */
  zones: Record<ZoneName, { flagged_slices: number; labelled_same_side: number }>;
}

/**
 * Where the suggestion falls against the lobe labels, slice by slice. `bySide` from
 * suggestedVoxelsBySide, `zones` from lungZones' zoneOfSlice, `labelledLobes[k]` the lobes
 * named on slice k.
 */
export function lobeReport(
  bySide: { right: ArrayLike<number>; left: ArrayLike<number> },
  zones: { right: ArrayLike<number>; left: ArrayLike<number> },
  labelledLobes: ReadonlyArray<readonly string[]>,
): LobeReport {
  const nz = labelledLobes.length;
  if (bySide.right.length !== nz || zones.right.length !== nz) throw new Error(`lobe labels for ${nz} slices, suggestion for ${bySide.right.length}`);
  const flagged = { slices: 0, right_only: 0, left_only: 0, both: 0 };
  const lobes = Object.fromEntries(LOBES.map((l) => [l, { labelled_slices: 0, flagged: 0, flagged_on_its_side: 0 }])) as LobeReport['lobes'];
  const zoneCounts = Object.fromEntries(ZONE_NAMES.map((z) => [z, { flagged_slices: 0, labelled_same_side: 0 }])) as LobeReport['zones'];
  const thirds = ['upper', 'middle', 'lower'] as const;
  for (let k = 0; k < nz; k++) {
    const r = bySide.right[k] > 0;
    const l = bySide.left[k] > 0;
    if (r || l) flagged.slices++;
    if (r && l) flagged.both++;
    else if (r) flagged.right_only++;
    else if (l) flagged.left_only++;
    const named = labelledLobes[k].filter((x): x is Lobe => (LOBES as readonly string[]).includes(x));
    for (const lobe of named) {
      const entry = lobes[lobe];
      entry.labelled_slices++;
      if (r || l) entry.flagged++;
      if (lobeSide(lobe) === 'right' ? r : l) entry.flagged_on_its_side++;
    }
    for (const side of ['right', 'left'] as const) {
      if (!(side === 'right' ? r : l)) continue;
      const third = zones[side][k];
      if (third < 0 || third > 2) continue;
      const zone = `${side}_${thirds[third]}` as ZoneName;
      zoneCounts[zone].flagged_slices++;
      if (named.some((lobe) => lobeSide(lobe) === side)) zoneCounts[zone].labelled_same_side++;
    }
  }
  return { flagged, lobes, zones: zoneCounts };
}
