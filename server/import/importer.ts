// One import: files come in one request each (the admin page and `npm run import` send four at a
// time), each is read, judged, de-identified and stored in Orthanc before it is answered, so
// nothing identifying is ever written anywhere and a file that cannot be imported costs only
// itself. At the end the series are quality-checked and, when asked, the accepted ones
// become cases of a reading study. Deterministic UIDs make a rerun of a cut import store nothing
// twice: Orthanc answers AlreadyStored for what the first run stored. Each file is a row of
// import_files (006_import_files.sql), not state of this process, so any replica behind the load
// balancer takes the next file, reports progress or finishes the import, and an import survives a
// restart of the server.
import type { Database, Queryable } from '../db/database.ts';
import { StudyError, addCases } from '../study/studyStore.ts';
import { ImportRefusal, readSource } from './deidentify.ts';
import { deidentifyWithKeys } from './deidentifyWithKeys.ts';
import type { KeyStore } from './importKeys.ts';
import { DEFAULT_RULES, type QualityRules, type SeriesQuality, type SliceFacts, checkSeriesQuality, sliceFactsOf } from './seriesQuality.ts';
import type { ImportFileOutcome, ImportProgress, ImportSeriesSummary, ImportSummary } from '../../src/model/importApi.ts';

export type { ImportFileOutcome, ImportProgress, ImportSeriesSummary, ImportSummary };

/** Stores one de-identified file; 'stored' or 'duplicate' (already in the archive). */
export type Store = (bytes: Uint8Array) => Promise<'stored' | 'duplicate'>;

/** Orthanc's REST /instances, the one the archive's own tools use: one file a request, and it says AlreadyStored. */
export function orthancStore(orthancUrl: string, timeoutMs = 60_000): Store {
  return async (bytes) => {
    const res = await fetch(`${orthancUrl}/instances`, { method: 'POST', headers: { 'content-type': 'application/dicom' }, body: bytes as unknown as BodyInit, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`the archive refused the file (HTTP ${res.status})`);
    const answer = (await res.json()) as { Status?: string };
    return answer.Status === 'AlreadyStored' ? 'duplicate' : 'stored';
  };
}

async function writeImportAudit(db: Queryable, userId: number | null, action: 'import.run', target: string, detail: Record<string, unknown>, ip: string | null): Promise<void> {
  await db.query('INSERT INTO audit_log (user_id, action, target, detail, ip) VALUES ($1, $2, $3, $4, $5)', [userId, action, target, JSON.stringify(detail), ip]);
}

const IN_PROGRESS = 'the import is being finished; ask again in a moment';
const NAME_NOT_KEPT = '(name not kept)';

interface FileRow {
  status: 'pending' | 'stored' | 'duplicate' | 'skipped';
  bytes: string;
  name: string | null;
  reason: string | null;
  sop_instance_uid: string | null;
  series_instance_uid: string | null;
  study_instance_uid: string | null;
  pseudonym: string | null;
  facts: SliceFacts | null;
}

/** Counts of an import's files, as the admin sees them while it runs. */
function progressOf(importId: number, rows: FileRow[], finished: boolean): ImportProgress {
  const kept = rows.filter((r) => r.status === 'stored' || r.status === 'duplicate');
  return {
    importId,
    files: rows.length,
    bytes: rows.reduce((sum, r) => sum + Number(r.bytes), 0),
    stored: rows.filter((r) => r.status === 'stored').length,
    duplicates: rows.filter((r) => r.status === 'duplicate').length,
    skipped: rows.filter((r) => r.status === 'skipped').length,
    series: new Set(kept.map((r) => r.series_instance_uid)).size,
    patients: new Set(kept.map((r) => r.pseudonym)).size,
    finished,
  };
}

export class Importer {
  constructor(
    private readonly db: Database,
    private readonly keys: KeyStore,
    private readonly store: Store,
    private readonly rules: QualityRules = DEFAULT_RULES,
    /** How long finish waits for files another request (or replica) is still storing. */
    private readonly pendingWaitMs = 120_000,
  ) {}

  async start(userId: number | null, studyId: number | null): Promise<ImportProgress> {
    if (studyId !== null && (await this.db.query('SELECT 1 FROM studies WHERE id = $1', [studyId])).rowCount !== 1) throw new StudyError(404, 'no such study');
    const row = (await this.db.query<{ id: number }>('INSERT INTO imports (user_id, study_id) VALUES ($1, $2) RETURNING id', [userId, studyId])).rows[0];
    return progressOf(row.id, [], false);
  }

  private async rows(id: number): Promise<FileRow[]> {
    return (await this.db.query<FileRow>('SELECT status, bytes, name, reason, sop_instance_uid, series_instance_uid, study_instance_uid, pseudonym, facts FROM import_files WHERE import_id = $1 ORDER BY seq', [id])).rows;
  }

  /** Progress while it runs, the summary (without file names) once finished; null: no such import. */
  async progress(id: number): Promise<ImportProgress | ImportSummary | null> {
    const imp = (await this.db.query<{ finished_at: Date | null; answer: ImportSummary | null }>('SELECT finished_at, answer FROM imports WHERE id = $1', [id])).rows[0];
    if (!imp) return null;
    return imp.answer ?? progressOf(id, await this.rows(id), false);
  }

  /** Judges, de-identifies and stores one file. name: for the summary only (it is never logged). */
  async addFile(id: number, name: string, bytes: Uint8Array): Promise<ImportFileOutcome> {
    const imp = (await this.db.query<{ finished_at: Date | null }>('SELECT finished_at FROM imports WHERE id = $1', [id])).rows[0];
    if (!imp) throw new StudyError(404, 'no such import');
    if (imp.finished_at) throw new StudyError(409, 'this import is finished');
    const skip = async (reason: string, sopInstanceUid?: string): Promise<ImportFileOutcome> => {
      await this.db.query("INSERT INTO import_files (import_id, status, bytes, name, reason, sop_instance_uid) VALUES ($1, 'skipped', $2, $3, $4, $5)", [id, bytes.length, name, reason, sopInstanceUid ?? null]);
      return { name, status: 'skipped', reason, ...(sopInstanceUid ? { sopInstanceUid } : {}) };
    };
    let out;
    let facts: SliceFacts;
    let pseudonym: string;
    try {
      const src = readSource(bytes);
      ({ out, pseudonym } = await deidentifyWithKeys(src, this.keys));
      facts = sliceFactsOf(src.reader, src.ds, out.sopInstanceUid);
    } catch (err) {
      if (err instanceof ImportRefusal) return skip(err.message);
      return skip(`could not be de-identified (${(err as Error).message})`);
    }
    // Claimed before the store is awaited, so that the same image sent twice at once (to either
    // replica) is stored once.
    const claim = await this.db.query<{ seq: number }>(
      `INSERT INTO import_files (import_id, status, bytes, name, sop_instance_uid, series_instance_uid, study_instance_uid, pseudonym, facts)
       VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (import_id, sop_instance_uid) WHERE status <> 'skipped' DO NOTHING RETURNING seq`,
      [id, bytes.length, name, out.sopInstanceUid, out.seriesInstanceUid, out.studyInstanceUid, pseudonym, JSON.stringify(facts)],
    );
    const seq = claim.rows[0]?.seq;
    if (seq === undefined) {
      const earlier = (await this.db.query<{ name: string }>("SELECT name FROM import_files WHERE import_id = $1 AND sop_instance_uid = $2 AND status <> 'skipped'", [id, out.sopInstanceUid])).rows[0];
      return skip(`duplicate: the same image as ${earlier?.name ?? 'another file'} in this import`, out.sopInstanceUid);
    }
    let status: 'stored' | 'duplicate';
    try {
      status = await this.store(out.bytes);
    } catch (err) {
      const reason = `not stored: ${(err as Error).message}`;
      await this.db.query("UPDATE import_files SET status = 'skipped', reason = $3 WHERE import_id = $1 AND seq = $2", [id, seq, reason]);
      return { name, status: 'skipped', reason };
    }
    await this.db.query('UPDATE import_files SET status = $3, handled_at = now() WHERE import_id = $1 AND seq = $2', [id, seq, status]);
    if (status === 'duplicate') {
      // Already in the archive (an earlier import, or this one cut and run again): counted for the
      // series' checks, not stored twice.
      return { name, status: 'duplicate', reason: 'duplicate: already in the archive, not stored again', sopInstanceUid: out.sopInstanceUid, seriesInstanceUid: out.seriesInstanceUid };
    }
    return { name, status: 'stored', sopInstanceUid: out.sopInstanceUid, seriesInstanceUid: out.seriesInstanceUid };
  }

  /** Files still being stored (by this or another replica): waited for; those of a replica that died meanwhile are skipped. */
  private async settle(id: number): Promise<void> {
    const until = Date.now() + this.pendingWaitMs;
    for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
      const pending = (await this.db.query<{ n: number }>("SELECT count(*)::int AS n FROM import_files WHERE import_id = $1 AND status = 'pending'", [id])).rows[0].n;
      if (pending === 0) return;
      if (Date.now() > until) break;
      await new Promise((r) => setTimeout(r, wait));
    }
    await this.db.query("UPDATE import_files SET status = 'skipped', reason = 'not stored: the server handling it stopped; send it again' WHERE import_id = $1 AND status = 'pending'", [id]);
  }

  /** Quality checks per series, cases for the accepted and warned ones (with a study), the audit entry. */
  async finish(id: number, opts: { ip: string | null; studyId?: number | null }): Promise<ImportSummary> {
    // One finisher: the request that sets finished_at; a repeated finish (a retry through the
    // other replica) gets the answer it stored.
    const claimed = (await this.db.query<{ user_id: number | null; study_id: number | null }>('UPDATE imports SET finished_at = now() WHERE id = $1 AND finished_at IS NULL RETURNING user_id, study_id', [id])).rows[0];
    if (!claimed) {
      const done = await this.progress(id);
      if (done === null) throw new StudyError(404, 'no such import');
      if ('seriesResults' in done) return done;
      throw new StudyError(409, IN_PROGRESS);
    }
    await this.settle(id);
    const rows = await this.rows(id);
    const studyId = opts.studyId ?? claimed.study_id;
    const bySeries = new Map<string, { first: FileRow; slices: SliceFacts[] }>();
    for (const r of rows) {
      if ((r.status !== 'stored' && r.status !== 'duplicate') || !r.series_instance_uid || !r.facts) continue;
      const s = bySeries.get(r.series_instance_uid) ?? { first: r, slices: [] };
      s.slices.push(r.facts);
      bySeries.set(r.series_instance_uid, s);
    }
    const series: ImportSeriesSummary[] = [];
    for (const { first, slices } of bySeries.values()) {
      const quality: SeriesQuality = checkSeriesQuality(slices, this.rules);
      series.push({ studyInstanceUid: first.study_instance_uid ?? '', seriesInstanceUid: first.series_instance_uid ?? '', patient: first.pseudonym ?? '', ...quality, caseId: null });
    }
    if (studyId !== null) {
      const existing = new Map(
        (await this.db.query<{ id: number; series_instance_uid: string }>('SELECT id, series_instance_uid FROM cases WHERE study_id = $1', [studyId])).rows.map((r) => [r.series_instance_uid, r.id]),
      );
      const wanted = series.filter((s) => s.verdict !== 'refused');
      for (const s of wanted) s.caseId = existing.get(s.seriesInstanceUid) ?? null;
      const fresh = wanted.filter((s) => s.caseId === null);
      if (fresh.length) {
        const added = await addCases(this.db, studyId, fresh.map((s) => ({ studyInstanceUid: s.studyInstanceUid, seriesInstanceUid: s.seriesInstanceUid })));
        added.forEach((c, i) => (fresh[i].caseId = c.id));
        for (const c of added) {
          await this.db.query('INSERT INTO audit_log (user_id, action, target, detail, ip) VALUES ($1, $2, $3, $4, $5)', [
            claimed.user_id,
            'case.add',
            `case:${c.id}`,
            JSON.stringify({ studyId, label: c.label, seriesInstanceUid: c.seriesInstanceUid, importId: id }),
            opts.ip,
          ]);
        }
      }
    }
    const skippedFiles: ImportFileOutcome[] = rows
      .filter((r) => r.status === 'skipped')
      .map((r) => ({ name: r.name ?? NAME_NOT_KEPT, status: 'skipped', reason: r.reason ?? undefined, ...(r.sop_instance_uid ? { sopInstanceUid: r.sop_instance_uid } : {}) }));
    const progress = progressOf(id, rows, true);
    const summary: ImportSummary = { ...progress, studyId, skippedFiles, seriesResults: series };
    // The audit entry and the imports row name counts, reasons and new UIDs: never a file name
    // (folders are often named after the patient), a patient name or a source ID.
    const reasons: Record<string, number> = {};
    for (const f of skippedFiles) {
      const why = (f.reason ?? '').replace(/ as .*$/, '').replace(/\(.*\)/, '').trim();
      reasons[why] = (reasons[why] ?? 0) + 1;
    }
    const record = {
      files: progress.files,
      bytes: progress.bytes,
      stored: progress.stored,
      duplicates: progress.duplicates,
      skipped: progress.skipped,
      skippedReasons: reasons,
      patients: progress.patients,
      series: series.map((s) => ({ seriesInstanceUid: s.seriesInstanceUid, patient: s.patient, verdict: s.verdict, slices: s.slices, problems: s.problems.map((p) => `${p.rule}:${p.severity}`), caseId: s.caseId })),
      studyId,
    };
    const answer: ImportSummary = { ...summary, skippedFiles: skippedFiles.map((f) => ({ ...f, name: NAME_NOT_KEPT })) };
    await this.db.query('UPDATE imports SET finished_at = now(), study_id = $2, summary = $3, answer = $4 WHERE id = $1', [id, studyId, JSON.stringify(record), JSON.stringify(answer)]);
    await this.db.query('UPDATE import_files SET name = NULL WHERE import_id = $1', [id]);
    await writeImportAudit(this.db, claimed.user_id, 'import.run', `import:${id}`, record, opts.ip);
    return summary;
  }
}
