// Audit entries of the reading study, in the same append-only audit_log as logins and account
// changes. Targets name the case ("case:12") so that GET /api/cases/:id/audit finds them by index;
// details name objects by UID, never by patient.
import type { Queryable } from '../db/database.ts';

export type StudyAuditAction =
  | 'study.create'
  | 'case.add'
  | 'assignment.plan'
  | 'assignment.add'
  | 'assignment.remove'
  | 'case.open'
  | 'result.store'
  | 'result.view';

export interface StudyAuditEntry {
  userId: number;
  action: StudyAuditAction;
  target: string;
  detail?: Record<string, unknown>;
  ip: string | null;
}

export async function writeStudyAudit(db: Queryable, entry: StudyAuditEntry): Promise<void> {
  await db.query('INSERT INTO audit_log (user_id, action, target, detail, ip) VALUES ($1, $2, $3, $4, $5)', [
    entry.userId,
    entry.action,
    entry.target,
    JSON.stringify(entry.detail ?? {}),
    entry.ip,
  ]);
}

export const caseTarget = (caseId: number): string => `case:${caseId}`;
