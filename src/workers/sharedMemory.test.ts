import { afterEach, describe, expect, it } from 'vitest';
import { int16ArrayForWorkers, isShared } from './sharedMemory.ts';

const g = globalThis as { crossOriginIsolated?: boolean };

describe('arrays that workers read in place', () => {
  afterEach(() => delete g.crossOriginIsolated);

  it('are shared memory on a cross-origin isolated page, which a worker is handed as it is', () => {
    g.crossOriginIsolated = true;
    const a = int16ArrayForWorkers(8);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(a.length).toBe(8);
    expect(isShared(a)).toBe(true);
  });

  it('are ordinary buffers elsewhere, which a worker is sent a copy of', () => {
    g.crossOriginIsolated = false;
    const a = int16ArrayForWorkers(8);
    expect(a.buffer).toBeInstanceOf(ArrayBuffer);
    expect(isShared(a)).toBe(false);
    delete g.crossOriginIsolated;
    expect(isShared(int16ArrayForWorkers(4))).toBe(false);
  });
});
