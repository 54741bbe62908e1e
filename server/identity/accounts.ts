// What an administrator does to accounts, from the admin API or the admin CLI: each change checks
// its input, ends the sessions it has to, and writes the audit log.
import { StartupError } from '../startupError.ts';
import { writeAudit } from './audit.ts';
import type { Identity } from './identity.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, generatePassword, hashPassword, passwordProblem } from './passwords.ts';
import { ROLES, type Role } from '../../src/model/api.ts';
import { type User, UsernameTakenError, normaliseUsername, usernameProblem } from './users.ts';

/** Who asks: an admin's session (API) or whoever runs the CLI on the server. */
export interface Actor {
  userId: number | null;
  ip: string | null;
  via: 'api' | 'cli' | 'start-up';
}

export class AccountError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'AccountError';
  }
}

function checkedPassword(password: string | undefined, username: string): { password: string; generated: boolean } {
  if (password === undefined) return { password: generatePassword(), generated: true };
  const problem = passwordProblem(password, username);
  if (problem) throw new AccountError(400, problem);
  return { password, generated: false };
}

/** Creates an account; without a password one is generated and returned (shown once). */
export async function createAccount(
  identity: Identity,
  actor: Actor,
  input: { username: string; displayName: string; role: Role; password?: string },
  action: 'user.create' | 'user.bootstrap' = 'user.create',
): Promise<{ user: User; password: string | null }> {
  const username = normaliseUsername(input.username);
  const nameProblem = usernameProblem(username);
  if (nameProblem) throw new AccountError(400, nameProblem);
  if (!ROLES.includes(input.role)) throw new AccountError(400, `the role is one of ${ROLES.join(', ')}`);
  const displayName = input.displayName.trim();
  if (displayName.length < 1 || displayName.length > 200) throw new AccountError(400, 'a display name has 1 to 200 characters');
  const { password, generated } = checkedPassword(input.password, username);
  const passwordHash = await hashPassword(password);
  try {
    const user = await identity.users.create({ username, displayName, role: input.role, passwordHash });
    await writeAudit(identity.db, { userId: actor.userId, action, target: `user:${user.id}`, detail: { username, role: user.role, via: actor.via }, ip: actor.ip });
    return { user, password: generated ? password : null };
  } catch (err) {
    if (err instanceof UsernameTakenError) throw new AccountError(409, err.message);
    throw err;
  }
}

/** Sets a new password (generated when none is given) and ends the user's sessions. */
export async function resetPassword(identity: Identity, actor: Actor, userId: number, newPassword?: string): Promise<{ user: User; password: string | null; revoked: number }> {
  const user = await identity.users.byId(userId);
  if (!user) throw new AccountError(404, 'no such user');
  const { password, generated } = checkedPassword(newPassword, user.username);
  await identity.users.setPasswordHash(user.id, await hashPassword(password));
  const revoked = await identity.sessions.revokeAllForUser(user.id);
  await writeAudit(identity.db, { userId: actor.userId, action: 'user.password-reset', target: `user:${user.id}`, detail: { username: user.username, revokedSessions: revoked, via: actor.via }, ip: actor.ip });
  return { user, password: generated ? password : null, revoked };
}

/** Disables (and logs out) or re-enables an account. */
export async function setDisabled(identity: Identity, actor: Actor, userId: number, disabled: boolean): Promise<{ user: User; revoked: number }> {
  if (disabled && actor.userId === userId) throw new AccountError(409, 'you cannot disable your own account');
  const user = await identity.users.byId(userId);
  if (!user) throw new AccountError(404, 'no such user');
  await identity.users.setDisabled(user.id, disabled);
  const revoked = disabled ? await identity.sessions.revokeAllForUser(user.id) : 0;
  await writeAudit(identity.db, { userId: actor.userId, action: disabled ? 'user.disable' : 'user.enable', target: `user:${user.id}`, detail: { username: user.username, revokedSessions: revoked, via: actor.via }, ip: actor.ip });
  return { user: { ...user, disabled }, revoked };
}

export async function revokeSessions(identity: Identity, actor: Actor, userId: number): Promise<{ user: User; revoked: number }> {
  const user = await identity.users.byId(userId);
  if (!user) throw new AccountError(404, 'no such user');
  const revoked = await identity.sessions.revokeAllForUser(user.id);
  await writeAudit(identity.db, { userId: actor.userId, action: 'user.revoke-sessions', target: `user:${user.id}`, detail: { username: user.username, revokedSessions: revoked, via: actor.via }, ip: actor.ip });
  return { user, revoked };
}

/** At start-up: the first account when there is none, so that someone can log in at all. */
export async function bootstrapAdmin(identity: Identity, password: string | null): Promise<{ username: string; password: string | null } | null> {
  if ((await identity.users.count()) > 0) return null;
  try {
    const created = await createAccount(
      identity,
      { userId: null, ip: null, via: 'start-up' },
      { username: 'admin', displayName: 'Administrator', role: 'admin', password: password ?? undefined },
      'user.bootstrap',
    );
    return { username: created.user.username, password: created.password };
  } catch (err) {
    // Another replica starting at the same moment made it.
    if (err instanceof AccountError && err.status === 409) return null;
    // Only the password can be refused here (the rest is fixed above); never its value in the line.
    if (err instanceof AccountError) {
      throw new StartupError(
        'CTAW_ADMIN_PASSWORD',
        `CTAW_ADMIN_PASSWORD: ${err.message} (the first admin account was not made): set CTAW_ADMIN_PASSWORD to ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters, ` +
          'at least 4 different and without "admin" in them, or unset it to have a password made and printed once',
        { cause: err },
      );
    }
    throw err;
  }
}
