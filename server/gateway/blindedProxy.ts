// The DICOMweb gateway with blinding (config.requireLogin): every request has a logged-in caller
// (loginGate.ts), and what blinding.ts says they may not see is answered as if it did not exist.
//   QIDO   the answer is fetched whole (no limit sent to Orthanc), rows the caller may not see are
//          removed, then the caller's limit/offset applied; study rows get counts and modalities of
//          the visible series only. At study level Orthanc is asked only about the studies the
//          caller may see (studySearch.ts).
//   WADO   series and instance requests on a series the caller may not see: the gateway's 404;
//          Orthanc's own 404s get the same body. Study-level retrieval (all of a study's objects in
//          one multipart answer) is not offered; study metadata is filtered like QIDO.
//   STOW   blindedStore.ts.
// What a caller may not see is asked of Orthanc under decoy UIDs (hiddenAsMissing.ts), so that it
// answers exactly like what does not exist.
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
  TAGS,
  firstString,
  instanceVisible,
  isModalitiesInStudyKey,
  page,
  pageParams,
  seriesVisible,
  studyVisible,
  unsupportedStudyKey,
} from './blinding.ts';
import { decoyPath, namedUids, withDecoys } from './hiddenAsMissing.ts';
import { storeHandler } from './blindedStore.ts';
import { type RowsFailure, isFailure, studySearch } from './studySearch.ts';
import { wadoAcceptable } from './wadoAccept.ts';
import { type Upstream, notFound, upstreamFailed } from './upstream.ts';
import type { SeriesMetadataCache } from './seriesMetadataCache.ts';
import type { ArchiveRowCache } from './archiveRowCache.ts';
import type { OrthancFrames } from './orthancFrames.ts';

export interface BlindingOptions {
  upstream: Upstream;
  access: AccessFacts;
  db: Database;
  /** STOW bodies are buffered for checking up to this size; larger ones get 413 */
  stowLimitBytes: number;
  /** series metadata answered from the gateway once access is granted */
  metadataCache?: SeriesMetadataCache;
  /** Orthanc's QIDO rows for searches asked again (archiveRowCache.ts); none: every search asks */
  archiveRows?: ArchiveRowCache;
  /** single frames of visible instances by Orthanc ID (orthancFrames.ts); none: all through DICOMweb */
  orthancFrames?: OrthancFrames;
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
  const searchStudies = studySearch({ access, upstream, rows: opts.archiveRows });

  /** Upstream JSON rows, or the answer to give instead (a 404, or an error passed on). */
  async function fetchRows(request: FastifyRequest, upstreamPath: string): Promise<DicomJson[] | RowsFailure> {
    const res = await upstream.buffered('GET', upstreamPath, { ...upstream.headersOf(request), accept: DICOM_JSON, 'accept-encoding': 'identity' });
    if (res.status === 204) return [];
    if (res.status !== 200) return { status: res.status, contentType: String(res.headers['content-type'] ?? 'application/json'), body: res.body };
    return res.body.length ? (JSON.parse(res.body.toString('utf8')) as DicomJson[]) : [];
  }

  function sendFailure(reply: FastifyReply, failure: RowsFailure): FastifyReply {
    if (failure.status === 404) return notFound(reply);
    return reply.code(failure.status).type(failure.contentType).send(failure.body);
  }

  /** Upstream JSON rows, or a reply already sent (404, or an error passed on). */
  async function upstreamRows(request: FastifyRequest, reply: FastifyReply, upstreamPath: string): Promise<DicomJson[] | null> {
    const rows = await fetchRows(request, upstreamPath);
    if (!isFailure(rows)) return rows;
    sendFailure(reply, rows);
    return null;
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
    if (resource.level === 'study') {
      const named = namedUids(params);
      const namesNone = named.study.length + named.series.length + named.instance.length === 0;
      const query = { params: asked, paging, modalities, namesStudies: named.study.length > 0, reuseKey: namesNone ? `${request.headers.host ?? ''} ${askedPath}` : null };
      const rows = await searchStudies(caller, query, (p) => fetchRows(request, `${askedPath}?${p.toString()}`));
      return isFailure(rows) ? sendFailure(reply, rows) : sendJson(reply, rows);
    }
    const rows = await upstreamRows(request, reply, `${askedPath}?${asked.toString()}`);
    if (rows === null) return reply;
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
    // What a caller may not see is asked of Orthanc under decoy UIDs, along the very path a UID
    // that does not exist takes (modality check, metadata cache, stream): the same requests, the
    // same answer, the same time.
    const uids = [seriesUid, ...(resource.sopUid ? [resource.sopUid] : [])];
    const decoyed = () => {
      const d = decoyPath(target, uids);
      return { path: d.split('?')[0], target: d, seriesUid: d.split('/series/')[1].split('/')[0] };
    };
    let asked = visible ? { path, target, seriesUid } : decoyed();
    // An admin's series that is no case: is it a SEG/SR stored some other way?
    const unknown = !facts.result && facts.cases.length === 0;
    if (caller.role === 'admin' && (unknown || !visible) && (await resultModalityInArchive(resource.studyUid, asked.seriesUid)) && visible) {
      visible = false;
      asked = decoyed();
    }
    if (visible && facts.result) await auditView(request, caller, seriesUid, facts.result.caseId, facts.result.ownerId);
    if (visible && !query && resource.what === 'frames' && opts.orthancFrames) {
      const uids = { studyUid: resource.studyUid, seriesUid, sopUid: resource.sopUid! };
      if (await opts.orthancFrames.serve(reply, uids, path.split('/frames/')[1], request.headers.accept)) return reply;
    }
    if (opts.metadataCache && !query && (await opts.metadataCache.serve(request.headers.host ?? '', asked.path, request.headers.accept, reply))) return reply;
    return upstream.stream(request, reply, asked.target);
  }

  const store = storeHandler({ upstream, access, db, stowLimitBytes: opts.stowLimitBytes });

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
