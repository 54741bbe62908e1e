// What a lead's review writes: the agreement kept for a case (with the versions of the reads it
// came from and its queue summary), the review opened, and their audit entries. The route
// (server/routes/review.ts) has checked the role, the case and the body; reviewQueue.ts reads.
import { summarize, type CaseAgreement } from '../../src/model/review.ts';
import type { Queryable } from '../db/database.ts';
import { caseTarget } from './studyAudit.ts';

export type ReviewAuditAction = 'review.open' | 'review.agreement';

/** In the same append-only audit_log as the reading study's entries (studyAudit.ts), under the
 * case's target. Details never name a result (an admin reads the case's audit trail too). */
export async function writeReviewAudit(db: Queryable, entry: { userId: number; action: ReviewAuditAction; caseId: number; detail: Record<string, unknown>; ip: string | null }): Promise<void> {
  await db.query('INSERT INTO audit_log (user_id, action, target, detail, ip) VALUES ($1, $2, $3, $4, $5)', [
    entry.userId,
    entry.action,
    caseTarget(entry.caseId),
    JSON.stringify(entry.detail),
    entry.ip,
  ]);
}

/** Keeps the agreement (versions already canonical and checked against the current ones), replacing the case's last one. */
export async function keepAgreement(db: Queryable, agreement: CaseAgreement, by: { userId: number; at: Date; ip: string | null }): Promise<void> {
  const summary = summarize(agreement);
  await db.query(
    `INSERT INTO case_agreements (case_id, versions, agreement, summary, computed_at, computed_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (case_id) DO UPDATE SET versions = EXCLUDED.versions, agreement = EXCLUDED.agreement, summary = EXCLUDED.summary,
                                         computed_at = EXCLUDED.computed_at, computed_by = EXCLUDED.computed_by`,
    [agreement.caseId, JSON.stringify(agreement.versions), JSON.stringify(agreement), JSON.stringify(summary), by.at, by.userId],
  );
  await writeReviewAudit(db, { userId: by.userId, action: 'review.agreement', caseId: agreement.caseId, detail: { summary }, ip: by.ip });
}

/** Marks the case in review by this lead (again: the latest lead and time). */
export async function openReview(db: Queryable, caseId: number, by: { userId: number; at: Date; ip: string | null }): Promise<void> {
  await db.query(
    `INSERT INTO case_reviews (case_id, state, lead_id, updated_at) VALUES ($1, 'in_review', $2, $3)
     ON CONFLICT (case_id) DO UPDATE SET state = EXCLUDED.state, lead_id = EXCLUDED.lead_id, updated_at = EXCLUDED.updated_at`,
    [caseId, by.userId, by.at],
  );
  await writeReviewAudit(db, { userId: by.userId, action: 'review.open', caseId, detail: { state: 'in_review' }, ip: by.ip });
}
