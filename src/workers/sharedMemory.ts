// Arrays that workers read in place. Where the page is cross-origin isolated (the server sends
// COOP and COEP) they live in a SharedArrayBuffer: the CT's voxels, the one full-size copy of the
// HU on the page, which the quantification worker reads where it held a copy of its own. Elsewhere
// an ordinary buffer, and workers are sent copies.
export function int16ArrayForWorkers(count: number): Int16Array {
  const shared = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
  return shared ? new Int16Array(new SharedArrayBuffer(count * 2)) : new Int16Array(count);
}

/** Whether `array` can be handed to a worker as it is (shared memory), not copied. */
export function isShared(array: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer === 'function' && array.buffer instanceof SharedArrayBuffer;
}
