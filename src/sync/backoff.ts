// Retry delays for the sync engine: exponential with full jitter, so a hundred tabs that lost
// the same Wi-Fi do not hammer the server in step when it comes back.
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 60_000 };

/** Delay before retry number `attempt` (1 = the first retry); `random` in [0, 1). */
export function retryDelayMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  // Never zero: a retry right away after a failure is rarely useful.
  return Math.max(policy.baseMs / 4, Math.floor(random() * ceiling));
}
