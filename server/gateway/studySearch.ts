// Study-level QIDO-RS for a blinded caller (blindedProxy.ts). Orthanc is asked only about the
// studies the caller may see: a reader's are the studies of their cases, a lead's those of every
// case (the tables hold the list), sent as StudyInstanceUID list matching (PS3.18 8.3.4.1) in
// chunks that fit Orthanc's request line. Orthanc 1.10 searches by reading every matching study,
// so asking it for the whole archive and filtering cost what the archive's size costs (issue 21:
// 1.9 s p95 at 100 studies); this costs what the caller's worklist costs. An admin sees every
// study, and a query naming StudyInstanceUIDs itself is bounded by them: both go as they come.
//
// The blinding stays as it was: the list names nothing the caller may not see, and every row
// Orthanc answers is still checked against the tables (a list that matched more than it named
// would change nothing); counts and modalities are those of the visible series (recountStudy).
//
// Order: Orthanc answers each request in its own order, which a subset keeps (Orthanc 1.10 on
// SQLite and on the PostgreSQL index); the chunks are asked in the order of the sorted UID list,
// so every request gets the same concatenation and pages (limit/offset, taken of the visible
// rows) fit together. With one chunk (up to ~120 studies) the order is the one the whole-archive
// search gave (tests/integration/studySearch.test.ts).
import type { AccessFacts } from './accessFacts.ts';
import type { ArchiveRowCache } from './archiveRowCache.ts';
import { type Caller, type DicomJson, TAGS, firstString, modalitiesMatch, page, recountStudy, seriesVisible, studyVisible } from './blinding.ts';
import { UID_KEYS } from './hiddenAsMissing.ts';
import type { Upstream } from './upstream.ts';

// Orthanc's HTTP server refuses request lines over 16 kB (400); the caller's own keys go beside
// the list. 8,000 characters are at least 123 UIDs (64 characters at most, PS3.5 9.1).
const LIST_CHARS = 8_000;
// Chunks asked at once; the next wave only when the page is not yet full.
const WAVE = 4;
// Only plain UIDs go into a list: a comma or backslash would split one. Anything else is asked alone.
const PLAIN_UID = /^[0-9.]{1,64}$/;

/** Orthanc's answer when it is not rows: given to the caller as the gateway gives archive errors. */
export interface RowsFailure {
  status: number;
  contentType: string;
  body: Buffer | string;
}

/** Orthanc's rows for one query (path fixed by the caller), or what to answer instead. */
export type AskRows = (params: URLSearchParams) => Promise<DicomJson[] | RowsFailure>;

export interface StudyQuery {
  /** the query as Orthanc is to be asked: decoys in place; limit, offset and ModalitiesInStudy taken out */
  params: URLSearchParams;
  paging: { limit: number | null; offset: number };
  modalities: string | null;
  /** the caller's query names StudyInstanceUIDs itself */
  namesStudies: boolean;
  /** the caller's query names no UID at all, and this is the answer's key apart from the UID lists
   * (Orthanc's rows carry URLs of the Host asked): then Orthanc's rows may be reused (archiveRowCache.ts) */
  reuseKey: string | null;
}

/** UIDs in lists of at most maxChars characters (commas included), in their order. */
export function chunkUids(uids: string[], maxChars = LIST_CHARS): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const uid of uids) {
    if (!PLAIN_UID.test(uid)) {
      chunks.push([uid]);
      continue;
    }
    // chars counts each UID with the comma after it; the list is one comma shorter.
    if (current.length > 0 && chars + uid.length > maxChars) {
      chunks.push(current);
      current = [];
      chars = 0;
    }
    current.push(uid);
    chars += uid.length + 1;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The query with its StudyInstanceUID keys (here only empty ones: universal matching) replaced by the list. */
export function withStudyList(params: URLSearchParams, uids: string[]): URLSearchParams {
  const isStudyKey = (key: string) => UID_KEYS.study.some((k) => k.toUpperCase() === key.toUpperCase());
  const out = new URLSearchParams();
  for (const [key, value] of params) if (!isStudyKey(key)) out.append(key, value);
  // The DICOMweb plugin of Orthanc 1.10 splits a UID list at commas (a backslash list matches nothing).
  out.append('StudyInstanceUID', uids.join(','));
  return out;
}

export function isFailure(answer: DicomJson[] | RowsFailure): answer is RowsFailure {
  return !Array.isArray(answer);
}

/** listChars: the longest UID list per request (a test makes it small to have many chunks). */
export function studySearch(deps: { access: AccessFacts; upstream: Upstream; listChars?: number; rows?: ArchiveRowCache }): (caller: Caller, q: StudyQuery, ask: AskRows) => Promise<DicomJson[] | RowsFailure> {
  const { access, upstream } = deps;
  const reuse = <F>(key: string, version: number | null, fetch: () => Promise<DicomJson[] | F>) => (deps.rows ? deps.rows.through(key, version, fetch) : fetch());
  const chunksOf = (uids: string[]) => chunkUids(uids, deps.listChars ?? LIST_CHARS);

  const seriesQuery = (key: string, uids: string[]) => `/dicom-web/series?${new URLSearchParams([[key, uids.join(',')], ['includefield', '00201209'], ['includefield', '00080060']])}`;

  /**
   * Orthanc's series rows of these studies, by study. An admin's counts take every series, asked
   * by study; a reader or a lead sees only series the tables know (AccessFacts.knownSeries), so
   * only those are asked, by their own UIDs: other readers' results (dozens of series a study in
   * a reading study) cost nothing.
   */
  async function seriesOfStudies(caller: Caller, studyUids: string[], version: number | null): Promise<Map<string, DicomJson[]>> {
    const out = new Map<string, DicomJson[]>(studyUids.map((u) => [u, []]));
    const byStudy = caller.role === 'admin';
    const asked = byStudy ? [...new Set(studyUids)] : [...new Set((await access.knownSeries(studyUids)).map((k) => k.series))];
    const chunks = chunksOf(asked);
    const answers = await mapLimited(chunks, WAVE, (chunk) => {
      const path = seriesQuery(byStudy ? 'StudyInstanceUID' : 'SeriesInstanceUID', chunk);
      return reuse(`series ${path}`, version, async () => (await upstream.json<DicomJson[]>(path)) ?? []);
    });
    // A row counts only for what its own request asked about (an odd UID asked alone must not
    // add a series twice), and only in a study of these.
    chunks.forEach((chunk, k) => {
      const named = new Set(chunk);
      for (const row of answers[k] ?? []) {
        const study = firstString(row, TAGS.studyUid) ?? '';
        if (named.has(byStudy ? study : (firstString(row, TAGS.seriesUid) ?? ''))) out.get(study)?.push(row);
      }
    });
    return out;
  }

  /** Rows with counts and modalities of the series the caller may see (and ModalitiesInStudy
   * always present, since the filter is matched on it); series rows asked for what `known` lacks. */
  async function recount(caller: Caller, rows: DicomJson[], known: Map<string, DicomJson[]>, version: number | null): Promise<DicomJson[]> {
    const uids = rows.map((r) => firstString(r, TAGS.studyUid) ?? '');
    const missing = uids.filter((u) => !known.has(u));
    const series = missing.length ? new Map([...known, ...(await seriesOfStudies(caller, missing, version))]) : known;
    const all = uids.flatMap((u) => series.get(u) ?? []);
    const facts = await access.series(caller, all.map((s) => firstString(s, TAGS.seriesUid) ?? ''));
    return rows.map((row, i) => {
      const studyUid = uids[i];
      const visible = (series.get(studyUid) ?? [])
        .filter((s) => seriesVisible(caller, facts.get(firstString(s, TAGS.seriesUid) ?? '') ?? { cases: [], result: null }, { studyUid, modality: firstString(s, TAGS.modality) }))
        .map((s) => ({ modality: firstString(s, TAGS.modality), instances: Number(s[TAGS.seriesRelatedInstances]?.Value?.[0] ?? 0) }));
      return recountStudy({ [TAGS.modalitiesInStudy]: { vr: 'CS' }, ...row }, visible);
    });
  }

  return async (caller, q, ask) => {
    // The archive's change number is read before anything of the archive (archiveRowCache.ts).
    const version = q.reuseKey !== null && deps.rows ? await deps.rows.current() : null;
    const askRows = (p: URLSearchParams) => (q.reuseKey === null ? ask(p) : reuse(`studies ${q.reuseKey} ${p.toString()}`, version, () => ask(p)));
    const visibleUids = q.namesStudies ? null : await access.visibleStudyUids(caller);
    const lists = visibleUids === null ? null : chunksOf(visibleUids);
    const requests = lists === null ? [q.params] : lists.map((chunk) => withStudyList(q.params, chunk));
    const need = q.paging.limit === null ? Infinity : q.paging.offset + q.paging.limit;
    // One row per Study UID: Orthanc keeps a study once per patient, so an object filed under
    // another Patient ID (stored around the gateway) would show up as a second row.
    const seen = new Set<string>();
    // Without a filter the visible rows, recounted once paged; with one every row is recounted
    // before it is matched, and only the matching are kept.
    const kept: DicomJson[] = [];
    const known = new Map<string, DicomJson[]>();
    for (let i = 0; i < requests.length && kept.length < need; i += WAVE) {
      // The series of studies sure to be recounted are asked beside their study rows, not after.
      const waveUids = lists?.slice(i, i + WAVE).flat() ?? null;
      const early = waveUids && (q.modalities !== null || waveUids.length <= need - kept.length) ? seriesOfStudies(caller, waveUids, version) : null;
      early?.catch(() => undefined);
      const answers = await Promise.all(requests.slice(i, i + WAVE).map(askRows));
      const failed = answers.find(isFailure);
      if (failed) return failed;
      if (early) for (const [study, rows] of await early) known.set(study, rows);
      const rows = (answers as DicomJson[][]).flat();
      const facts = await access.studies(caller, rows.map((r) => firstString(r, TAGS.studyUid) ?? ''));
      const visible = rows.filter((r) => {
        const uid = firstString(r, TAGS.studyUid) ?? '';
        if (seen.has(uid)) return false;
        seen.add(uid);
        return studyVisible(caller, facts.get(uid) ?? { hasCase: false, assignedToCaller: false });
      });
      if (q.modalities === null) kept.push(...visible);
      else kept.push(...(await recount(caller, visible, known, version)).filter((r) => modalitiesMatch(q.modalities!, (r[TAGS.modalitiesInStudy]?.Value as string[] | undefined) ?? [])));
    }
    return q.modalities === null ? recount(caller, page(kept, q.paging), known, version) : page(kept, q.paging);
  };
}

export async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}
