// Loads what blinding.ts decides on from the gateway's tables, for many UIDs in one query (a QIDO
// answer) or one (a WADO request). Series facts are kept a few seconds per caller: a reader
// streaming a CT asks about the same series for every frame. Every change this process makes to
// cases, assignments or results clears them; with `shared` set (replicas on one PostgreSQL, db/
// invalidationBus.ts) the change is announced to every replica before it is answered.
// A stored result keeps one kind of entry: a case's CT that the caller sees. Its facts are the
// cases and assignments, which no result changes (a case's CT never becomes a result series:
// blindedStore.ts refuses to claim one), and whether an entry is kept depends only on what the
// caller sees, so a hidden series and one that does not exist are dropped alike. Readers store
// results several times a second in a busy study; without this, each store sent every reader
// streaming a CT back to the database.
import type { Queryable } from '../db/database.ts';
import type { InvalidationScope } from '../db/invalidationBus.ts';
import { type Caller, type SeriesFacts, type StudyFacts, seriesVisible } from './blinding.ts';

const TTL_MS = 5_000;
const MAX_ENTRIES = 20_000;

interface CaseRow {
  id: number;
  study_instance_uid: string;
  assigned: boolean;
}

interface ResultSeriesRow {
  study_instance_uid: string;
  case_id: number;
  user_id: number;
  owner_assigned: boolean;
  case_complete: boolean;
}

/** A case is complete when it has assigned readers and each of them has a stored result. */
export const CASE_COMPLETE_SQL = (caseId: string) => `(EXISTS (SELECT 1 FROM assignments ca WHERE ca.case_id = ${caseId})
  AND NOT EXISTS (SELECT 1 FROM assignments ca WHERE ca.case_id = ${caseId}
                   AND NOT EXISTS (SELECT 1 FROM results cr WHERE cr.case_id = ca.case_id AND cr.user_id = ca.user_id)))`;

/** How replicas keep each other's caches right (db/invalidationBus.ts). */
export interface SharedInvalidation {
  announce(scope: InvalidationScope): Promise<void>;
  /** false: an announcement could be missed, so nothing is cached */
  live(): boolean;
}

export class AccessFacts {
  shared: SharedInvalidation | null = null;

  // Promises, not values: the frames of one series arrive a hundred at a time, and when the entry
  // has expired they must wait for one query, not send a hundred (the embedded database answers
  // one query at a time, on the event loop).
  private readonly cache = new Map<string, { facts: Promise<SeriesFacts>; at: number; keptByResults: boolean }>();

  constructor(
    private readonly db: Queryable,
    private readonly now: () => number = Date.now,
  ) {}

  /** Drops what a change to cases and assignments ('access') or to results may have made wrong, on
   * every replica. */
  async invalidate(scope: 'access' | 'results' = 'access'): Promise<void> {
    this.dropCached(scope);
    await this.shared?.announce(scope);
  }

  /** A change was announced (by this replica or another). */
  dropCached(scope: InvalidationScope): void {
    if (scope === 'sessions') return;
    if (scope !== 'results') {
      this.cache.clear();
      return;
    }
    for (const [key, entry] of this.cache) if (!entry.keptByResults) this.cache.delete(key);
  }

  async series(caller: Caller, seriesUids: string[]): Promise<Map<string, SeriesFacts>> {
    const pending = new Map<string, Promise<SeriesFacts>>();
    const missing: string[] = [];
    const now = this.now();
    const caching = this.shared?.live() ?? true;
    for (const uid of new Set(seriesUids)) {
      const hit = this.cache.get(`${caller.id}|${uid}`);
      if (hit && caching && now - hit.at < TTL_MS) pending.set(uid, hit.facts);
      else missing.push(uid);
    }
    if (missing.length) {
      const loaded = this.load(caller, missing);
      if (this.cache.size + missing.length > MAX_ENTRIES) this.cache.clear();
      for (const uid of missing) {
        const facts = loaded.then((m) => m.get(uid)!);
        pending.set(uid, facts);
        if (!caching) continue;
        const key = `${caller.id}|${uid}`;
        // Dropped by a result stored while the query runs, whatever it will say.
        const entry = { facts, at: now, keptByResults: false };
        this.cache.set(key, entry);
        facts.then(
          (f) => {
            entry.keptByResults = unchangedByResults(caller, f);
          },
          // A failed query is not remembered.
          () => {
            if (this.cache.get(key) === entry) this.cache.delete(key);
          },
        );
      }
    }
    const out = new Map<string, SeriesFacts>();
    for (const [uid, facts] of pending) out.set(uid, await facts);
    return out;
  }

  /** One query for any number of series (one round trip: on the embedded database each is a few ms
   * of the event loop). */
  private async load(caller: Caller, missing: string[]): Promise<Map<string, SeriesFacts>> {
    const res = await this.db.query<{ uid: string; cases: CaseRow[] | null; result: ResultSeriesRow | null }>(
      `SELECT u.uid,
              (SELECT json_agg(json_build_object(
                        'id', c.id, 'study_instance_uid', c.study_instance_uid,
                        'assigned', EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = c.id AND a.user_id = $2)) ORDER BY c.id)
                 FROM cases c WHERE c.series_instance_uid = u.uid) AS cases,
              (SELECT json_build_object(
                        'study_instance_uid', rs.study_instance_uid, 'case_id', rs.case_id, 'user_id', rs.user_id,
                        'owner_assigned', EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = rs.case_id AND a.user_id = rs.user_id),
                        'case_complete', ${CASE_COMPLETE_SQL('rs.case_id')})
                 FROM result_series rs WHERE rs.series_instance_uid = u.uid) AS result
         FROM unnest($1::text[]) AS u (uid)`,
      [missing, caller.id],
    );
    const out = new Map<string, SeriesFacts>();
    for (const uid of missing) out.set(uid, { cases: [], result: null });
    for (const row of res.rows) {
      const r = row.result;
      out.set(row.uid, {
        cases: (row.cases ?? []).map((c) => ({ caseId: c.id, studyUid: c.study_instance_uid, assignedToCaller: c.assigned })),
        result: r ? { caseId: r.case_id, studyUid: r.study_instance_uid, ownerId: r.user_id, ownerAssigned: r.owner_assigned, caseComplete: r.case_complete } : null,
      });
    }
    return out;
  }

  async seriesOne(caller: Caller, seriesUid: string): Promise<SeriesFacts> {
    return (await this.series(caller, [seriesUid])).get(seriesUid)!;
  }

  /**
   * Every study the caller may see (blinding.ts studyVisible), sorted; null for an admin, who sees
   * every study in the archive. Asked per search, not cached: one indexed query.
   */
  async visibleStudyUids(caller: Caller): Promise<string[] | null> {
    if (caller.role === 'admin') return null;
    const res =
      caller.role === 'reader'
        ? await this.db.query<{ uid: string }>(
            'SELECT DISTINCT c.study_instance_uid AS uid FROM cases c JOIN assignments a ON a.case_id = c.id WHERE a.user_id = $1 ORDER BY 1',
            [caller.id],
          )
        : await this.db.query<{ uid: string }>('SELECT DISTINCT study_instance_uid AS uid FROM cases ORDER BY 1');
    return res.rows.map((r) => r.uid);
  }

  /**
   * Every series the tables know in these studies: the cases' CTs and the result series. A reader
   * or a lead sees no other series (blinding.ts seriesVisible), so a study's counts for them need
   * only these. A result series is in its case's study (blindedStore.ts claims it for a case of
   * the object's study), so the join through cases finds them all.
   */
  async knownSeries(studyUids: string[]): Promise<Array<{ study: string; series: string }>> {
    if (studyUids.length === 0) return [];
    const res = await this.db.query<{ study: string; series: string }>(
      `SELECT c.study_instance_uid AS study, c.series_instance_uid AS series FROM cases c WHERE c.study_instance_uid = ANY($1::text[])
       UNION
       SELECT rs.study_instance_uid, rs.series_instance_uid FROM cases c JOIN result_series rs ON rs.case_id = c.id WHERE c.study_instance_uid = ANY($1::text[])`,
      [[...new Set(studyUids)]],
    );
    return res.rows;
  }

  async studies(caller: Caller, studyUids: string[]): Promise<Map<string, StudyFacts>> {
    const out = new Map<string, StudyFacts>();
    for (const uid of studyUids) out.set(uid, { hasCase: false, assignedToCaller: false });
    if (studyUids.length === 0) return out;
    const res = await this.db.query<{ study_instance_uid: string; assigned: boolean }>(
      `SELECT c.study_instance_uid,
              bool_or(EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = c.id AND a.user_id = $2)) AS assigned
         FROM cases c WHERE c.study_instance_uid = ANY($1::text[]) GROUP BY c.study_instance_uid`,
      [[...new Set(studyUids)], caller.id],
    );
    for (const row of res.rows) out.set(row.study_instance_uid, { hasCase: true, assignedToCaller: row.assigned });
    return out;
  }
}

/** A case's CT that the caller sees: facts no stored result changes (see the top of this file). */
function unchangedByResults(caller: Caller, facts: SeriesFacts): boolean {
  return facts.result === null && facts.cases.length > 0 && seriesVisible(caller, facts);
}
