// Lock-out arithmetic: 5 failed logins for one user name within 15 minutes lock that name for
// 15 minutes. Pure functions over the stored state; passwordLogin.ts reads and writes it.

export interface ThrottlePolicy {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export const LOGIN_THROTTLE: ThrottlePolicy = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export interface ThrottleState {
  /** failed (or still running) attempts, oldest first */
  failedAt: Date[];
  lockedUntil: Date | null;
}

export type AttemptVerdict = { allowed: true; next: ThrottleState } | { allowed: false; retryAfterMs: number };

/** Failures that still count at `now`: those less than a window old. */
export function recentFailures(failedAt: Date[], now: Date, policy: ThrottlePolicy): Date[] {
  return failedAt.filter((t) => now.getTime() - t.getTime() < policy.windowMs);
}

/** Before the password is checked. An allowed attempt is counted as a failure straight away
 * (success removes it), so that guesses sent in parallel cannot get past the limit while their
 * hashes are being computed. */
export function beginAttempt(state: ThrottleState | null, now: Date, policy: ThrottlePolicy = LOGIN_THROTTLE): AttemptVerdict {
  if (state?.lockedUntil && state.lockedUntil.getTime() > now.getTime()) {
    return { allowed: false, retryAfterMs: state.lockedUntil.getTime() - now.getTime() };
  }
  const recent = recentFailures(state?.failedAt ?? [], now, policy);
  if (recent.length >= policy.maxFailures) {
    // Only reachable with attempts still in flight: wait until the oldest one leaves the window.
    return { allowed: false, retryAfterMs: recent[recent.length - policy.maxFailures].getTime() + policy.windowMs - now.getTime() };
  }
  return { allowed: true, next: { failedAt: [...recent, now], lockedUntil: null } };
}

/** After a wrong password: the state to store, locked when this failure reached the limit. */
export function afterFailure(state: ThrottleState, now: Date, policy: ThrottlePolicy = LOGIN_THROTTLE): ThrottleState {
  const recent = recentFailures(state.failedAt, now, policy);
  const locked = recent.length >= policy.maxFailures;
  return { failedAt: recent, lockedUntil: locked ? new Date(now.getTime() + policy.lockMs) : state.lockedUntil };
}
