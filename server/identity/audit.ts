// The append-only audit log (audit_log; the database refuses UPDATE and DELETE on it). Entries
// name accounts and actions; they never hold passwords, tokens or patient data.
import type { Queryable } from '../db/database.ts';

export type AuditAction =
  | 'login.success'
  | 'login.failure'
  | 'logout'
  | 'user.bootstrap'
  | 'user.create'
  | 'user.password-reset'
  | 'user.disable'
  | 'user.enable'
  | 'user.revoke-sessions';

export interface AuditEntry {
  /** who did it; null when nobody is logged in (a failed login, the admin CLI) */
  userId: number | null;
  action: AuditAction;
  /** what it was done to, e.g. "user:12" */
  target?: string | null;
  detail?: Record<string, unknown>;
  ip?: string | null;
}

export async function writeAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.query('INSERT INTO audit_log (user_id, action, target, detail, ip) VALUES ($1, $2, $3, $4, $5)', [
    entry.userId,
    entry.action,
    entry.target ?? null,
    JSON.stringify(entry.detail ?? {}),
    entry.ip ?? null,
  ]);
}
