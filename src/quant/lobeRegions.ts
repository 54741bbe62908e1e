// Which lobe each lesion voxel belongs to, when the reader drew the lobes as segments of the same
// labelmap as the lesions. A voxel of that labelmap holds one label, so wherever a lesion is
// painted over a lobe the lobe's label is gone there, and a lobe's own voxels alone would leave
// out exactly the lesions the lobar score is about. The rule (also in LOBE_REGION_DEFINITION, shown
// in the panel's help):
//   a lobe's region = the voxels of its lobe segment + the lesion voxels inside the lung masks that
//   are reached from that segment first when every lobe grows through the lesion voxels at once,
//   one face neighbour (6-connected) a step; a tie goes to the lobe visited first (growSeeds' order).
// A lesion painted over a lobe is surrounded by it and goes to it whole; a lesion straddling a
// fissure is split where the two growths meet; a lesion touching no lobe segment (or outside the
// lungs) is in no lobe and counts in no lobe's %. The growth runs through lesion voxels only, so a
// lesion never jumps across lung that no lobe covers.
import { LOBE_NAMES, type LobeName } from './severityScore.ts';
import { growSeeds, type Dims } from './morphology.ts';
import { LUNG } from './ctVolume.ts';

export const LOBE_REGION_DEFINITION =
  "Lobes: a lobe's region is its lobe segment's voxels plus the lesion voxels inside the lung masks that are reached from that segment first when all lobes grow through the lesion voxels together (face neighbours, one step at a time), since a lesion painted over a lobe replaces the lobe's label there. A lesion that touches no lobe segment counts in no lobe.";

// SNOMED CT codes of the lobes (Segmented Property Type). RLL has two codes in use: 90572001
// (the study config's) and 266005 (older SEGs).
export const LOBE_CODES: Record<LobeName, readonly string[]> = {
  RUL: ['45653009'],
  RML: ['72481006'],
  RLL: ['90572001', '266005'],
  LUL: ['44714003'],
  LLL: ['41224006'],
};

const LOBE_MEANINGS: Record<LobeName, RegExp> = {
  RUL: /^(right upper lobe|upper lobe of right lung)( of lung)?$/i,
  RML: /^(right middle lobe|middle lobe of right lung)( of lung)?$/i,
  RLL: /^(right lower lobe|lower lobe of right lung)( of lung)?$/i,
  LUL: /^(left upper lobe|upper lobe of left lung)( of lung)?$/i,
  LLL: /^(left lower lobe|lower lobe of left lung)( of lung)?$/i,
};

/** The lobe a segment type names (by SNOMED code, else by meaning), or null. */
export function lobeOfType(type: { value: string; meaning: string }): LobeName | null {
  for (const name of LOBE_NAMES) if (LOBE_CODES[name].includes(type.value)) return name;
  const meaning = type.meaning.trim().replace(/^structure of /i, '');
  for (const name of LOBE_NAMES) if (LOBE_MEANINGS[name].test(meaning)) return name;
  return null;
}

/**
 * The lobe mask (value = index in LOBE_NAMES + 1) by the rule above. `lobeValues[l]` lists the
 * label values of lobe l's segments (none: the lobe is not drawn); `isLesion` is a 256-entry
 * lookup (involvement.ts lesionLookup).
 */
export function lobeRegions(labels: Uint8Array, lungs: Uint8Array, dims: Dims, lobeValues: readonly (readonly number[])[], isLesion: Uint8Array): Uint8Array {
  const n = dims[0] * dims[1] * dims[2];
  if (labels.length !== n || lungs.length !== n) throw new Error(`lobeRegions: ${labels.length} label, ${lungs.length} lung voxels for a ${dims.join('x')} grid`);
  if (lobeValues.length !== LOBE_NAMES.length) throw new Error(`lobeRegions: ${LOBE_NAMES.length} lobes expected, got ${lobeValues.length}`);
  const lobeOf = new Uint8Array(256);
  lobeValues.forEach((values, l) => {
    for (const v of values) if (v > 0 && v < 256) lobeOf[v] = l + 1;
  });
  const lobes = new Uint8Array(n);
  const growInto = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const v = labels[p];
    if (v === 0) continue;
    if (lobeOf[v] !== 0) lobes[p] = lobeOf[v];
    else if (isLesion[v] && (lungs[p] === LUNG.right || lungs[p] === LUNG.left)) growInto[p] = 1;
  }
  growSeeds(growInto, dims, lobes);
  return lobes;
}
