// A reader's worklist: the cases assigned to them, with their state, filtered, sorted and paged in
// one query (assignments_user_case_idx, results_case_user_idx). Nothing in it names another
// reader or their progress.
//
// States, as the server knows them (src/model/read.ts, READ_STATES):
//   new          assigned, never opened (POST /api/cases/:id/opened not called yet)
//   in_progress  opened at least once, no result stored yet
//   submitted    a result (SEG or SR) of this reader for this case is stored on the server
// "Submitted but not yet synced" exists only in the browser (its outbox); once the server answers
// "submitted" the client may show the case as synced.
import type { WorklistPage } from '../../src/model/api.ts';
import { READ_STATES, type ReadState, type ResultKind } from '../../src/model/read.ts';
import type { Queryable } from '../db/database.ts';

const SORTS = {
  state: `CASE state WHEN 'in_progress' THEN 0 WHEN 'new' THEN 1 ELSE 2 END`,
  label: 'label',
  study: 'study_name',
  assignedAt: 'assigned_at',
  openedAt: 'opened_at',
  submittedAt: 'submitted_at',
} as const;
type SortKey = keyof typeof SORTS;

export interface WorklistQuery {
  states: ReadState[] | null;
  studyId: number | null;
  /** part of the case label, case-insensitive */
  label: string | null;
  sort: Array<{ key: SortKey; desc: boolean }>;
  limit: number;
  offset: number;
}

export const WORKLIST_MAX_LIMIT = 1000;

/** Query parameters: state=new,in_progress  study=3  q=Case 00  sort=state,-assignedAt  limit=100  offset=0 */
export function parseWorklistQuery(params: Record<string, string | undefined>): WorklistQuery | { error: string } {
  const states = params.state ? params.state.split(',').map((s) => s.trim()) : null;
  if (states && !states.every((s): s is ReadState => (READ_STATES as readonly string[]).includes(s))) {
    return { error: `state is a comma-separated list of ${READ_STATES.join(', ')}` };
  }
  const int = (v: string | undefined, fallback: number, max: number): number | null => {
    if (v === undefined || v === '') return fallback;
    return /^\d{1,9}$/.test(v) && Number(v) <= max ? Number(v) : null;
  };
  const studyId = params.study ? int(params.study, 0, 2 ** 31 - 1) : null;
  if (params.study && !studyId) return { error: 'study is a study id' };
  const limit = int(params.limit, 100, WORKLIST_MAX_LIMIT);
  const offset = int(params.offset, 0, 2 ** 31 - 1);
  if (limit === null || offset === null) return { error: `limit is 0 to ${WORKLIST_MAX_LIMIT}, offset 0 or more` };
  const sort: WorklistQuery['sort'] = [];
  for (const raw of (params.sort || 'state,label').split(',')) {
    const desc = raw.startsWith('-');
    const key = raw.replace(/^[-+]/, '').trim();
    if (!(key in SORTS)) return { error: `sort is a comma-separated list of ${Object.keys(SORTS).join(', ')}, each optionally prefixed by -` };
    sort.push({ key: key as SortKey, desc });
  }
  const label = params.q?.trim() ? params.q.trim().slice(0, 200) : null;
  return { states, studyId, label, sort, limit, offset };
}

interface Row {
  case_id: number;
  study_id: number;
  study_name: string;
  label: string;
  study_instance_uid: string;
  series_instance_uid: string;
  state: ReadState;
  assigned_at: Date;
  opened_at: Date | null;
  submitted_at: Date | null;
  /** array_agg over no result rows gives {NULL} */
  kinds: Array<ResultKind | null> | null;
  total: string;
}

export async function readWorklist(db: Queryable, userId: number, q: WorklistQuery): Promise<WorklistPage> {
  const params: unknown[] = [userId];
  const where: string[] = ['a.user_id = $1'];
  if (q.studyId !== null) {
    params.push(q.studyId);
    where.push(`c.study_id = $${params.length}`);
  }
  if (q.label !== null) {
    params.push(`%${q.label.replace(/[\\%_]/g, (m) => `\\${m}`)}%`);
    where.push(`c.label ILIKE $${params.length}`);
  }
  let stateFilter = '';
  if (q.states !== null) {
    params.push(q.states);
    stateFilter = `WHERE state = ANY($${params.length}::text[])`;
  }
  // NULLS LAST either way: cases without a date sort after those with one.
  const order = [...q.sort.map((s) => `${SORTS[s.key]} ${s.desc ? 'DESC' : 'ASC'} NULLS LAST`), 'case_id ASC'].join(', ');
  params.push(q.limit, q.offset);
  const res = await db.query<Row>(
    `WITH mine AS (
       SELECT c.id AS case_id, c.study_id, s.name AS study_name, c.label, c.study_instance_uid, c.series_instance_uid,
              a.assigned_at, a.opened_at, r.submitted_at, r.kinds,
              CASE WHEN r.submitted_at IS NOT NULL THEN 'submitted' WHEN a.opened_at IS NOT NULL THEN 'in_progress' ELSE 'new' END AS state
         FROM assignments a
         JOIN cases c ON c.id = a.case_id
         JOIN studies s ON s.id = c.study_id
         LEFT JOIN LATERAL (
           SELECT max(rr.stored_at) AS submitted_at, array_agg(DISTINCT rr.kind) AS kinds
             FROM results rr WHERE rr.case_id = a.case_id AND rr.user_id = a.user_id
         ) r ON true
        WHERE ${where.join(' AND ')}
     )
     SELECT *, count(*) OVER () AS total FROM mine ${stateFilter}
      ORDER BY ${order} LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  let total = res.rows.length ? Number(res.rows[0].total) : 0;
  if (res.rows.length === 0 && q.offset > 0) {
    // Past the last page: the window count is not there, ask for it.
    const count = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT CASE WHEN EXISTS (SELECT 1 FROM results rr WHERE rr.case_id = a.case_id AND rr.user_id = a.user_id) THEN 'submitted'
                                             WHEN a.opened_at IS NOT NULL THEN 'in_progress' ELSE 'new' END AS state
                                      FROM assignments a JOIN cases c ON c.id = a.case_id WHERE ${where.join(' AND ')}) m ${stateFilter}`,
      params.slice(0, params.length - 2),
    );
    total = count.rows[0].n;
  }
  return {
    total,
    items: res.rows.map((r) => ({
      caseId: r.case_id,
      studyId: r.study_id,
      studyName: r.study_name,
      label: r.label,
      studyInstanceUid: r.study_instance_uid,
      seriesInstanceUid: r.series_instance_uid,
      state: r.state,
      assignedAt: r.assigned_at.toISOString(),
      openedAt: r.opened_at?.toISOString() ?? null,
      submittedAt: r.submitted_at?.toISOString() ?? null,
      resultKinds: (r.kinds ?? []).filter((k): k is ResultKind => k !== null).sort(),
    })),
  };
}
