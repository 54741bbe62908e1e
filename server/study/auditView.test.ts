import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/model/api.ts';
import { auditForRole } from './auditView.ts';

const entry = (action: string, detail: unknown): AuditEntry => ({ at: '2026-01-01T00:00:00.000Z', userId: 3, username: 'ann', action, detail, ip: '127.0.0.1' });
const trail = [
  entry('case.open', { seriesInstanceUid: '1.2.3' }),
  entry('result.store', { kind: 'seg', studyInstanceUid: '1.2', seriesInstanceUid: '2.25.9', sopInstanceUid: '2.25.10' }),
  entry('result.view', { seriesInstanceUid: '2.25.9', ownerId: 3, path: '/dicom-web/studies/1.2/series/2.25.9/metadata' }),
];

describe('the audit trail by role', () => {
  it("shows an admin, and a lead before the reads are complete, that a result was stored, not which", () => {
    for (const viewer of [{ role: 'admin', caseComplete: true }, { role: 'admin', caseComplete: false }, { role: 'lead', caseComplete: false }] as const) {
      const seen = auditForRole(trail, viewer);
      expect(JSON.stringify(seen)).not.toMatch(/2\.25\.(9|10)/);
      expect(seen.map((e) => e.action)).toEqual(['case.open', 'result.store', 'result.view']);
      expect(seen[1].detail).toEqual({ kind: 'seg' });
      expect(seen[2].detail).toEqual({});
      expect(seen[1].at).toBe(trail[1].at);
    }
  });

  it('shows a lead everything once every read is in', () => {
    expect(auditForRole(trail, { role: 'lead', caseComplete: true })).toEqual(trail);
  });
});
