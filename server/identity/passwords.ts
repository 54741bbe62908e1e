// Password hashing (argon2id), the rules a new password must meet, and generated passwords.
import { randomInt } from 'node:crypto';
import { type Algorithm, hash, verify } from '@node-rs/argon2';

// OWASP Password Storage Cheat Sheet: argon2id with m=19 MiB, t=2, p=1 (~30 ms here). The
// parameters are in each stored hash, so raising them later leaves older hashes verifiable.
const ARGON2ID = 2 as Algorithm; // Algorithm.Argon2id: a const enum, which isolatedModules cannot read
const HASH_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const PASSWORD_MIN_LENGTH = 10;
// argon2 takes any length; the cap keeps one login request from costing more than a long string.
export const PASSWORD_MAX_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, HASH_OPTIONS);
}

/** false for a wrong password and for a hash it cannot read (never throws). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Why a new password is refused, in words for the person choosing it; null when it is fine.
 * Length over composition rules (NIST SP 800-63B 3.1.1.2). */
export function passwordProblem(password: string, username: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `a password needs at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `a password can have at most ${PASSWORD_MAX_LENGTH} characters`;
  if (new Set(password).size < 4) return 'a password needs at least 4 different characters';
  const name = username.trim().toLowerCase();
  if (name.length >= 3 && password.toLowerCase().includes(name)) return 'a password must not contain the user name';
  return null;
}

// No 0/o, 1/l/i: a generated password is read off a screen and typed.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** 20 random characters in groups of five (~99 bits), e.g. "k3x9p-...". */
export function generatePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let group = '';
    for (let i = 0; i < 5; i++) group += ALPHABET[randomInt(ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}
