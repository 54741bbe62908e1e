// The reading study in the database: studies, their cases, who reads which case, progress and the
// reads a lead may see. Routes (server/routes/studies.ts) check roles; this checks the data.
import type { AssignmentOutcome, AuditEntry, CaseReads, CaseRef, NewCase, ReadSummary, Study, StudyListing, StudyProgress } from '../../src/model/api.ts';
import type { ResultKind } from '../../src/model/read.ts';
import type { Database, Queryable } from '../db/database.ts';
import { CASE_COMPLETE_SQL } from '../gateway/accessFacts.ts';
import { PlanError, planAssignments } from './assignmentPlan.ts';

export class StudyError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'StudyError';
  }
}

interface StudyRow {
  id: number;
  name: string;
  form_schema: unknown;
  segment_list: unknown;
  readers_per_case: number;
  seed: string;
  created_at: Date;
}

function toStudy(r: StudyRow): Study {
  return { id: r.id, name: r.name, formSchema: r.form_schema, segmentList: r.segment_list, readersPerCase: r.readers_per_case, seed: r.seed, createdAt: r.created_at.toISOString() };
}

const isUniqueViolation = (err: unknown): boolean => (err as { code?: string }).code === '23505';

export async function createStudy(db: Queryable, input: { name: string; formSchema: unknown; segmentList: unknown; readersPerCase: number; seed: string }): Promise<Study> {
  try {
    const res = await db.query<StudyRow>(
      `INSERT INTO studies (name, form_schema, segment_list, readers_per_case, seed) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [input.name, JSON.stringify(input.formSchema), JSON.stringify(input.segmentList), input.readersPerCase, input.seed],
    );
    return toStudy(res.rows[0]);
  } catch (err) {
    if (isUniqueViolation(err)) throw new StudyError(409, `a study named ${input.name} exists`);
    throw err;
  }
}

export async function getStudy(db: Queryable, id: number): Promise<Study | null> {
  const res = await db.query<StudyRow>('SELECT * FROM studies WHERE id = $1', [id]);
  return res.rows[0] ? toStudy(res.rows[0]) : null;
}

export async function listStudies(db: Queryable): Promise<StudyListing[]> {
  const res = await db.query<StudyRow & { cases: number }>(
    'SELECT s.*, (SELECT count(*)::int FROM cases c WHERE c.study_id = s.id) AS cases FROM studies s ORDER BY s.id',
  );
  return res.rows.map((r) => ({ ...toStudy(r), cases: r.cases }));
}

/** The reader has at least one case of the study. */
export async function readerInStudy(db: Queryable, userId: number, studyId: number): Promise<boolean> {
  const res = await db.query('SELECT 1 FROM assignments a JOIN cases c ON c.id = a.case_id WHERE a.user_id = $1 AND c.study_id = $2 LIMIT 1', [userId, studyId]);
  return res.rowCount === 1;
}

export async function getCase(db: Queryable, caseId: number): Promise<CaseRef | null> {
  const res = await db.query<{ id: number; study_id: number; label: string; study_instance_uid: string; series_instance_uid: string }>(
    'SELECT id, study_id, label, study_instance_uid, series_instance_uid FROM cases WHERE id = $1',
    [caseId],
  );
  const r = res.rows[0];
  return r ? { id: r.id, studyId: r.study_id, label: r.label, studyInstanceUid: r.study_instance_uid, seriesInstanceUid: r.series_instance_uid } : null;
}

export async function isAssigned(db: Queryable, caseId: number, userId: number): Promise<boolean> {
  return (await db.query('SELECT 1 FROM assignments WHERE case_id = $1 AND user_id = $2', [caseId, userId])).rowCount === 1;
}

/** Adds cases in one transaction; labels default to "Case 0001", "Case 0002", … in the study. */
export async function addCases(db: Database, studyId: number, cases: NewCase[]): Promise<CaseRef[]> {
  return db.transaction(async (tx) => {
    if ((await tx.query('SELECT 1 FROM studies WHERE id = $1 FOR UPDATE', [studyId])).rowCount !== 1) throw new StudyError(404, 'no such study');
    const taken = await tx.query<{ series_instance_uid: string }>('SELECT series_instance_uid FROM result_series WHERE series_instance_uid = ANY($1::text[])', [
      cases.map((c) => c.seriesInstanceUid),
    ]);
    if (taken.rows.length) throw new StudyError(400, `series ${taken.rows[0].series_instance_uid} holds results, not a CT`);
    let n = (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM cases WHERE study_id = $1', [studyId])).rows[0].n;
    const added: CaseRef[] = [];
    for (const c of cases) {
      const label = c.label ?? `Case ${String(++n).padStart(4, '0')}`;
      try {
        const res = await tx.query<{ id: number }>(
          'INSERT INTO cases (study_id, study_instance_uid, series_instance_uid, label) VALUES ($1, $2, $3, $4) RETURNING id',
          [studyId, c.studyInstanceUid, c.seriesInstanceUid, label],
        );
        added.push({ id: res.rows[0].id, studyId, label, studyInstanceUid: c.studyInstanceUid, seriesInstanceUid: c.seriesInstanceUid });
      } catch (err) {
        if (isUniqueViolation(err)) throw new StudyError(409, `the study already has the series ${c.seriesInstanceUid} or the label ${label}`);
        throw err;
      }
    }
    return added;
  });
}

/** Per case and per reader: assigned and submitted counts (submitted: a result is stored). */
export async function studyProgress(db: Queryable, studyId: number): Promise<StudyProgress> {
  const perAssignment = `
    SELECT a.case_id, a.user_id,
           EXISTS (SELECT 1 FROM results r WHERE r.case_id = a.case_id AND r.user_id = a.user_id) AS submitted
      FROM assignments a JOIN cases c ON c.id = a.case_id WHERE c.study_id = $1`;
  const [cases, readers] = await Promise.all([
    db.query<{ id: number; label: string; study_instance_uid: string; series_instance_uid: string; assigned: number; submitted: number }>(
      `SELECT c.id, c.label, c.study_instance_uid, c.series_instance_uid,
              count(p.user_id)::int AS assigned, count(*) FILTER (WHERE p.submitted)::int AS submitted
         FROM cases c LEFT JOIN (${perAssignment}) p ON p.case_id = c.id
        WHERE c.study_id = $1 GROUP BY c.id ORDER BY c.id`,
      [studyId],
    ),
    db.query<{ user_id: number; username: string; display_name: string; assigned: number; submitted: number }>(
      `SELECT p.user_id, u.username, u.display_name, count(*)::int AS assigned, count(*) FILTER (WHERE p.submitted)::int AS submitted
         FROM (${perAssignment}) p JOIN users u ON u.id = p.user_id
        GROUP BY p.user_id, u.username, u.display_name ORDER BY u.username`,
      [studyId],
    ),
  ]);
  return {
    cases: cases.rows.map((r) => ({ id: r.id, label: r.label, studyInstanceUid: r.study_instance_uid, seriesInstanceUid: r.series_instance_uid, assigned: r.assigned, submitted: r.submitted })),
    readers: readers.rows.map((r) => ({ userId: r.user_id, username: r.username, displayName: r.display_name, assigned: r.assigned, submitted: r.submitted })),
  };
}

/** Enabled accounts with the reader role among ids (all enabled readers when ids is null). */
async function enabledReaders(db: Queryable, ids: number[] | null): Promise<number[]> {
  const res = await db.query<{ id: number }>(
    `SELECT id FROM users WHERE role = 'reader' AND NOT disabled ${ids ? 'AND id = ANY($1::int[])' : ''} ORDER BY id`,
    ids ? [ids] : [],
  );
  if (ids && res.rows.length !== new Set(ids).size) throw new StudyError(400, 'every id must be an enabled reader account');
  return res.rows.map((r) => r.id);
}

/**
 * Assigns the study's cases that have no reader yet: planAssignments with the study's seed (or the
 * one given), over the chosen readers (default: every enabled reader), balanced with what those
 * readers already have in this study.
 */
export async function assignUnassigned(db: Database, studyId: number, opts: { readerIds: number[] | null; seed?: string }): Promise<AssignmentOutcome> {
  return db.transaction(async (tx) => {
    const study = await tx.query<{ readers_per_case: number; seed: string }>('SELECT readers_per_case, seed FROM studies WHERE id = $1 FOR UPDATE', [studyId]);
    if (!study.rows[0]) throw new StudyError(404, 'no such study');
    const readers = await enabledReaders(tx, opts.readerIds);
    const cases = await tx.query<{ id: number }>(
      'SELECT c.id FROM cases c WHERE c.study_id = $1 AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = c.id) ORDER BY c.id',
      [studyId],
    );
    const load = await tx.query<{ user_id: number; n: number }>(
      'SELECT a.user_id, count(*)::int AS n FROM assignments a JOIN cases c ON c.id = a.case_id WHERE c.study_id = $1 GROUP BY a.user_id',
      [studyId],
    );
    const seed = opts.seed ?? study.rows[0].seed;
    let plan;
    try {
      plan = planAssignments({
        caseIds: cases.rows.map((r) => r.id),
        readerIds: readers,
        readersPerCase: study.rows[0].readers_per_case,
        seed,
        existingLoad: new Map(load.rows.map((r) => [r.user_id, r.n])),
      });
    } catch (err) {
      if (err instanceof PlanError) throw new StudyError(400, err.message);
      throw err;
    }
    const caseIds: number[] = [];
    const userIds: number[] = [];
    for (const p of plan) {
      for (const r of p.readerIds) {
        caseIds.push(p.caseId);
        userIds.push(r);
      }
    }
    if (caseIds.length) {
      await tx.query('INSERT INTO assignments (case_id, user_id) SELECT * FROM unnest($1::int[], $2::int[])', [caseIds, userIds]);
    }
    return { assigned: caseIds.length, plan, seed };
  });
}

export async function addAssignment(db: Queryable, caseId: number, userId: number): Promise<boolean> {
  if (!(await getCase(db, caseId))) throw new StudyError(404, 'no such case');
  await enabledReaders(db, [userId]);
  const res = await db.query('INSERT INTO assignments (case_id, user_id) VALUES ($1, $2) ON CONFLICT ON CONSTRAINT assignments_once DO NOTHING', [caseId, userId]);
  return res.rowCount === 1;
}

export async function removeAssignment(db: Queryable, caseId: number, userId: number): Promise<void> {
  const results = await db.query('SELECT 1 FROM results WHERE case_id = $1 AND user_id = $2 LIMIT 1', [caseId, userId]);
  if (results.rowCount) throw new StudyError(409, 'the reader has submitted a result for this case; the assignment stays');
  const res = await db.query('DELETE FROM assignments WHERE case_id = $1 AND user_id = $2', [caseId, userId]);
  if (res.rowCount !== 1) throw new StudyError(404, 'no such assignment');
}

/** Records the first open of an assigned case (the worklist's "in progress"). */
export async function markOpened(db: Queryable, caseId: number, userId: number, at: Date): Promise<void> {
  await db.query('UPDATE assignments SET opened_at = $3 WHERE case_id = $1 AND user_id = $2 AND opened_at IS NULL', [caseId, userId, at]);
}

export async function caseReads(db: Queryable, caseId: number, withResults: boolean): Promise<CaseReads> {
  const readers = await db.query<{ user_id: number; username: string; display_name: string; submitted_at: Date | null; complete: boolean }>(
    `SELECT a.user_id, u.username, u.display_name,
            (SELECT max(r.stored_at) FROM results r WHERE r.case_id = a.case_id AND r.user_id = a.user_id) AS submitted_at,
            ${CASE_COMPLETE_SQL('a.case_id')} AS complete
       FROM assignments a JOIN users u ON u.id = a.user_id WHERE a.case_id = $1 ORDER BY u.username`,
    [caseId],
  );
  const complete = readers.rows.length > 0 && readers.rows[0].complete;
  const reads: ReadSummary[] = readers.rows.map((r) => ({
    userId: r.user_id,
    username: r.username,
    displayName: r.display_name,
    submitted: r.submitted_at !== null,
    submittedAt: r.submitted_at?.toISOString() ?? null,
  }));
  if (complete && withResults) {
    const results = await db.query<{ user_id: number; kind: ResultKind; study_instance_uid: string; series_instance_uid: string; sops: string[]; stored_at: Date }>(
      `SELECT user_id, kind, study_instance_uid, series_instance_uid, array_agg(sop_instance_uid ORDER BY stored_at, sop_instance_uid) AS sops, max(stored_at) AS stored_at
         FROM results WHERE case_id = $1 GROUP BY user_id, kind, study_instance_uid, series_instance_uid ORDER BY series_instance_uid`,
      [caseId],
    );
    for (const read of reads) {
      read.results = results.rows
        .filter((r) => r.user_id === read.userId)
        .map((r) => ({ kind: r.kind, studyInstanceUid: r.study_instance_uid, seriesInstanceUid: r.series_instance_uid, sopInstanceUids: r.sops, storedAt: r.stored_at.toISOString() }));
    }
  }
  return { caseId, complete, reads };
}

export async function caseAudit(db: Queryable, caseId: number): Promise<AuditEntry[]> {
  const res = await db.query<{ at: Date; user_id: number | null; username: string | null; action: string; detail: unknown; ip: string | null }>(
    `SELECT l.at, l.user_id, u.username, l.action, l.detail, l.ip FROM audit_log l LEFT JOIN users u ON u.id = l.user_id
      WHERE l.target = $1 ORDER BY l.at, l.id`,
    [`case:${caseId}`],
  );
  return res.rows.map((r) => ({ at: r.at.toISOString(), userId: r.user_id, username: r.username, action: r.action, detail: r.detail, ip: r.ip }));
}
