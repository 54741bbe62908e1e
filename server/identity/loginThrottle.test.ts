import { describe, expect, it } from 'vitest';
import { LOGIN_THROTTLE, type ThrottleState, afterFailure, beginAttempt, recentFailures } from './loginThrottle.ts';

const MIN = 60_000;
const t0 = Date.UTC(2026, 0, 1, 8, 0, 0);
const at = (minutes: number): Date => new Date(t0 + minutes * MIN);

/** One failed login at `minutes`, as passwordLogin.ts runs it: begin, then record the failure. */
function fail(state: ThrottleState | null, minutes: number): { state: ThrottleState | null; refusedFor: number | null } {
  const verdict = beginAttempt(state, at(minutes));
  if (!verdict.allowed) return { state, refusedFor: verdict.retryAfterMs };
  return { state: afterFailure(verdict.next, at(minutes)), refusedFor: null };
}

describe('login lock-out: 5 failures within 15 minutes lock for 15 minutes', () => {
  it('locks at the fifth failure and refuses the sixth attempt until the lock ends', () => {
    let state: ThrottleState | null = null;
    for (const m of [0, 1, 2, 3]) {
      state = fail(state, m).state;
      expect(state!.lockedUntil).toBeNull();
    }
    state = fail(state, 4).state;
    expect(state!.lockedUntil).toEqual(at(19));
    expect(beginAttempt(state, at(4.5))).toEqual({ allowed: false, retryAfterMs: 14.5 * MIN });
    expect(beginAttempt(state, at(18.99)).allowed).toBe(false);
    const after = beginAttempt(state, at(19));
    expect(after.allowed).toBe(true);
    // The failures that caused the lock are all out of the window by then: a fresh start.
    expect(after.allowed && after.next.failedAt).toEqual([at(19)]);
  });

  it('forgets failures older than the window (a sliding window, not a fixed one)', () => {
    let state: ThrottleState | null = null;
    for (const m of [0, 5, 10, 14]) state = fail(state, m).state;
    // At 15 the failure at 0 has left the window: 3 earlier ones and this one count, no lock.
    state = fail(state, 15).state;
    expect(state!.lockedUntil).toBeNull();
    expect(state!.failedAt).toEqual([at(5), at(10), at(14), at(15)]);
    state = fail(state, 16).state;
    expect(state!.lockedUntil).toEqual(at(31));
  });

  it('counts attempts still being checked, so parallel guesses cannot pass the limit', () => {
    let state: ThrottleState | null = null;
    const verdicts = [];
    for (let i = 0; i < 7; i++) {
      const v = beginAttempt(state, at(0));
      verdicts.push(v.allowed);
      if (v.allowed) state = v.next;
    }
    expect(verdicts).toEqual([true, true, true, true, true, false, false]);
    expect(beginAttempt(state, at(1))).toEqual({ allowed: false, retryAfterMs: 14 * MIN });
  });

  it('recentFailures keeps those less than a window old', () => {
    expect(recentFailures([at(0), at(1), at(15)], at(15.5), LOGIN_THROTTLE)).toEqual([at(1), at(15)]);
    expect(recentFailures([at(0)], at(15), LOGIN_THROTTLE)).toEqual([]);
  });
});
