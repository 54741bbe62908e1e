// The lead's review queue: the cases whose assigned reads are all in, each with its reads, the
// versions of those reads (the latest SEG and SR of each reader), the review state, the figures of
// the agreement kept for exactly those versions, and the consensus read. One query for any number
// of cases (the queue of a study of 10,000 cases is one round trip), filtered and sorted in SQL on
// the kept summaries (case_agreements.summary); the same query answers for one case or one study.
//
// Review states (src/model/review.ts): adjudicated once a consensus result (results.consensus, a
// lead's result stored for a case not assigned to them) is stored; else in_review once a lead
// opened the review (case_reviews); else to_review.
import type { QueueRead, ReviewQueueItem, StudyAgreement } from '../../src/model/api.ts';
import type { ReadResult } from '../../src/model/read.ts';
import { REVIEW_STATES, type CaseAgreement, type DisagreementSummary, type ReadVersion, type ReviewState } from '../../src/model/review.ts';
import type { Queryable } from '../db/database.ts';
import { canonicalVersions } from './reviewAgreement.ts';

/** Each key's own order is worst first; `-key` reverses it. Cases without figures sort last either way. */
const SORTS = {
  lowestDice: { sql: `(summary->>'lowestDice')::float8`, worstFirst: 'ASC' },
  largestVolumeDiffMl: { sql: `(summary->>'largestVolumeDiffMl')::float8`, worstFirst: 'DESC' },
  largestVolumeDiffPct: { sql: `(summary->>'largestVolumeDiffPct')::float8`, worstFirst: 'DESC' },
  formItemsDiffering: { sql: `(summary->>'formItemsDiffering')::int`, worstFirst: 'DESC' },
  label: { sql: 'label', worstFirst: 'ASC' },
} as const;
type SortKey = keyof typeof SORTS;
export const QUEUE_SORT_KEYS = Object.keys(SORTS) as SortKey[];

const QUEUE_PARAMS = ['study', 'reader', 'state', 'sort'];

export interface QueueQuery {
  studyId: number | null;
  /** cases this reader is assigned to */
  readerId: number | null;
  states: ReviewState[] | null;
  sort: Array<{ key: SortKey; reversed: boolean }>;
}

/** ?study=3&reader=12&state=to_review,in_review&sort=-largestVolumeDiffMl,label */
export function parseQueueQuery(params: Record<string, string | undefined>): QueueQuery | { error: string } {
  const unknown = Object.keys(params).find((k) => !QUEUE_PARAMS.includes(k));
  if (unknown !== undefined) return { error: `the review queue takes the query parameters ${QUEUE_PARAMS.join(', ')}; not ${JSON.stringify(unknown.slice(0, 64))}` };
  const id = (v: string | undefined): number | null | undefined => {
    if (v === undefined) return null;
    return /^[1-9]\d{0,9}$/.test(v) && Number(v) <= 2 ** 31 - 1 ? Number(v) : undefined;
  };
  const studyId = id(params.study);
  if (studyId === undefined) return { error: 'study is a study id' };
  const readerId = id(params.reader);
  if (readerId === undefined) return { error: 'reader is a user id' };
  let states: ReviewState[] | null = null;
  if (params.state !== undefined) {
    const listed = params.state.split(',').map((s) => s.trim());
    if (!listed.every((s): s is ReviewState => (REVIEW_STATES as readonly string[]).includes(s))) return { error: `state is a comma-separated list of ${REVIEW_STATES.join(', ')}` };
    states = listed;
  }
  const sort: QueueQuery['sort'] = [];
  for (const raw of (params.sort || 'lowestDice').split(',')) {
    const reversed = raw.trim().startsWith('-');
    const key = raw.trim().replace(/^[-+]/, '');
    if (!(key in SORTS)) return { error: `sort is a comma-separated list of ${QUEUE_SORT_KEYS.join(', ')}, each optionally prefixed by - (reversed)` };
    sort.push({ key: key as SortKey, reversed });
  }
  return { studyId, readerId, states, sort };
}

/** A result as json_build_object writes it: storedAt in PostgreSQL's text, not yet ISO 8601. */
type RawResult = ReadResult;

/** A read as json_build_object writes it: its times in PostgreSQL's text. */
interface RawRead extends Pick<QueueRead, 'userId' | 'username' | 'displayName' | 'submittedAt'> {
  openedAt: string | null;
  firstStoredAt: string | null;
  results: RawResult[];
}

interface ReviewRow {
  case_id: number;
  study_id: number;
  study_name: string;
  label: string;
  study_instance_uid: string;
  series_instance_uid: string;
  state: ReviewState;
  versions: ReadVersion[];
  reads: RawRead[];
  consensus: RawResult[] | null;
  summary: DisagreementSummary | null;
  agreement?: CaseAgreement | null;
}

/** A complete case as the review sees it, before it is shaped for the caller's role. */
export interface ReviewCase extends Omit<ReviewQueueItem, 'reads'> {
  reads: Array<QueueRead & { results: ReadResult[] }>;
  /** loaded only when asked for: the kept agreement when its versions are the current ones */
  agreement: CaseAgreement | null;
}

// The timestamps inside json_build_object come as PostgreSQL's text ("…+00:00", microseconds);
// the API's are toISOString()'s, as everywhere else.
const iso = (s: string | null): string | null => (s === null ? null : new Date(s).toISOString());

function result(r: RawResult): ReadResult {
  return { kind: r.kind, studyInstanceUid: r.studyInstanceUid, seriesInstanceUid: r.seriesInstanceUid, sopInstanceUids: r.sopInstanceUids, storedAt: iso(r.storedAt)! };
}

/** From opening the case to the first result stored, in seconds; null when the case was never
 * opened through POST /api/cases/:id/opened, or only after the result was stored. */
function readingTimeS(openedAt: string | null, firstStoredAt: string | null): number | null {
  if (openedAt === null || firstStoredAt === null) return null;
  const ms = Date.parse(firstStoredAt) - Date.parse(openedAt);
  return ms >= 0 ? ms / 1000 : null;
}

function toReviewCase(r: ReviewRow): ReviewCase {
  return {
    caseId: r.case_id,
    studyId: r.study_id,
    studyName: r.study_name,
    label: r.label,
    studyInstanceUid: r.study_instance_uid,
    seriesInstanceUid: r.series_instance_uid,
    state: r.state,
    versions: canonicalVersions(r.versions),
    reads: r.reads.map((read) => ({
      userId: read.userId,
      username: read.username,
      displayName: read.displayName,
      openedAt: iso(read.openedAt),
      submittedAt: iso(read.submittedAt),
      readingTimeS: readingTimeS(read.openedAt, read.firstStoredAt),
      results: read.results.map(result),
    })),
    consensus: r.consensus ? r.consensus.map(result) : null,
    summary: r.summary,
    agreement: r.agreement ?? null,
  };
}

const resultJson = (g: string) =>
  `json_build_object('kind', ${g}.kind, 'studyInstanceUid', ${g}.study_instance_uid, 'seriesInstanceUid', ${g}.series_instance_uid, 'sopInstanceUids', ${g}.sops, 'storedAt', ${g}.stored_at)`;

/** One row per result series of `where` (on `results r`): its SOPs, when, and its latest SOP (highest stored_at, then SOP UID). */
const seriesOf = (where: string) => `SELECT r.kind, r.study_instance_uid, r.series_instance_uid,
         array_agg(r.sop_instance_uid ORDER BY r.stored_at, r.sop_instance_uid) AS sops,
         max(r.stored_at) AS stored_at, min(r.stored_at) AS first_at,
         (array_agg(r.sop_instance_uid ORDER BY r.stored_at DESC, r.sop_instance_uid DESC))[1] AS latest_sop
    FROM results r WHERE ${where}
   GROUP BY r.kind, r.study_instance_uid, r.series_instance_uid`;

/**
 * The complete cases among those `where` selects (on `cases c`), as review rows. Each read's and
 * each consensus's results are looked up per assignment and per case through their indexes
 * (results_case_user_idx, results_consensus_case_idx), never by joining one aggregate to
 * another: the planner has no statistics for those and would loop over one for every row of the
 * other. Versions are built in their canonical order (by user id, as reviewAgreement.ts
 * canonicalVersions), so that the kept ones compare with them as jsonb.
 */
function reviewSql(where: string, withAgreement: boolean): string {
  return `WITH reads AS (
      SELECT c.id AS case_id, c.study_id, st.name AS study_name, c.label, c.study_instance_uid, c.series_instance_uid,
             a.user_id, u.username, u.display_name, a.opened_at, x.*
        FROM cases c
        JOIN studies st ON st.id = c.study_id
        JOIN assignments a ON a.case_id = c.id
        JOIN users u ON u.id = a.user_id
        LEFT JOIN LATERAL (
          SELECT max(g.stored_at) AS submitted_at, min(g.first_at) AS first_at,
                 (array_agg(g.latest_sop ORDER BY g.stored_at DESC, g.latest_sop DESC) FILTER (WHERE g.kind = 'seg'))[1] AS seg_sop,
                 (array_agg(g.latest_sop ORDER BY g.stored_at DESC, g.latest_sop DESC) FILTER (WHERE g.kind = 'sr'))[1] AS sr_sop,
                 coalesce(json_agg(${resultJson('g')} ORDER BY g.series_instance_uid), '[]'::json) AS results
            FROM (${seriesOf('r.case_id = a.case_id AND r.user_id = a.user_id AND NOT r.consensus')}) g
        ) x ON true
       WHERE ${where}
    ),
    complete AS (
      SELECT case_id, study_id, study_name, label, study_instance_uid, series_instance_uid,
             jsonb_agg(jsonb_build_object('userId', user_id, 'segSopInstanceUid', seg_sop, 'srSopInstanceUid', sr_sop) ORDER BY user_id) AS versions,
             json_agg(json_build_object('userId', user_id, 'username', username, 'displayName', display_name, 'openedAt', opened_at,
                                        'submittedAt', submitted_at, 'firstStoredAt', first_at, 'results', results) ORDER BY username, user_id) AS reads
        FROM reads
       GROUP BY case_id, study_id, study_name, label, study_instance_uid, series_instance_uid
      HAVING bool_and(submitted_at IS NOT NULL)
    ),
    review AS (
      SELECT k.*, cn.results AS consensus,
             CASE WHEN cn.results IS NOT NULL THEN 'adjudicated' WHEN rv.case_id IS NOT NULL THEN 'in_review' ELSE 'to_review' END AS state,
             CASE WHEN ag.versions = k.versions THEN ag.summary END AS summary
             ${withAgreement ? ', CASE WHEN ag.versions = k.versions THEN ag.agreement END AS agreement' : ''}
        FROM complete k
        LEFT JOIN LATERAL (
          SELECT json_agg(${resultJson('g')} ORDER BY g.series_instance_uid) AS results
            FROM (${seriesOf('r.case_id = k.case_id AND r.consensus')}) g
        ) cn ON true
        LEFT JOIN case_reviews rv ON rv.case_id = k.case_id
        LEFT JOIN case_agreements ag ON ag.case_id = k.case_id
    )`;
}

export async function reviewQueue(db: Queryable, q: QueueQuery): Promise<ReviewCase[]> {
  const params: unknown[] = [];
  const where: string[] = ['true'];
  if (q.studyId !== null) {
    params.push(q.studyId);
    where.push(`c.study_id = $${params.length}`);
  }
  if (q.readerId !== null) {
    params.push(q.readerId);
    where.push(`EXISTS (SELECT 1 FROM assignments fa WHERE fa.case_id = c.id AND fa.user_id = $${params.length})`);
  }
  let stateFilter = '';
  if (q.states !== null) {
    params.push(q.states);
    stateFilter = `WHERE state = ANY($${params.length}::text[])`;
  }
  const order = [
    ...q.sort.map((s) => {
      const { sql, worstFirst } = SORTS[s.key];
      const asc = (worstFirst === 'ASC') !== s.reversed;
      return `${sql} ${asc ? 'ASC' : 'DESC'} NULLS LAST`;
    }),
    'label ASC',
    'case_id ASC',
  ].join(', ');
  const res = await db.query<ReviewRow>(`${reviewSql(where.join(' AND '), false)} SELECT * FROM review ${stateFilter} ORDER BY ${order}`, params);
  return res.rows.map(toReviewCase);
}

/** One case for its review, with the kept agreement; null when its reads are not all in (or no such case). */
export async function reviewCase(db: Queryable, caseId: number): Promise<ReviewCase | null> {
  const res = await db.query<ReviewRow>(`${reviewSql('c.id = $1', true)} SELECT * FROM review`, [caseId]);
  return res.rows[0] ? toReviewCase(res.rows[0]) : null;
}

/** A study's complete cases whose kept agreement is of their current versions, by label. */
export async function studyAgreements(db: Queryable, studyId: number): Promise<StudyAgreement['cases']> {
  const res = await db.query<{ case_id: number; label: string; agreement: CaseAgreement }>(
    `${reviewSql('c.study_id = $1', true)} SELECT case_id, label, agreement FROM review WHERE agreement IS NOT NULL ORDER BY label, case_id`,
    [studyId],
  );
  return res.rows.map((r) => ({ caseId: r.case_id, label: r.label, agreement: r.agreement }));
}

/**
 * What a caller of the queue gets. A lead: everything. An admin runs the study and sees who
 * submitted, when, and how far the readers agree, but never a result's identity (server/API.md,
 * "What each role learns"): no results per read, no versions (an empty list), and of a
 * consensus only that there is one (an empty list).
 */
export function queueItem(c: ReviewCase, role: 'lead' | 'admin'): ReviewQueueItem {
  const item = {
    caseId: c.caseId,
    studyId: c.studyId,
    studyName: c.studyName,
    label: c.label,
    studyInstanceUid: c.studyInstanceUid,
    seriesInstanceUid: c.seriesInstanceUid,
    state: c.state,
    summary: c.summary,
  };
  if (role === 'lead') return { ...item, reads: c.reads, versions: c.versions, consensus: c.consensus };
  const reads = c.reads.map((r): QueueRead => ({ userId: r.userId, username: r.username, displayName: r.displayName, openedAt: r.openedAt, submittedAt: r.submittedAt, readingTimeS: r.readingTimeS }));
  return { ...item, reads, versions: [], consensus: c.consensus ? [] : null };
}
