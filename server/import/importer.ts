// One import: files come in one request each (the admin page and `npm run import` send four at a
// time), each is read, judged, de-identified and stored in Orthanc before it is answered, so
// nothing identifying is ever written anywhere and a file that cannot be imported costs only
// itself. At the end the series are quality-checked and, when asked, the accepted ones
// become cases of a reading study. Deterministic UIDs make a rerun of a cut import store nothing
// twice: Orthanc answers AlreadyStored for what the first run stored.
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

interface SeriesState {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  pseudonym: string;
  slices: Map<string, SliceFacts>;
}

class ImportRun {
  files = 0;
  bytes = 0;
  stored = 0;
  duplicates = 0;
  readonly skipped: ImportFileOutcome[] = [];
  readonly series = new Map<string, SeriesState>();
  readonly seen = new Map<string, string>();
  readonly patients = new Set<string>();
  summary: ImportSummary | null = null;
  /** Files being handled: a client may send several at once (Orthanc stores one file a request
   * at ~25 ms on two cores, about twice as fast with four at once); finish waits for them. */
  readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    readonly id: number,
    readonly userId: number | null,
    readonly studyId: number | null,
    readonly startedAt: Date,
  ) {}

  progress(): ImportProgress {
    return { importId: this.id, files: this.files, bytes: this.bytes, stored: this.stored, duplicates: this.duplicates, skipped: this.skipped.length, series: this.series.size, patients: this.patients.size, finished: this.summary !== null };
  }
}

async function writeImportAudit(db: Queryable, userId: number | null, action: 'import.run', target: string, detail: Record<string, unknown>, ip: string | null): Promise<void> {
  await db.query('INSERT INTO audit_log (user_id, action, target, detail, ip) VALUES ($1, $2, $3, $4, $5)', [userId, action, target, JSON.stringify(detail), ip]);
}

export class Importer {
  private readonly runs = new Map<number, ImportRun>();

  constructor(
    private readonly db: Database,
    private readonly keys: KeyStore,
    private readonly store: Store,
    private readonly rules: QualityRules = DEFAULT_RULES,
  ) {}

  async start(userId: number | null, studyId: number | null): Promise<ImportProgress> {
    if (studyId !== null && (await this.db.query('SELECT 1 FROM studies WHERE id = $1', [studyId])).rowCount !== 1) throw new StudyError(404, 'no such study');
    const row = (await this.db.query<{ id: number; started_at: Date }>('INSERT INTO imports (user_id, study_id) VALUES ($1, $2) RETURNING id, started_at', [userId, studyId])).rows[0];
    const run = new ImportRun(row.id, userId, studyId, row.started_at);
    this.runs.set(run.id, run);
    return run.progress();
  }

  progress(id: number): ImportProgress | null {
    return this.runs.get(id)?.progress() ?? null;
  }

  summary(id: number): ImportSummary | null {
    return this.runs.get(id)?.summary ?? null;
  }

  /** Judges, de-identifies and stores one file. name: for the summary only (it is never logged). */
  addFile(id: number, name: string, bytes: Uint8Array): Promise<ImportFileOutcome> {
    const run = this.runs.get(id);
    if (!run) throw new StudyError(404, 'no such import (a restarted server forgets running imports: start it again, nothing is stored twice)');
    if (run.summary) throw new StudyError(409, 'this import is finished');
    const handled = this.handle(run, name, bytes);
    run.inFlight.add(handled);
    void handled.finally(() => run.inFlight.delete(handled)).catch(() => undefined);
    return handled;
  }

  private async handle(run: ImportRun, name: string, bytes: Uint8Array): Promise<ImportFileOutcome> {
    run.files++;
    run.bytes += bytes.length;
    const skip = (reason: string): ImportFileOutcome => {
      const outcome: ImportFileOutcome = { name, status: 'skipped', reason };
      run.skipped.push(outcome);
      return outcome;
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
    const earlier = run.seen.get(out.sopInstanceUid);
    if (earlier !== undefined) return { ...skip(`duplicate: the same image as ${earlier} in this import`), sopInstanceUid: out.sopInstanceUid };
    // Taken before the store is awaited, so that the same image sent twice at once is stored once.
    run.seen.set(out.sopInstanceUid, name);
    let status: 'stored' | 'duplicate';
    try {
      status = await this.store(out.bytes);
    } catch (err) {
      run.seen.delete(out.sopInstanceUid);
      return skip(`not stored: ${(err as Error).message}`);
    }
    run.patients.add(pseudonym);
    let series = run.series.get(out.seriesInstanceUid);
    if (!series) {
      series = { studyInstanceUid: out.studyInstanceUid, seriesInstanceUid: out.seriesInstanceUid, pseudonym, slices: new Map() };
      run.series.set(out.seriesInstanceUid, series);
    }
    series.slices.set(out.sopInstanceUid, facts);
    if (status === 'duplicate') {
      // Already in the archive (an earlier import, or this one cut and run again): counted for the
      // series' checks, not stored twice.
      run.duplicates++;
      return { name, status: 'duplicate', reason: 'duplicate: already in the archive, not stored again', sopInstanceUid: out.sopInstanceUid, seriesInstanceUid: out.seriesInstanceUid };
    }
    run.stored++;
    return { name, status: 'stored', sopInstanceUid: out.sopInstanceUid, seriesInstanceUid: out.seriesInstanceUid };
  }

  /** Quality checks per series, cases for the accepted and warned ones (with a study), the audit entry. */
  async finish(id: number, opts: { ip: string | null; studyId?: number | null }): Promise<ImportSummary> {
    const run = this.runs.get(id);
    if (!run) throw new StudyError(404, 'no such import');
    await Promise.allSettled([...run.inFlight]);
    if (run.summary) return run.summary;
    const studyId = opts.studyId ?? run.studyId;
    const series: ImportSeriesSummary[] = [];
    for (const s of run.series.values()) {
      const quality: SeriesQuality = checkSeriesQuality([...s.slices.values()], this.rules);
      series.push({ studyInstanceUid: s.studyInstanceUid, seriesInstanceUid: s.seriesInstanceUid, patient: s.pseudonym, ...quality, caseId: null });
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
            run.userId,
            'case.add',
            `case:${c.id}`,
            JSON.stringify({ studyId, label: c.label, seriesInstanceUid: c.seriesInstanceUid, importId: run.id }),
            opts.ip,
          ]);
        }
      }
    }
    const summary: ImportSummary = { ...run.progress(), finished: true, studyId, skippedFiles: run.skipped, seriesResults: series };
    // The audit entry and the imports row name counts, reasons and new UIDs: never a file name
    // (folders are often named after the patient), a patient name or a source ID.
    const reasons: Record<string, number> = {};
    for (const f of run.skipped) {
      const why = (f.reason ?? '').replace(/ as .*$/, '').replace(/\(.*\)/, '').trim();
      reasons[why] = (reasons[why] ?? 0) + 1;
    }
    const record = {
      files: run.files,
      bytes: run.bytes,
      stored: run.stored,
      duplicates: run.duplicates,
      skipped: run.skipped.length,
      skippedReasons: reasons,
      patients: run.patients.size,
      series: series.map((s) => ({ seriesInstanceUid: s.seriesInstanceUid, patient: s.patient, verdict: s.verdict, slices: s.slices, problems: s.problems.map((p) => `${p.rule}:${p.severity}`), caseId: s.caseId })),
      studyId,
    };
    await this.db.query('UPDATE imports SET finished_at = now(), study_id = $2, summary = $3 WHERE id = $1', [run.id, studyId, JSON.stringify(record)]);
    await writeImportAudit(this.db, run.userId, 'import.run', `import:${run.id}`, record, opts.ip);
    run.summary = summary;
    return summary;
  }
}
