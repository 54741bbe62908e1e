// Login sessions. The cookie holds a random 256-bit token; the database keeps only its SHA-256
// (the session id). A session ends when it has not been used for the idle time, at its absolute
// expiry, when it is revoked (logout, password reset, disabled account), or when its user is
// disabled.
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../db/database.ts';
import type { User } from './users.ts';

export type Clock = () => Date;

export interface SessionPolicy {
  idleMs: number;
  maxAgeMs: number;
}

export interface Session {
  /** SHA-256 of the token, hex */
  id: string;
  userId: number;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

export type SessionState = 'active' | 'idle' | 'expired' | 'revoked';

// Writing last_seen_at on every request would be one write per DICOM frame; a minute's
// precision is plenty against idle times counted in tens of minutes.
export const TOUCH_INTERVAL_MS = 60_000;

export function sessionState(session: Pick<Session, 'lastSeenAt' | 'expiresAt' | 'revokedAt'>, now: Date, policy: SessionPolicy): SessionState {
  if (session.revokedAt) return 'revoked';
  if (now.getTime() >= session.expiresAt.getTime()) return 'expired';
  if (now.getTime() - session.lastSeenAt.getTime() >= policy.idleMs) return 'idle';
  return 'active';
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

interface Row {
  id: string;
  user_id: number;
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  username: string;
  display_name: string;
  role: User['role'];
  disabled: boolean;
  user_created_at: Date;
}

export class Sessions {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    readonly policy: SessionPolicy,
  ) {}

  /** A new session; the token goes into the cookie and is not kept anywhere. */
  async create(userId: number): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    const session: Session = {
      id: hashToken(token),
      userId,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.policy.maxAgeMs),
      revokedAt: null,
    };
    await this.db.query('INSERT INTO sessions (id, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      session.id,
      userId,
      session.csrfToken,
      session.createdAt,
      session.lastSeenAt,
      session.expiresAt,
    ]);
    return { token, session };
  }

  /** The live session and its user for a cookie's token, or null. */
  async resolve(token: string | null): Promise<{ session: Session; user: User } | null> {
    if (!token || !TOKEN.test(token)) return null;
    const res = await this.db.query<Row>(
      `SELECT s.*, u.username, u.display_name, u.role, u.disabled, u.created_at AS user_created_at
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`,
      [hashToken(token)],
    );
    const row = res.rows[0];
    if (!row || row.disabled) return null;
    const session: Session = {
      id: row.id,
      userId: row.user_id,
      csrfToken: row.csrf_token,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
    };
    const now = this.clock();
    if (sessionState(session, now, this.policy) !== 'active') return null;
    if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
      await this.db.query('UPDATE sessions SET last_seen_at = $2 WHERE id = $1 AND revoked_at IS NULL', [session.id, now]);
      session.lastSeenAt = now;
    }
    const user: User = { id: row.user_id, username: row.username, displayName: row.display_name, role: row.role, disabled: row.disabled, createdAt: row.user_created_at };
    return { session, user };
  }

  async revoke(sessionId: string): Promise<void> {
    await this.db.query('UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [sessionId, this.clock()]);
  }

  /** Ends every live session of a user; returns how many there were. */
  async revokeAllForUser(userId: number): Promise<number> {
    const res = await this.db.query('UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2', [userId, this.clock()]);
    return res.rowCount ?? 0;
  }

  /** Forgets sessions that ended more than a day ago (the audit log keeps the logins). */
  async prune(): Promise<void> {
    const dayAgo = new Date(this.clock().getTime() - 86_400_000);
    await this.db.query('DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1 OR last_seen_at < $2', [
      dayAgo,
      new Date(dayAgo.getTime() - this.policy.idleMs),
    ]);
  }
}
