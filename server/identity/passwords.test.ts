import { describe, expect, it } from 'vitest';
import { generatePassword, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';

describe('passwordProblem', () => {
  it('accepts a long enough password that is not the user name', () => {
    expect(passwordProblem('correct horse battery', 'alice')).toBeNull();
    expect(passwordProblem('abcdefghij', 'bob')).toBeNull(); // exactly 10
  });
  it('refuses short, overlong, repetitive passwords and ones containing the user name', () => {
    expect(passwordProblem('abcdefghi', 'bob')).toBe('a password needs at least 10 characters');
    expect(passwordProblem('x'.repeat(257) + 'abcd', 'bob')).toBe('a password can have at most 256 characters');
    expect(passwordProblem('aaaaaaaaaaaa', 'bob')).toBe('a password needs at least 4 different characters');
    expect(passwordProblem('abababababab', 'bob')).toBe('a password needs at least 4 different characters');
    expect(passwordProblem('my-Alice-password', ' ALICE ')).toBe('a password must not contain the user name');
  });
  it('counts characters, not UTF-16 units', () => {
    expect(passwordProblem('😀😀😀😀😀abcd', 'bob')).toBe('a password needs at least 10 characters'); // 9 characters, 14 units
  });
  it('does not hold short user names against the password', () => {
    expect(passwordProblem('jo-likes-long-words', 'jo')).toBeNull();
  });
});

describe('generatePassword', () => {
  it('makes four groups of five unambiguous characters that pass the policy', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const pw = generatePassword();
      expect(pw).toMatch(/^[a-hj-km-np-z2-9]{5}(-[a-hj-km-np-z2-9]{5}){3}$/);
      expect(passwordProblem(pw, 'admin')).toBeNull();
      seen.add(pw);
    }
    expect(seen.size).toBe(200);
  });
});

describe('hashPassword / verifyPassword', () => {
  it('hashes with argon2id (m=19 MiB, t=2, p=1), salted, and verifies', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 'correct horse battery')).toBe(true);
    expect(await verifyPassword(a, 'correct horse batterY')).toBe(false);
  });
  it('answers false, never throws, for a hash it cannot read', async () => {
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });
});
