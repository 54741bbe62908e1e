import { describe, expect, it } from 'vitest';
import { hashToken, sessionState } from './sessions.ts';

const policy = { idleMs: 30 * 60_000, maxAgeMs: 8 * 3_600_000 };
const t0 = Date.UTC(2026, 0, 1, 8, 0, 0);
const at = (minutes: number): Date => new Date(t0 + minutes * 60_000);
const session = (lastSeenMin: number, revoked = false) => ({ lastSeenAt: at(lastSeenMin), expiresAt: at(480), revokedAt: revoked ? at(1) : null });

describe('sessionState', () => {
  it('is active while used within the idle time and before the absolute expiry', () => {
    expect(sessionState(session(0), at(29.9), policy)).toBe('active');
    expect(sessionState(session(450), at(479.9), policy)).toBe('active');
  });
  it('ends after the idle time without use', () => {
    expect(sessionState(session(0), at(30), policy)).toBe('idle');
  });
  it('ends at the absolute expiry however recently used', () => {
    expect(sessionState(session(479), at(480), policy)).toBe('expired');
  });
  it('ends when revoked', () => {
    expect(sessionState(session(0, true), at(1), policy)).toBe('revoked');
  });
});

describe('hashToken', () => {
  it('is the SHA-256 of the token in hex', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
