// Where a lead's consensus starts, and what the review overlays: pure functions over the readers'
// labelmaps on one grid. Readers' segments are matched by label (every read of a study uses the
// study's segment list), and the result is written in the consensus's own segment values.

export type ConsensusStart = 'one' | 'union' | 'intersection' | 'majority';

export interface ReaderLabels {
  labels: Uint8Array;
  /** value in `labels` → segment label */
  segments: Array<{ value: number; label: string }>;
}

/** Each reader's values rewritten as the target's values (by label); unknown labels go to `fallback`. */
function remap(reader: ReaderLabels, target: Map<string, number>, fallback: number): Uint8Array {
  const table = new Uint8Array(256);
  for (const s of reader.segments) table[s.value] = target.get(s.label) ?? fallback;
  return table;
}

/**
 * The consensus's first labelmap from the reads, in the order the lead chose them (the first
 * decides ties): 'one' the first read; 'union' every voxel any reader painted, the first reader
 * (in order) who painted it giving its segment; 'intersection' the voxels every reader painted,
 * the first reader's segment; 'majority' the voxels more than half of the readers painted, in
 * the segment most of them gave it (a tie goes to the segment of the first reader among the tied).
 */
export function consensusStart(reads: ReaderLabels[], how: ConsensusStart, target: Map<string, number>, fallback: number): Uint8Array {
  if (reads.length === 0) throw new Error('no read to start from');
  const n = reads[0].labels.length;
  if (reads.some((r) => r.labels.length !== n)) throw new Error('the reads are not on one grid');
  const tables = reads.map((r) => remap(r, target, fallback));
  const out = new Uint8Array(n);
  const chosen = how === 'one' ? reads.slice(0, 1) : reads;
  const counts = new Uint16Array(256);
  for (let i = 0; i < n; i++) {
    let painted = 0;
    let first = 0;
    for (let r = 0; r < chosen.length; r++) {
      const v = chosen[r].labels[i];
      if (v === 0) continue;
      painted++;
      if (first === 0) first = tables[r][v];
    }
    if (painted === 0) continue;
    if (how === 'one' || how === 'union') out[i] = first;
    else if (how === 'intersection') out[i] = painted === chosen.length ? first : 0;
    else if (painted * 2 > chosen.length) {
      let best = 0;
      let bestCount = 0;
      for (let r = 0; r < chosen.length; r++) {
        const v = chosen[r].labels[i];
        if (v !== 0) counts[tables[r][v]]++;
      }
      // In reader order, so that among tied segments the first reader's wins.
      for (let r = 0; r < chosen.length; r++) {
        const v = chosen[r].labels[i];
        if (v === 0) continue;
        const t = tables[r][v];
        if (counts[t] > bestCount) {
          best = t;
          bestCount = counts[t];
        }
      }
      for (let r = 0; r < chosen.length; r++) counts[tables[r][chosen[r].labels[i]]] = 0;
      out[i] = best;
    }
  }
  return out;
}

/** The review's overlay of two reads: 1 = A only, 2 = B only, 3 = both (any segment). */
export const OVERLAY = { aOnly: 1, bOnly: 2, both: 3 } as const;

export function overlayOf(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) throw new Error('the reads are not on one grid');
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i] !== 0;
    const y = b[i] !== 0;
    out[i] = x && y ? OVERLAY.both : x ? OVERLAY.aOnly : y ? OVERLAY.bOnly : 0;
  }
  return out;
}
