import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.ts';

describe('retry backoff', () => {
  it('grows exponentially up to the cap, with jitter below the ceiling', () => {
    const policy = { baseMs: 1000, maxMs: 16_000 };
    expect(retryDelayMs(1, policy, () => 0.999)).toBe(999);
    expect(retryDelayMs(3, policy, () => 0.999)).toBe(3996);
    expect(retryDelayMs(10, policy, () => 0.999)).toBe(15_984);
    expect(retryDelayMs(4, policy, () => 0.5)).toBe(4000);
  });

  it('never retries at once', () => {
    expect(retryDelayMs(1, { baseMs: 1000, maxMs: 60_000 }, () => 0)).toBe(250);
  });
});
