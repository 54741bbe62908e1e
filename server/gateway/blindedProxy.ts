// The DICOMweb gateway with blinding (config.requireLogin): every request has a logged-in caller
// (loginGate.ts), and what blinding.ts says they may not see is answered as if it did not exist.
//   QIDO   the answer is fetched whole (no limit sent to Orthanc), rows the caller may not see are
//          removed, then the caller's limit/offset applied; study rows get counts and modalities of
//          the visible series only.
//   WADO   series and instance requests on a series the caller may not see: the gateway's 404;
//          Orthanc's own 404s get the same body. Study-level retrieval (all of a study's objects in
//          one multipart answer) is not offered; study metadata is filtered like QIDO.
//   STOW   the body is buffered (up to stowLimitBytes), each object's header read, the request
//          refused as a whole unless every object may be stored by the caller; result series are
//          claimed for the caller before Orthanc stores anything, result objects recorded once
//          Orthanc has stored them.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import type { DicomwebResource } from '../dicomwebPath.ts';
import type { User } from '../identity/users.ts';
import { caseTarget, writeStudyAudit } from '../study/studyAudit.ts';
import type { AccessFacts } from './accessFacts.ts';
import {
  type Caller,
  type DicomJson,
  RESULT_MODALITIES,
  STORE_REFUSED,
  type StoreFacts,
  type StoreVerdict,
  TAGS,
  firstString,
  instanceVisible,
  isModalitiesInStudyKey,
  modalitiesMatch,
  page,
  pageParams,
  recountStudy,
  requestRefusal,
  resultKind,
  seriesVisible,
  storeVerdict,
  studyVisible,
  unsupportedStudyKey,
} from './blinding.ts';
import { DicomHeaderError, type DicomHeader, readDicomHeader } from './dicomHeader.ts';
import { decoyPath, decoyUid, namedUids, withDecoys } from './hiddenAsMissing.ts';
import { storedIdentities, unjudgedStores, type Identity } from './storedIdentity.ts';
import { wadoAcceptable } from './wadoAccept.ts';
import { MultipartError, parseContentType, splitMultipart } from './multipart.ts';
import { type Upstream, notFound, upstreamFailed } from './upstream.ts';
import type { SeriesMetadataCache } from './seriesMetadataCache.ts';

export interface BlindingOptions {
  upstream: Upstream;
  access: AccessFacts;
  db: Database;
  /** STOW bodies are buffered for checking up to this size; larger ones get 413 */
  stowLimitBytes: number;
  /** series metadata answered from the gateway once access is granted */
  metadataCache?: SeriesMetadataCache;
}

const DICOM_JSON = 'application/dicom+json';
// A result viewed again within this time is not audited again (a viewer asks for a SEG's metadata
// and its bulk data in a few requests).
const VIEW_AUDIT_INTERVAL_MS = 10 * 60_000;
// One series' modality (for admins asking about a series that is no case) never changes.
const MODALITY_CACHE_MAX = 10_000;

const NOT_ACCEPTABLE = { error: 'the gateway cannot answer in any of the media types the Accept header names' } as const;
const STUDY_RETRIEVE = { error: 'whole-study retrieval is not offered through the gateway: retrieve the series one by one' } as const;

function acceptsJson(accept: string | undefined): boolean {
  return !accept || /(^|,)\s*(\*\/\*|application\/(\*|json|dicom\+json))\s*(;|,|$)/i.test(accept);
}

function sendJson(reply: FastifyReply, rows: unknown[]): FastifyReply {
  return reply.code(200).type(DICOM_JSON).send(JSON.stringify(rows));
}

export function blindedHandler(opts: BlindingOptions): (request: FastifyRequest, reply: FastifyReply, resource: DicomwebResource, path: string, query: string) => Promise<unknown> {
  const { upstream, access, db } = opts;
  const viewAudited = new Map<string, number>();
  const modalityOf = new Map<string, string | null>();

  /** Upstream JSON rows, or a reply already sent (404, or an error passed on). */
  async function upstreamRows(request: FastifyRequest, reply: FastifyReply, upstreamPath: string): Promise<DicomJson[] | null> {
    const res = await upstream.buffered('GET', upstreamPath, { ...upstream.headersOf(request), accept: DICOM_JSON, 'accept-encoding': 'identity' });
    if (res.status === 404) {
      notFound(reply);
      return null;
    }
    if (res.status === 204) return [];
    if (res.status !== 200) {
      reply.code(res.status).type(String(res.headers['content-type'] ?? 'application/json')).send(res.body);
      return null;
    }
    return res.body.length ? (JSON.parse(res.body.toString('utf8')) as DicomJson[]) : [];
  }

  async function auditView(request: FastifyRequest, caller: Caller, seriesUid: string, caseId: number, ownerId: number): Promise<void> {
    const key = `${caller.id}|${seriesUid}`;
    const now = Date.now();
    if (now - (viewAudited.get(key) ?? 0) < VIEW_AUDIT_INTERVAL_MS) return;
    if (viewAudited.size > 50_000) viewAudited.clear();
    viewAudited.set(key, now);
    await writeStudyAudit(db, { userId: caller.id, action: 'result.view', target: caseTarget(caseId), detail: { seriesInstanceUid: seriesUid, ownerId, path: request.url.split('?')[0] }, ip: request.ip });
  }

  /** An admin asking for a series that is no case: is it a SEG/SR series stored some other way? */
  async function resultModalityInArchive(studyUid: string, seriesUid: string): Promise<boolean> {
    let modality = modalityOf.get(seriesUid);
    if (modality === undefined) {
      const rows = await upstream.json<DicomJson[]>(`/dicom-web/studies/${studyUid}/series?SeriesInstanceUID=${seriesUid}&includefield=00080060`);
      modality = rows?.[0] ? (firstString(rows[0], TAGS.modality) ?? null) : null;
      if (modalityOf.size >= MODALITY_CACHE_MAX) modalityOf.clear();
      if (rows?.[0]) modalityOf.set(seriesUid, modality);
    }
    return modality !== null && RESULT_MODALITIES.has(modality.toUpperCase());
  }

  // ------------------------------------------------------------------------------------------ QIDO
  async function search(request: FastifyRequest, reply: FastifyReply, caller: Caller, resource: Extract<DicomwebResource, { kind: 'search' }>, path: string, query: string): Promise<unknown> {
    if (!acceptsJson(request.headers.accept)) return reply.code(406).send({ error: 'QIDO-RS answers are given as application/dicom+json' });
    const params = new URLSearchParams(query);
    const paging = pageParams(params);
    if ('error' in paging) return reply.code(400).send({ error: paging.error });
    params.delete('limit');
    params.delete('offset');
    let modalities: string | null = null;
    if (resource.level === 'study') {
      const bad = unsupportedStudyKey(params);
      if (bad !== null) return reply.code(400).send({ error: `the study-level query key ${bad.slice(0, 64)} is not supported` });
      for (const key of [...params.keys()]) {
        if (isModalitiesInStudyKey(key)) {
          modalities = params.get(key);
          params.delete(key);
        }
      }
    } else {
      for (const tag of [TAGS.studyUid, TAGS.seriesUid, TAGS.modality, ...(resource.level === 'instance' ? [TAGS.sopClassUid, TAGS.sopInstanceUid] : [])]) params.append('includefield', tag);
    }
    const { path: askedPath, params: asked } = await decoysForHidden(caller, resource, path, params);
    const rows = await upstreamRows(request, reply, `${askedPath}?${asked.toString()}`);
    if (rows === null) return reply;

    if (resource.level === 'study') {
      const facts = await access.studies(caller, rows.map((r) => firstString(r, TAGS.studyUid) ?? ''));
      // One row per Study UID: Orthanc keeps a study once per patient, so an object filed under
      // another Patient ID (stored around the gateway) would show up as a second row.
      const seen = new Set<string>();
      const visible = rows.filter((r) => {
        const uid = firstString(r, TAGS.studyUid) ?? '';
        if (seen.has(uid)) return false;
        seen.add(uid);
        return studyVisible(caller, facts.get(uid) ?? { hasCase: false, assignedToCaller: false });
      });
      // With a ModalitiesInStudy filter every row is recounted before paging; otherwise the page only.
      const candidates = modalities === null ? page(visible, paging) : visible;
      const recounted = await mapLimited(candidates, 8, (row) => recount(caller, row));
      const kept = modalities === null ? recounted : page(recounted.filter((r) => modalitiesMatch(modalities, (r[TAGS.modalitiesInStudy]?.Value as string[] | undefined) ?? [])), paging);
      return sendJson(reply, kept);
    }
    const seriesFacts = await access.series(caller, rows.map((r) => firstString(r, TAGS.seriesUid) ?? ''));
    const visible = rows.filter((r) => {
      const facts = seriesFacts.get(firstString(r, TAGS.seriesUid) ?? '');
      if (!facts) return false;
      const where = { studyUid: firstString(r, TAGS.studyUid), modality: firstString(r, TAGS.modality) };
      if (resource.level === 'series') return seriesVisible(caller, facts, where);
      return instanceVisible(caller, facts, { ...where, sopClassUid: firstString(r, TAGS.sopClassUid) });
    });
    return sendJson(reply, page(visible, paging));
  }

  /**
   * The query as sent to Orthanc: every study, series or SOP instance UID it names (in the path or
   * as a key) that the caller may not see replaced by a decoy, so that Orthanc answers it like a
   * UID that does not exist, with the same work and time (hiddenAsMissing.ts).
   */
  async function decoysForHidden(caller: Caller, resource: Extract<DicomwebResource, { kind: 'search' }>, path: string, params: URLSearchParams): Promise<{ path: string; params: URLSearchParams }> {
    const named = namedUids(params);
    const studies = [...new Set([...named.study, ...(resource.studyUid ? [resource.studyUid] : [])])];
    const sopRows = named.instance.length
      ? (await db.query<{ sop_instance_uid: string; series_instance_uid: string }>('SELECT sop_instance_uid, series_instance_uid FROM results WHERE sop_instance_uid = ANY($1::text[])', [named.instance])).rows
      : [];
    const seriesOfSop = new Map(sopRows.map((r) => [r.sop_instance_uid, r.series_instance_uid]));
    const series = [...new Set([...named.series, ...(resource.seriesUid ? [resource.seriesUid] : []), ...seriesOfSop.values()])];
    const [studyFacts, seriesFacts] = await Promise.all([access.studies(caller, studies), access.series(caller, series)]);
    const hidden = new Set<string>();
    for (const uid of studies) if (!studyVisible(caller, studyFacts.get(uid) ?? { hasCase: false, assignedToCaller: false })) hidden.add(uid);
    const seriesHidden = (uid: string) => {
      const facts = seriesFacts.get(uid);
      // A series the tables know nothing of: Orthanc's rows are filtered as always (an admin's
      // uploads); one they know is decided here, before Orthanc is asked.
      if (!facts || (!facts.result && facts.cases.length === 0)) return caller.role !== 'admin';
      return !seriesVisible(caller, facts);
    };
    for (const uid of series) if (seriesHidden(uid)) hidden.add(uid);
    for (const [sop, seriesUid] of seriesOfSop) if (seriesHidden(seriesUid)) hidden.add(sop);
    if (hidden.size === 0) return { path, params };
    return { path: decoyPath(path, hidden), params: withDecoys(params, hidden) };
  }

  /** A study row with counts and modalities of the series the caller may see (and ModalitiesInStudy
   * always present, since the filter is matched on it). */
  async function recount(caller: Caller, row: DicomJson): Promise<DicomJson> {
    const studyUid = firstString(row, TAGS.studyUid) ?? '';
    const series = (await upstream.json<DicomJson[]>(`/dicom-web/studies/${studyUid}/series?includefield=00201209&includefield=00080060`)) ?? [];
    const facts = await access.series(caller, series.map((s) => firstString(s, TAGS.seriesUid) ?? ''));
    const visible = series
      .filter((s) => seriesVisible(caller, facts.get(firstString(s, TAGS.seriesUid) ?? '') ?? { cases: [], result: null }, { studyUid, modality: firstString(s, TAGS.modality) }))
      .map((s) => ({ modality: firstString(s, TAGS.modality), instances: Number(s[TAGS.seriesRelatedInstances]?.Value?.[0] ?? 0) }));
    return recountStudy({ [TAGS.modalitiesInStudy]: { vr: 'CS' }, ...row }, visible);
  }

  // ------------------------------------------------------------------------------------------ WADO
  async function retrieve(request: FastifyRequest, reply: FastifyReply, caller: Caller, resource: Extract<DicomwebResource, { kind: 'retrieve' }>, path: string, query: string): Promise<unknown> {
    const target = query ? `${path}?${query}` : path;
    // Accept is judged by the gateway, the same for every UID, before anything is looked up.
    if (!wadoAcceptable(resource.what, request.headers.accept)) return reply.code(406).type('application/json').send(NOT_ACCEPTABLE);
    if (resource.level === 'study') {
      if (resource.what !== 'metadata') return reply.code(400).send(STUDY_RETRIEVE);
      if (!acceptsJson(request.headers.accept)) return reply.code(406).send({ error: 'metadata is given as application/dicom+json' });
      const facts = await access.studies(caller, [resource.studyUid]);
      if (!studyVisible(caller, facts.get(resource.studyUid)!)) return notFound(reply);
      const rows = await upstreamRows(request, reply, target);
      if (rows === null) return reply;
      const seriesFacts = await access.series(caller, rows.map((r) => firstString(r, TAGS.seriesUid) ?? ''));
      const visible = rows.filter((r) => {
        const f = seriesFacts.get(firstString(r, TAGS.seriesUid) ?? '');
        return f !== undefined && instanceVisible(caller, f, { studyUid: resource.studyUid, modality: firstString(r, TAGS.modality), sopClassUid: firstString(r, TAGS.sopClassUid) });
      });
      return visible.length ? sendJson(reply, visible) : notFound(reply);
    }
    const seriesUid = resource.seriesUid!;
    const facts = await access.seriesOne(caller, seriesUid);
    let visible = seriesVisible(caller, facts, { studyUid: resource.studyUid });
    // What a caller may not see is asked of Orthanc under a decoy UID, the way a UID that does
    // not exist is asked: the same requests, the same answer, the same time.
    const askedUid = visible ? seriesUid : decoyUid(seriesUid);
    // An admin's series that is no case: is it a SEG/SR stored some other way? (Asked for a
    // hidden series too, under its decoy, since a series that does not exist is asked.)
    const unknown = !facts.result && facts.cases.length === 0;
    if (caller.role === 'admin' && (unknown || !visible) && (await resultModalityInArchive(resource.studyUid, askedUid))) visible = false;
    if (!visible) return upstream.stream(request, reply, decoyPath(target, [seriesUid, ...(resource.sopUid ? [resource.sopUid] : [])]));
    if (facts.result) await auditView(request, caller, seriesUid, facts.result.caseId, facts.result.ownerId);
    if (opts.metadataCache && !query && (await opts.metadataCache.serve(request.headers.host ?? '', path, request.headers.accept, reply))) return reply;
    return upstream.stream(request, reply, target);
  }

  // ------------------------------------------------------------------------------------------ STOW
  async function store(request: FastifyRequest, reply: FastifyReply, caller: Caller, resource: Extract<DicomwebResource, { kind: 'store' }>, path: string, query: string): Promise<unknown> {
    const contentType = parseContentType(request.headers['content-type']);
    if (contentType.type !== 'multipart/related' || !contentType.params.boundary) {
      return reply.code(415).send({ error: 'STOW-RS takes multipart/related; type="application/dicom"' });
    }
    const body = await readBody(request.body as NodeJS.ReadableStream | undefined, opts.stowLimitBytes);
    if (body === null) return reply.code(413).send({ error: 'the STOW-RS body is larger than the gateway accepts' });

    let headers: DicomHeader[];
    try {
      const parts = splitMultipart(body, contentType.params.boundary);
      if (parts.length === 0) return reply.code(400).send({ error: 'the request holds no DICOM object' });
      headers = parts.map((part) => {
        const type = parseContentType(part.headers['content-type'] ?? contentType.params.type).type;
        if (type !== 'application/dicom') throw new MultipartError(`parts of type ${type || '(none)'} are not accepted; send application/dicom`);
        return readDicomHeader(part.body);
      });
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
        `WITH claim AS (INSERT INTO result_series (series_instance_uid, study_instance_uid, case_id, user_id) VALUES ($1, $2, $3, $4)
                          ON CONFLICT (series_instance_uid) DO NOTHING RETURNING user_id, case_id)
         SELECT user_id, case_id FROM claim UNION ALL SELECT user_id, case_id FROM result_series WHERE series_instance_uid = $1`,
        [h.seriesInstanceUid, h.studyInstanceUid, v.caseId, caller.id],
      );
      const row = owner.rows[0];
      if (!row || row.user_id !== caller.id) return reply.code(403).send({ error: STORE_REFUSED });
      if (row.case_id !== v.caseId) return reply.code(409).send({ error: 'this result series holds results of another case; use a new series per case' });
    }
    access.invalidate();

    const res = await upstream.buffered('POST', query ? `${path}?${query}` : path, { ...upstream.headersOf(request), 'content-type': request.headers['content-type'], accept: DICOM_JSON, 'accept-encoding': 'identity' }, body);
    if (res.status === 200 || res.status === 202) {
      // Filed under exactly the identities judged, or not at all.
      const judged: Identity[] = headers.map((h) => ({ studyUid: h.studyInstanceUid, seriesUid: h.seriesInstanceUid, sopUid: h.sopInstanceUid }));
      const indexed = storedIdentities(res.body);
      const strays = indexed === null ? null : unjudgedStores(judged, indexed);
      if (strays === null || strays.length > 0) {
        await removeStrays(request, strays ?? [], indexed ?? []);
        access.invalidate();
        return reply.code(403).type('application/json').send({ error: STORE_REFUSED });
      }
      const stored = storedSops(res.body);
      const now = new Date();
      await db.transaction(async (tx) => {
        for (const [i, v] of verdicts.entries()) {
          if (!v.ok || v.kind === null || !stored.has(headers[i].sopInstanceUid)) continue;
          const h = headers[i];
          const inserted = await tx.query(
            `INSERT INTO results (sop_instance_uid, series_instance_uid, study_instance_uid, case_id, user_id, kind, stored_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sop_instance_uid) DO NOTHING`,
            [h.sopInstanceUid, h.seriesInstanceUid, h.studyInstanceUid, v.caseId, caller.id, v.kind, now],
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
      access.invalidate();
    }
    return reply.code(res.status).type(String(res.headers['content-type'] ?? DICOM_JSON)).send(res.body);
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

  return async (request, reply, resource, path, query) => {
    const user = request.user as User | null;
    if (!user) return reply.code(401).send({ error: 'not logged in' });
    const caller: Caller = { id: user.id, role: user.role };
    try {
      if (resource.kind === 'search') return await search(request, reply, caller, resource, path, query);
      if (resource.kind === 'retrieve') return await retrieve(request, reply, caller, resource, path, query);
      return await store(request, reply, caller, resource, path, query);
    } catch (err) {
      if (reply.sent || reply.raw.headersSent) {
        reply.raw.destroy();
        return reply;
      }
      if ((err as Error).name === 'UpstreamError') return upstreamFailed(request, reply, err);
      throw err;
    }
  };
}

/**
 * The body in memory, or null once it passes limit. Past the limit the rest is read and dropped:
 * answering 413 before the client has sent everything would reset the connection under it, and
 * browsers then report a network error instead of the 413 (Node's requestTimeout bounds the wait).
 */
async function readBody(stream: NodeJS.ReadableStream | undefined, limit: number): Promise<Buffer | null> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total <= limit) chunks.push(chunk);
    else chunks.length = 0;
  }
  return total > limit ? null : Buffer.concat(chunks, total);
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

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
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
