// What the end-to-end tests read of a labelmap to compare states: counts per label, the voxels
// of one label, and a hash of the whole.

/** Voxel count per label value (0 left out). */
export function labelCounts(data: Uint8Array): Record<number, number> {
  const c = new Float64Array(256);
  for (let n = 0; n < data.length; n++) c[data[n]]++;
  const counts: Record<number, number> = {};
  c.forEach((v, value) => {
    if (value > 0 && v > 0) counts[value] = v;
  });
  return counts;
}

/** Voxel indices (i + nx*(j + ny*k)) holding a label. */
export function labelIndices(data: Uint8Array, value: number): number[] {
  const out: number[] = [];
  for (let n = 0; n < data.length; n++) if (data[n] === value) out.push(n);
  return out;
}

/** FNV-1a hash of the whole labelmap, with its length: equal hashes, equal labelmaps (for tests). */
export function labelHash(data: Uint8Array): string {
  let h = 2166136261;
  for (let n = 0; n < data.length; n++) h = Math.imul(h ^ data[n], 16777619) >>> 0;
  return `${h.toString(16)}:${data.length}`;
}
