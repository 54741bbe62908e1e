// The lung-edge zone and the dependent band of the lesion suggestion: where partial volume with
// the chest wall, the mediastinum and the dome, or gravity-dependent atelectasis, has lesion HU.
// Their voxels count only as part of a lesion found outside them (components.ts reattaches them).
import type { SuggestionOptions } from './options.ts';
import { nearInPlane } from './shape.ts';
import type { WorkGrid } from './workBox.ts';

/**
 * The zone (edge zone and dependent band) of the box's lung, and the core: the `opened` candidates
 * outside it.
 */
export function edgeZone(opened: Uint8Array, w: WorkGrid, direction: readonly number[], o: SuggestionOptions): { zone: Uint8Array; core: Uint8Array } {
  const { cx, cy, cz, lung } = w;
  const [sx, sy, sz] = w.spacing;
  const plane = cx * cy;
  const size = plane * cz;
  const outside = new Uint8Array(size);
  for (let p = 0; p < size; p++) outside[p] = lung[p] === 0 ? 1 : 0;
  const zone = nearInPlane(outside, lung, cx, cy, cz, sx, sy, o.edgeMm, true);
  markNearAlongK(zone, lung, plane, cz, Math.max(0, Math.round(o.edgeMm / sz)));
  markDependentBand(zone, lung, cx, cy, cz, direction, [sx, sy], o);
  const core = new Uint8Array(size);
  for (let p = 0; p < size; p++) core[p] = opened[p] === 1 && zone[p] === 0 ? 1 : 0;
  return { zone, core };
}

/** Marks lung voxels with a non-lung voxel (or the box's end) within `slices` along k. */
function markNearAlongK(zone: Uint8Array, lung: Uint8Array, plane: number, cz: number, slices: number): void {
  if (slices <= 0) return;
  for (let k = 0; k < cz; k++) {
    for (let p = 0; p < plane; p++) {
      const q = p + plane * k;
      if (lung[q] === 0 || zone[q] === 1) continue;
      for (let d = 1; d <= slices; d++) {
        if (k - d < 0 || k + d >= cz || lung[q - plane * d] === 0 || lung[q + plane * d] === 0) {
          zone[q] = 1;
          break;
        }
      }
    }
  }
}

/**
 * Marks lung voxels within dependentBandMm of the lung boundary in the dependent direction, along
 * whichever in-plane grid axis runs closest to the patient's anteroposterior (LPS y) axis.
 */
function markDependentBand(
  zone: Uint8Array,
  lung: Uint8Array,
  cx: number,
  cy: number,
  cz: number,
  direction: readonly number[],
  spacingIj: [number, number],
  o: SuggestionOptions,
): void {
  if (o.dependentSide === 'none' || o.dependentBandMm <= 0) return;
  const yOfI = direction[1];
  const yOfJ = direction[4];
  const alongJ = Math.abs(yOfJ) >= Math.abs(yOfI);
  const cos = alongJ ? yOfJ : yOfI;
  if (Math.abs(cos) < 0.5) return;
  // +y is posterior in LPS: step toward the dependent side, look for the boundary.
  const toDependent = (cos > 0 ? 1 : -1) * (o.dependentSide === 'posterior' ? 1 : -1);
  const stepMm = alongJ ? spacingIj[1] : spacingIj[0];
  const depth = Math.max(1, Math.round(o.dependentBandMm / stepMm));
  const lineLen = alongJ ? cy : cx;
  const lines = alongJ ? cx : cy;
  const stride = alongJ ? cx : 1;
  const lineStride = alongJ ? 1 : cx;
  const plane = cx * cy;
  for (let k = 0; k < cz; k++) {
    for (let l = 0; l < lines; l++) {
      const base = plane * k + lineStride * l;
      // Walk from the dependent end: distance (steps) since the last non-lung voxel.
      let since = 0;
      for (let s = 0; s < lineLen; s++) {
        const pos = toDependent > 0 ? lineLen - 1 - s : s;
        const q = base + stride * pos;
        if (lung[q] === 0) {
          since = 0;
          continue;
        }
        since++;
        if (since <= depth) zone[q] = 1;
      }
    }
  }
}
