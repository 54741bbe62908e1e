// The lesions of the suggestion: 3D components of the core (the candidates outside the edge zone and
// the dependent band), those too small dropped, and each grown back into the zone's candidates
// within the band's depth so that a subpleural lesion keeps its part against the pleura.
import { componentsOf } from '../../contouring/connectedComponents.ts';
import { voxelMl } from '../ctVolume.ts';
import type { SuggestionOptions } from './options.ts';
import type { WorkGrid } from './workBox.ts';

/**
 * Provisional component labels on the box (`local`, 0 = none, ids up to `count`), the small ones
 * cleared and the kept ones reattached to their part in the zone.
 */
export function lesionComponents(core: Uint8Array, opened: Uint8Array, zone: Uint8Array, w: WorkGrid, o: SuggestionOptions): { local: Int32Array; count: number } {
  const { cx, cy, cz } = w;
  const [sx, sy, sz] = w.spacing;
  const size = cx * cy * cz;
  const { labels: local, sizes } = componentsOf(core, [cx, cy, cz], 1);
  const minVoxels = o.minComponentMl / voxelMl(w.spacing);
  for (let p = 0; p < size; p++) {
    const c = local[p];
    if (c !== 0 && sizes[c - 1] < minVoxels) local[p] = 0;
  }
  // A lesion found outside the zone keeps its part in the zone, reached through candidates over
  // at most the band's depth, so the band itself cannot carry it along the whole lung surface.
  reattach(local, opened, zone, cx, cy, cz, w.spacing, Math.max(o.dependentBandMm, o.edgeMm) + Math.max(sx, sy, sz));
  return { local, count: sizes.length };
}

/**
 * Grows the kept labels into the zone's candidates (opened & zone) up to reachMm of path length
 * (26-neighbour steps weighted by their length in mm), each voxel taking the label that reaches it
 * first along the shortest path.
 */
function reattach(local: Int32Array, opened: Uint8Array, zone: Uint8Array, cx: number, cy: number, cz: number, spacing: readonly number[], reachMm: number): void {
  const plane = cx * cy;
  const offsets: number[] = [];
  const steps: number[] = [];
  const di: number[] = [];
  const dj: number[] = [];
  const dk: number[] = [];
  for (let z = -1; z <= 1; z++) {
    for (let y = -1; y <= 1; y++) {
      for (let x = -1; x <= 1; x++) {
        if (x === 0 && y === 0 && z === 0) continue;
        offsets.push(x + cx * y + plane * z);
        steps.push(Math.hypot(x * spacing[0], y * spacing[1], z * spacing[2]));
        di.push(x);
        dj.push(y);
        dk.push(z);
      }
    }
  }
  const dist = new Map<number, number>();
  let queue: number[] = [];
  // Seeds: kept voxels (never in the zone) with a zone candidate among their 26 neighbours.
  for (let k = 0, p = 0; k < cz; k++) {
    for (let j = 0; j < cy; j++) {
      for (let i = 0; i < cx; i++, p++) {
        if (local[p] === 0) continue;
        if (i === 0 || j === 0 || k === 0 || i === cx - 1 || j === cy - 1 || k === cz - 1) {
          queue.push(p);
          continue;
        }
        for (let n = 0; n < 26; n++) {
          const q = p + offsets[n];
          if (opened[q] === 1 && zone[q] === 1) {
            queue.push(p);
            break;
          }
        }
      }
    }
  }
  // Label-correcting relaxation: the zone's candidates are a thin shell, so few voxels are revisited.
  while (queue.length > 0) {
    const next: number[] = [];
    for (const p of queue) {
      const d0 = dist.get(p) ?? 0;
      const i = p % cx;
      const j = Math.floor(p / cx) % cy;
      const k = Math.floor(p / plane);
      for (let n = 0; n < 26; n++) {
        const ii = i + di[n];
        const jj = j + dj[n];
        const kk = k + dk[n];
        if (ii < 0 || jj < 0 || kk < 0 || ii >= cx || jj >= cy || kk >= cz) continue;
        const q = p + offsets[n];
        if (opened[q] === 0 || zone[q] === 0) continue;
        const d = d0 + steps[n];
        if (d > reachMm) continue;
        const old = dist.get(q);
        if (old !== undefined && old <= d) continue;
        dist.set(q, d);
        local[q] = local[p];
        next.push(q);
      }
    }
    queue = next;
  }
}
