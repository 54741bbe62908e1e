import { afterEach, describe, expect, it } from 'vitest';
import { forWorker, int16ArrayForWorkers, isShared, plainCopy, sharedForWorkers } from './sharedMemory.ts';

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

  it('a mask moves into shared memory with its values, and comes out as an ordinary copy for the APIs that refuse shared memory', () => {
    g.crossOriginIsolated = true;
    const mask = Uint8Array.from([0, 1, 2, 1, 0]);
    const shared = sharedForWorkers(mask);
    expect(isShared(shared)).toBe(true);
    expect([...shared]).toEqual([0, 1, 2, 1, 0]);
    expect(sharedForWorkers(shared)).toBe(shared);
    const plain = plainCopy(shared);
    expect(isShared(plain)).toBe(false);
    expect([...plain]).toEqual([0, 1, 2, 1, 0]);
    expect(plainCopy(mask)).toBe(mask);
    g.crossOriginIsolated = false;
    expect(sharedForWorkers(mask)).toBe(mask);
  });

  it('a worker gets shared memory as it is and nothing to transfer, an ordinary array as a copy it owns', () => {
    g.crossOriginIsolated = true;
    const shared = int16ArrayForWorkers(3);
    const transfer: ArrayBuffer[] = [];
    expect(forWorker(shared, transfer)).toBe(shared);
    expect(transfer).toEqual([]);
    const plain = Int16Array.from([5, -7, 9]);
    const sent = forWorker(plain, transfer);
    expect(sent).not.toBe(plain);
    expect([...sent]).toEqual([5, -7, 9]);
    expect(transfer).toEqual([sent.buffer]);
  });
});
