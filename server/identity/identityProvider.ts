// How the gateway learns who someone is. The password login is one provider; an OIDC provider
// can take its place later without touching sessions, roles or routes.
import type { User } from './users.ts';

export interface Credentials {
  username: string;
  password: string;
}

/** Why a login failed, for the audit log only: the caller answers every one of them alike. */
export type LoginFailure = 'unknown-user' | 'wrong-password' | 'disabled' | 'no-password' | 'locked';

export type AuthResult =
  | { ok: true; user: User }
  | { ok: false; why: LoginFailure; userId: number | null; retryAfterMs: number | null };

export interface IdentityProvider {
  authenticate(credentials: Credentials): Promise<AuthResult>;
}
