import { describe, expect, it } from 'vitest';
import { storageShortfall } from './storageBudget.ts';

const MB = 1024 * 1024;

describe('storageShortfall', () => {
  it('lets a download through when it fits with a 10 % margin', () => {
    expect(storageShortfall({ quota: 1000 * MB, usage: 800 * MB }, 150 * MB)).toBeNull();
    expect(storageShortfall({}, 10_000 * MB)).toBeNull();
  });

  it('names what is needed and what is free when it does not', () => {
    expect(storageShortfall({ quota: 1000 * MB, usage: 900 * MB }, 95 * MB)).toBe(
      'Not enough storage on this device: this series needs about 95 MB and 100 MB are free for the app. Free space (or remove series kept offline) and try again.',
    );
    expect(storageShortfall({ quota: 10 * MB, usage: 20 * MB }, 1)).toContain('0 MB are free');
  });
});
