import { describe, expect, it } from 'vitest';
import { csrfMatches } from './requireUser.ts';
import { clearedSessionCookie, isSecureRequest, readCookie, sessionCookie } from './sessionCookie.ts';

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Strict, for the whole site, with the session lifetime', () => {
    expect(sessionCookie('tok', 43_200, { secure: false })).toBe('ctaw_session=tok; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200');
  });
  it('is Secure exactly when the request came over HTTPS', () => {
    expect(sessionCookie('tok', 60, { secure: true })).toBe('ctaw_session=tok; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure');
    expect(isSecureRequest('https')).toBe(true);
    expect(isSecureRequest('http')).toBe(false);
  });
  it('is cleared with an empty value and Max-Age=0', () => {
    expect(clearedSessionCookie({ secure: false })).toBe('ctaw_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0');
  });
  it('is read back from a Cookie header among others', () => {
    expect(readCookie('a=1; ctaw_session=abc_-1; b=2', 'ctaw_session')).toBe('abc_-1');
    expect(readCookie('ctaw_session="q"', 'ctaw_session')).toBe('q');
    expect(readCookie('xctaw_session=1; b', 'ctaw_session')).toBeNull();
    expect(readCookie(undefined, 'ctaw_session')).toBeNull();
  });
});

describe('csrfMatches', () => {
  it('needs the exact token in one header', () => {
    expect(csrfMatches('abc', 'abc')).toBe(true);
    expect(csrfMatches('abd', 'abc')).toBe(false);
    expect(csrfMatches('ab', 'abc')).toBe(false);
    expect(csrfMatches('', 'abc')).toBe(false);
    expect(csrfMatches(undefined, 'abc')).toBe(false);
    expect(csrfMatches(['abc', 'abc'], 'abc')).toBe(false);
  });
});
