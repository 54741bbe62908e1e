// Login with a user name and password, with the lock-out of loginThrottle.ts. Every failure looks
// alike from outside: the same answer, and an argon2 verification even when the name has no
// account, so that neither words nor timing tell which names exist.
import type { Database, Queryable } from '../db/database.ts';
import type { AuthResult, Credentials, IdentityProvider } from './identityProvider.ts';
import { LOGIN_THROTTLE, type ThrottlePolicy, type ThrottleState, afterFailure, beginAttempt } from './loginThrottle.ts';
import { generatePassword, hashPassword, verifyPassword } from './passwords.ts';
import type { Clock } from './sessions.ts';
import { Users, normaliseUsername } from './users.ts';

export class PasswordLogin implements IdentityProvider {
  private readonly users: Users;
  /** A hash of a random password, checked when the name has no account; made up front so that
   * the first unknown name takes no longer than the next ones. */
  private readonly dummyHash: Promise<string> = hashPassword(generatePassword());
  private lastPruneMs = 0;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly policy: ThrottlePolicy = LOGIN_THROTTLE,
  ) {
    this.users = new Users(db);
  }

  async authenticate(credentials: Credentials): Promise<AuthResult> {
    // Keyed by the name as typed (normalised, at most 128 characters): unknown names lock too.
    const key = normaliseUsername(credentials.username).slice(0, 128);
    const now = this.clock();
    const verdict = await this.db.transaction(async (tx) => {
      const state = await readThrottle(tx, key);
      const v = beginAttempt(state, now, this.policy);
      if (v.allowed) await writeThrottle(tx, key, v.next);
      return v;
    });
    if (!verdict.allowed) return { ok: false, why: 'locked', userId: null, retryAfterMs: verdict.retryAfterMs };

    // The hash is checked outside any transaction: the embedded database has one connection.
    const account = await this.users.withPasswordHash(key);
    const hash = account?.passwordHash ?? (await this.dummyHash);
    const matches = await verifyPassword(hash, credentials.password);
    if (account && account.passwordHash && matches && !account.user.disabled) {
      await this.db.query('DELETE FROM login_throttle WHERE username_key = $1', [key]);
      return { ok: true, user: account.user };
    }

    const lockedUntil = await this.db.transaction(async (tx) => {
      const state = (await readThrottle(tx, key)) ?? { failedAt: [now], lockedUntil: null };
      const next = afterFailure(state, this.clock(), this.policy);
      await writeThrottle(tx, key, next);
      return next.lockedUntil;
    });
    if (now.getTime() - this.lastPruneMs > 60_000) {
      this.lastPruneMs = now.getTime();
      await this.pruneThrottle();
    }
    const why = !account ? 'unknown-user' : account.user.disabled ? 'disabled' : !account.passwordHash ? 'no-password' : 'wrong-password';
    const retryAfterMs = lockedUntil ? lockedUntil.getTime() - this.clock().getTime() : null;
    return { ok: false, why, userId: account?.user.id ?? null, retryAfterMs };
  }

  /** Rows of names that have neither recent failures nor a lock (sprayed unknown names). */
  private async pruneThrottle(): Promise<void> {
    const now = this.clock();
    await this.db.query(
      `DELETE FROM login_throttle
        WHERE (locked_until IS NULL OR locked_until < $1)
          AND NOT EXISTS (SELECT 1 FROM unnest(failed_at) AS f (t) WHERE f.t > $2)`,
      [now, new Date(now.getTime() - this.policy.windowMs)],
    );
  }
}

/** Reads a name's state and locks its row until the transaction ends, so that parallel attempts
 * on one name are counted one after the other (the empty row is made first for that). */
async function readThrottle(tx: Queryable, key: string): Promise<ThrottleState | null> {
  await tx.query("INSERT INTO login_throttle (username_key, failed_at) VALUES ($1, '{}') ON CONFLICT (username_key) DO NOTHING", [key]);
  const res = await tx.query<{ failed_at: Date[]; locked_until: Date | null }>('SELECT failed_at, locked_until FROM login_throttle WHERE username_key = $1 FOR UPDATE', [key]);
  const row = res.rows[0];
  return row ? { failedAt: row.failed_at, lockedUntil: row.locked_until } : null;
}

async function writeThrottle(db: Queryable, key: string, state: ThrottleState): Promise<void> {
  await db.query(
    `INSERT INTO login_throttle (username_key, failed_at, locked_until) VALUES ($1, $2, $3)
     ON CONFLICT (username_key) DO UPDATE SET failed_at = EXCLUDED.failed_at, locked_until = EXCLUDED.locked_until`,
    [key, state.failedAt, state.lockedUntil],
  );
}
