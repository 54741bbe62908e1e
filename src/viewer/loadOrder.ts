// The order in which a volume's slices are fetched.

/**
 * Load order for streaming: the middle slice first (the one the axial view opens on), then
 * outwards, so the first image a reader sees is there after one frame, not half the series.
 */
export function centerOutOrder<T>(items: T[]): T[] {
  if (items.length === 0) return [];
  const out: T[] = [];
  const mid = Math.floor((items.length - 1) / 2);
  out.push(items[mid]);
  for (let d = 1; out.length < items.length; d++) {
    if (mid + d < items.length) out.push(items[mid + d]);
    if (mid - d >= 0) out.push(items[mid - d]);
  }
  return out;
}
