// Arrays that workers read in place. Where the page is cross-origin isolated (the server sends
// COOP and COEP) they live in a SharedArrayBuffer: the CT's voxels, the one full-size copy of the
// HU on the page, and the lung masks, which the quantification worker reads where it held copies
// of its own. Elsewhere ordinary buffers, and workers are sent copies.
// Compression streams, Blob and IndexedDB refuse shared memory: give them plainCopy().
function canShare(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

export function int16ArrayForWorkers(count: number): Int16Array {
  return canShare() ? new Int16Array(new SharedArrayBuffer(count * 2)) : new Int16Array(count);
}

/** `array` in shared memory where the page can share (a copy), else `array` itself. */
export function sharedForWorkers(array: Uint8Array): Uint8Array {
  if (!canShare() || isShared(array)) return array;
  const shared = new Uint8Array(new SharedArrayBuffer(array.length));
  shared.set(array);
  return shared;
}

/** `array` in an ordinary buffer (a copy when it is shared), for the APIs that refuse shared memory. */
export function plainCopy(array: Uint8Array): Uint8Array<ArrayBuffer> {
  return (isShared(array) ? array.slice() : array) as Uint8Array<ArrayBuffer>;
}

/** Whether `array` can be handed to a worker as it is (shared memory), not copied. */
export function isShared(array: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer === 'function' && array.buffer instanceof SharedArrayBuffer;
}

/**
 * `array` as a worker is to get it: itself when shared (read in place), else a copy whose buffer
 * goes into `transfer` (the caller keeps using its own).
 */
export function forWorker<T extends Uint8Array | Int16Array>(array: T, transfer: ArrayBuffer[]): T {
  if (isShared(array)) return array;
  const copy = array.slice() as T;
  transfer.push(copy.buffer as ArrayBuffer);
  return copy;
}
