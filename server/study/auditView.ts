// What each role sees of a case's audit trail. The table keeps everything (it is append-only);
// the API shows the identity of readers' results (their UIDs, and the WADO paths a lead viewed)
// only to a lead, and only once every assigned reader has submitted: before that, even a lead's
// knowing a result's UIDs would let them look at one read before the others are in, and an
// admin never needs them (they see that and when a result was stored, which progress needs).
import type { AuditEntry, Role } from '../../src/model/api.ts';

/** Detail of a result entry that names nothing: what kind of result it was. */
function anonymousResultDetail(detail: unknown): Record<string, unknown> {
  const kind = (detail as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' ? { kind } : {};
}

export function auditForRole(entries: AuditEntry[], viewer: { role: Role; caseComplete: boolean }): AuditEntry[] {
  if (viewer.role === 'lead' && viewer.caseComplete) return entries;
  return entries.map((e) => (e.action.startsWith('result.') ? { ...e, detail: anonymousResultDetail(e.detail) } : e));
}
