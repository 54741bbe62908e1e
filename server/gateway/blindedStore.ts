// STOW-RS through the blinding gateway: the body is spooled to a private file as it arrives (up
// to stowLimitBytes, stowSpool.ts), split there (multipart.ts), each object's header read strictly
// (dicomHeader.ts), one part in memory at a time (partHeader.ts), and the request refused as a
// whole unless every object may be stored by the caller; only then is that same file streamed to
// Orthanc, so that the archive stores exactly the bytes judged. Refusals the caller could know of
// come first; those that rest on other people's objects come last and read alike (blinding.ts
// storeVerdict). Result series are claimed for the caller before Orthanc stores anything; after it
// has, the UIDs it indexed are compared with the judged ones (storedIdentity.ts) and anything else
// is deleted again; result objects are recorded once stored.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import type { DicomwebResource } from '../dicomwebPath.ts';
import type { User } from '../identity/users.ts';
import { caseTarget, writeStudyAudit } from '../study/studyAudit.ts';
import type { AccessFacts } from './accessFacts.ts';
import { type Caller, type DicomJson, STORE_REFUSED, type StoreFacts, type StoreVerdict, TAGS, firstString, requestRefusal, resultKind, storeVerdict } from './blinding.ts';
import { DicomHeaderError, type DicomHeader } from './dicomHeader.ts';
import { MultipartError, parseContentType, splitMultipart } from './multipart.ts';
import { readPartHeader } from './partHeader.ts';
import { spoolBody } from './stowSpool.ts';
import { storedIdentities, unjudgedStores, type Identity } from './storedIdentity.ts';
import type { Upstream } from './upstream.ts';

const DICOM_JSON = 'application/dicom+json';

export interface StoreOptions {
  upstream: Upstream;
  access: AccessFacts;
  db: Database;
  stowLimitBytes: number;
}

export function storeHandler(opts: StoreOptions): (request: FastifyRequest, reply: FastifyReply, caller: Caller, resource: Extract<DicomwebResource, { kind: 'store' }>, path: string, query: string) => Promise<unknown> {
  const { upstream, access, db } = opts;

  async function store(request: FastifyRequest, reply: FastifyReply, caller: Caller, resource: Extract<DicomwebResource, { kind: 'store' }>, path: string, query: string): Promise<unknown> {
    const contentType = parseContentType(request.headers['content-type']);
    if (contentType.type !== 'multipart/related' || !contentType.params.boundary) {
      return reply.code(415).send({ error: 'STOW-RS takes multipart/related; type="application/dicom"' });
    }
    const declared = Number(request.headers['content-length']);
    const body = await spoolBody(request.body as NodeJS.ReadableStream | undefined, opts.stowLimitBytes, Number.isSafeInteger(declared) && declared >= 0 ? declared : null);
    if (body === null) return reply.code(413).send({ error: 'the STOW-RS body is larger than the gateway accepts' });
    try {
      const headers: DicomHeader[] = [];
      try {
        const parts = await splitMultipart(body.bytes, contentType.params.boundary);
        if (parts.length === 0) return reply.code(400).send({ error: 'the request holds no DICOM object' });
        // One part in memory at a time, in body order (the first unreadable one is the answer).
        for (const part of parts) {
          const type = parseContentType(part.headers['content-type'] ?? contentType.params.type).type;
          if (type !== 'application/dicom') throw new MultipartError(`parts of type ${type || '(none)'} are not accepted; send application/dicom`);
          headers.push(await readPartHeader(body.bytes, part));
        }
      } catch (err) {
        if (err instanceof MultipartError || err instanceof DicomHeaderError) return reply.code(400).send({ error: `unreadable STOW-RS body: ${err.message}` });
        throw err;
      }

      const verdicts = await judgeStore(caller, headers, resource.studyUid);
      const refusal = requestRefusal(verdicts);
      if (refusal) return reply.code(refusal.status).send({ error: refusal.error });

      // Claim each result series for the caller (first come owns it), before anything is stored.
      for (const [i, v] of verdicts.entries()) {
        if (!v.ok || v.kind === null) continue;
        const h = headers[i];
        const owner = await db.query<{ user_id: number; case_id: number }>(
          // Never a case's CT (whether or not the archive holds it now): access facts kept across
          // result stores rest on that (accessFacts.ts).
          `WITH claim AS (INSERT INTO result_series (series_instance_uid, study_instance_uid, case_id, user_id)
                            SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM cases WHERE series_instance_uid = $1)
                            ON CONFLICT (series_instance_uid) DO NOTHING RETURNING user_id, case_id)
           SELECT user_id, case_id FROM claim UNION ALL SELECT user_id, case_id FROM result_series WHERE series_instance_uid = $1`,
          [h.seriesInstanceUid, h.studyInstanceUid, v.caseId, caller.id],
        );
        const row = owner.rows[0];
        if (!row || row.user_id !== caller.id) return reply.code(403).send({ error: STORE_REFUSED });
        if (row.case_id !== v.caseId) return reply.code(409).send({ error: 'this result series holds results of another case; use a new series per case' });
      }
      await access.invalidate('results');

      const res = await upstream.streamed(
        'POST',
        query ? `${path}?${query}` : path,
        { ...upstream.headersOf(request), 'content-type': request.headers['content-type'], accept: DICOM_JSON, 'accept-encoding': 'identity' },
        body.stream(),
        body.size,
      );
      if (res.status === 200 || res.status === 202) {
        // Filed under exactly the identities judged, or not at all.
        const judged: Identity[] = headers.map((h) => ({ studyUid: h.studyInstanceUid, seriesUid: h.seriesInstanceUid, sopUid: h.sopInstanceUid }));
        const indexed = storedIdentities(res.body);
        const strays = indexed === null ? null : unjudgedStores(judged, indexed);
        if (strays === null || strays.length > 0) {
          await removeStrays(request, strays ?? [], indexed ?? []);
          await access.invalidate('results');
          return reply.code(403).type('application/json').send({ error: STORE_REFUSED });
        }
        const stored = storedSops(res.body);
        const now = new Date();
        await db.transaction(async (tx) => {
          for (const [i, v] of verdicts.entries()) {
            if (!v.ok || v.kind === null || !stored.has(headers[i].sopInstanceUid)) continue;
            const h = headers[i];
            // A lead's result for a case not assigned to them is the consensus read (the review's
            // adjudicated state, server/study/reviewQueue.ts); the blinding rules keep it from readers.
            const inserted = await tx.query(
              `INSERT INTO results (sop_instance_uid, series_instance_uid, study_instance_uid, case_id, user_id, kind, stored_at, consensus)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8::boolean AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = $4 AND a.user_id = $5))
               ON CONFLICT (sop_instance_uid) DO NOTHING`,
              [h.sopInstanceUid, h.seriesInstanceUid, h.studyInstanceUid, v.caseId, caller.id, v.kind, now, caller.role === 'lead'],
            );
            if (inserted.rowCount === 1) {
              await writeStudyAudit(tx, {
                userId: caller.id,
                action: 'result.store',
                target: caseTarget(v.caseId),
                detail: { kind: v.kind, studyInstanceUid: h.studyInstanceUid, seriesInstanceUid: h.seriesInstanceUid, sopInstanceUid: h.sopInstanceUid },
                ip: request.ip,
              });
            }
          }
        });
        await access.invalidate('results');
      }
      return reply.code(res.status).type(String(res.headers['content-type'] ?? DICOM_JSON)).send(res.body);
    } finally {
      await body.remove();
    }
  }

  /**
   * The archive filed something under an identity the gateway did not judge: everything this
   * request stored is deleted again, except an instance in a series that predates it and that
   * the gateway protects (a case's CT, someone else's results), which Orthanc does not
   * overwrite, so that what it holds there is not the caller's.
   */
  async function removeStrays(request: FastifyRequest, strays: Identity[], indexed: Identity[]): Promise<void> {
    request.log.warn({ objects: strays.length }, 'STOW: the archive filed objects under other UIDs than the gateway judged; removed');
    const seriesUids = [...new Set(indexed.map((i) => i.seriesUid))];
    const protectedRows = await db.query<{ series_instance_uid: string }>(
      `SELECT series_instance_uid FROM cases WHERE series_instance_uid = ANY($1::text[])
       UNION SELECT series_instance_uid FROM result_series WHERE series_instance_uid = ANY($1::text[]) AND user_id <> $2`,
      [seriesUids, (request.user as User).id],
    );
    const keep = new Set(protectedRows.rows.map((r) => r.series_instance_uid));
    for (const item of indexed) {
      if (keep.has(item.seriesUid)) continue;
      const sop = item.sopUid.split('|')[0];
      const found = await upstream.buffered('POST', '/tools/lookup', { host: 'localhost', 'content-type': 'text/plain' }, Buffer.from(sop));
      const ids = found.status === 200 ? (JSON.parse(found.body.toString('utf8')) as Array<{ ID: string; Type: string }>) : [];
      for (const id of ids.filter((i) => i.Type === 'Instance')) await upstream.buffered('DELETE', `/instances/${id.ID}`, { host: 'localhost' });
    }
  }

  /** A case CT's Patient ID in the archive ('' when it has none or is not there). */
  async function ctPatientId(studyUid: string, seriesUid: string): Promise<string> {
    const rows = (await upstream.json<DicomJson[]>(`/dicom-web/studies/${studyUid}/series?SeriesInstanceUID=${seriesUid}&includefield=00100020`)) ?? [];
    return (rows[0] && firstString(rows[0], '00100020')) ?? '';
  }

  /** What storeVerdict needs, from the tables and (for result objects) Orthanc. */
  async function judgeStore(caller: Caller, headers: DicomHeader[], pathStudyUid: string | undefined): Promise<StoreVerdict[]> {
    const refs = [...new Set(headers.flatMap((h) => h.referencedSeriesUids))];
    const [cases, seriesOwners, sopOwners] = await Promise.all([
      db.query<{ id: number; series_instance_uid: string; study_instance_uid: string; assigned: boolean; complete: boolean }>(
        `SELECT c.id, c.series_instance_uid, c.study_instance_uid,
                EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = c.id AND a.user_id = $2) AS assigned,
                (EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = c.id)
                 AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = c.id
                                  AND NOT EXISTS (SELECT 1 FROM results r WHERE r.case_id = a.case_id AND r.user_id = a.user_id))) AS complete
           FROM cases c WHERE c.series_instance_uid = ANY($1::text[])`,
        [refs, caller.id],
      ),
      db.query<{ series_instance_uid: string; user_id: number; case_id: number }>('SELECT series_instance_uid, user_id, case_id FROM result_series WHERE series_instance_uid = ANY($1::text[])', [
        headers.map((h) => h.seriesInstanceUid),
      ]),
      db.query<{ sop_instance_uid: string; user_id: number }>('SELECT sop_instance_uid, user_id FROM results WHERE sop_instance_uid = ANY($1::text[])', [
        headers.map((h) => h.sopInstanceUid),
      ]),
    ]);
    const seriesOwner = new Map(seriesOwners.rows.map((r) => [r.series_instance_uid, r.user_id]));
    const seriesCase = new Map(seriesOwners.rows.map((r) => [r.series_instance_uid, r.case_id]));
    const sopOwner = new Map(sopOwners.rows.map((r) => [r.sop_instance_uid, r.user_id]));
    return Promise.all(
      headers.map(async (h): Promise<StoreVerdict> => {
        const isResult = resultKind(h.sopClassUid) !== null;
        const owner = seriesOwner.get(h.seriesInstanceUid) ?? null;
        const sopOwnerId = sopOwner.get(h.sopInstanceUid) ?? null;
        // Orthanc is asked only where the tables cannot answer, and only for results by readers and leads.
        const askArchive = isResult && caller.role !== 'admin';
        // Asked whatever the tables say, so that the time taken does not depend on them.
        const seriesInArchive = askArchive ? ((await upstream.json<DicomJson[]>(`/dicom-web/series?SeriesInstanceUID=${h.seriesInstanceUid}`)) ?? []).length > 0 : false;
        let sopInArchive: StoreFacts['sopInArchive'] = null;
        const referencedCases: StoreFacts['referencedCases'] = [];
        for (const c of cases.rows.filter((row) => h.referencedSeriesUids.includes(row.series_instance_uid))) {
          referencedCases.push({
            caseId: c.id,
            studyUid: c.study_instance_uid,
            assignedToCaller: c.assigned,
            complete: c.complete,
            patientId: askArchive ? await ctPatientId(c.study_instance_uid, c.series_instance_uid) : undefined,
          });
        }
        if (askArchive) {
          const rows = (await upstream.json<DicomJson[]>(`/dicom-web/instances?SOPInstanceUID=${h.sopInstanceUid}&includefield=0020000E`)) ?? [];
          if (rows[0]) sopInArchive = { seriesUid: firstString(rows[0], TAGS.seriesUid) ?? '' };
        }
        return storeVerdict(caller, {
          sopClassUid: h.sopClassUid,
          sopInstanceUid: h.sopInstanceUid,
          studyUid: h.studyInstanceUid,
          seriesUid: h.seriesInstanceUid,
          patientId: h.patientId,
          pathStudyUid,
          referencedCases,
          seriesOwnerId: owner,
          seriesCaseId: seriesCase.get(h.seriesInstanceUid) ?? null,
          seriesInArchive,
          sopOwnerId,
          sopInArchive,
        });
      }),
    );
  }

  return store;
}

/** SOP Instance UIDs in the Referenced SOP Sequence (0008,1199) of a STOW-RS answer: the stored ones. */
function storedSops(body: Buffer): Set<string> {
  try {
    const json = JSON.parse(body.toString('utf8')) as DicomJson;
    const items = (json['00081199']?.Value ?? []) as DicomJson[];
    return new Set(items.map((i) => firstString(i, '00081155')).filter((s): s is string => !!s));
  } catch {
    return new Set();
  }
}
