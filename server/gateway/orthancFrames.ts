// One frame of an instance the caller may see, served from Orthanc's own REST route
// (/instances/{id}/frames/{n}/raw) instead of its DICOMweb plugin. The plugin finds an instance
// by its three UIDs at every request, a handful of index queries each: on the cluster's
// PostgreSQL index that is 8-10 ms a frame against 2.5 ms by Orthanc ID (5 and 2.4 ms on SQLite;
// measured one request at a time on the shared COVID CT), and 1.8x Orthanc's CPU under 20
// readers, plus PostgreSQL's. Here a series' instances are looked up once (one /tools/find), their
// stored transfer syntax once each, and the frame's stored bytes are sent as the plugin sends them:
// one part, its media type and transfer-syntax as PS3.18 8.7.3.5 names them.
//
// Only what this module is sure of goes this way: one frame, an Accept of transfer-syntax=* or
// of the stored syntax itself, a syntax in the table below. Anything else, and anything Orthanc
// answers otherwise than 200 here (an instance deleted since, say), goes the plugin's way, which
// gives its answer and its 404. Only visible series come here (blindedProxy.ts decides before), so
// what a caller may not see still costs exactly what does not exist.
import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Buffered, Upstream } from './upstream.ts';

const EXPLICIT_LITTLE = '1.2.840.10008.1.2.1';
// Stored syntax -> the part's media type (the DICOMweb plugin's choice). Implicit VR Little Endian
// pixel data are the same bytes as Explicit, and are labelled so, as the plugin does.
const PART_TYPE = new Map<string, { type: string; label: string }>([
  [EXPLICIT_LITTLE, { type: 'application/octet-stream', label: EXPLICIT_LITTLE }],
  ['1.2.840.10008.1.2', { type: 'application/octet-stream', label: EXPLICIT_LITTLE }],
  ['1.2.840.10008.1.2.4.50', { type: 'image/jpeg', label: '1.2.840.10008.1.2.4.50' }],
  ['1.2.840.10008.1.2.4.51', { type: 'image/jpeg', label: '1.2.840.10008.1.2.4.51' }],
  ['1.2.840.10008.1.2.4.57', { type: 'image/jpeg', label: '1.2.840.10008.1.2.4.57' }],
  ['1.2.840.10008.1.2.4.70', { type: 'image/jpeg', label: '1.2.840.10008.1.2.4.70' }],
  ['1.2.840.10008.1.2.4.80', { type: 'image/jls', label: '1.2.840.10008.1.2.4.80' }],
  ['1.2.840.10008.1.2.4.81', { type: 'image/jls', label: '1.2.840.10008.1.2.4.81' }],
  ['1.2.840.10008.1.2.4.90', { type: 'image/jp2', label: '1.2.840.10008.1.2.4.90' }],
  ['1.2.840.10008.1.2.4.91', { type: 'image/jp2', label: '1.2.840.10008.1.2.4.91' }],
  ['1.2.840.10008.1.2.5', { type: 'image/x-dicom-rle', label: '1.2.840.10008.1.2.5' }],
]);
const MAX_SERIES = 512;
// A SOP UID not among a series' instances is looked up again at most this often (a series that
// grew: a SEG series takes new instances).
const RELOOK_MS = 2000;

interface SeriesInstances {
  at: number;
  ids: Map<string, { id: string; syntax?: string }>;
}

/** The transfer syntax an Accept asks for frames in: '*', a UID, or null (not this module's case). */
export function requestedSyntax(accept: string | undefined): string | null {
  if (!accept || accept.includes(',')) return null;
  const [type, ...params] = accept.split(';').map((s) => s.trim());
  if (type.toLowerCase() !== 'multipart/related') return null;
  let partType: string | null = null;
  let syntax: string | null = null;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) return null;
    const name = p.slice(0, eq).trim().toLowerCase();
    const value = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
    if (name === 'type') partType = value.toLowerCase();
    else if (name === 'transfer-syntax') syntax = value;
    else return null;
  }
  if (partType !== 'application/octet-stream' || syntax === null) return null;
  return syntax === '*' || /^[0-9.]{1,64}$/.test(syntax) ? syntax : null;
}

export class OrthancFrames {
  private readonly series = new Map<string, Promise<SeriesInstances | null>>();
  // An archive that is not Orthanc (no /tools/find) is asked through DICOMweb only.
  private supported = true;

  constructor(private readonly upstream: Upstream) {}

  /**
   * Sends frame `frameList` of the instance if this module can; false: nothing was sent, ask the
   * plugin. The caller has already decided that the series is visible.
   */
  async serve(reply: FastifyReply, uids: { studyUid: string; seriesUid: string; sopUid: string }, frameList: string, accept: string | undefined): Promise<boolean> {
    if (!this.supported || !/^[1-9][0-9]{0,5}$/.test(frameList)) return false;
    const wanted = requestedSyntax(accept);
    if (wanted === null) return false;
    const instance = await this.instance(uids);
    if (!instance) return false;
    const framePath = `/instances/${instance.id}/frames/${Number(frameList) - 1}/raw`;
    let early: Promise<Buffered> | null = null;
    if (instance.syntax === undefined) {
      // An instance's first frame: its stored syntax is asked beside the frame, not before it (a
      // series opens with a frame of each instance at once: one round trip each, not two). A frame
      // fetched for a syntax this module leaves to the plugin is dropped.
      early = this.upstream.buffered('GET', framePath, { accept: '*/*' });
      early.catch(() => undefined);
      const syntax = await this.upstream.buffered('GET', `/instances/${instance.id}/metadata/TransferSyntax`, { accept: 'text/plain' }).catch(() => null);
      if (syntax?.status !== 200) return false;
      instance.syntax = syntax.body.toString('utf8').trim();
    }
    const part = PART_TYPE.get(instance.syntax);
    if (!part || (wanted !== '*' && wanted !== part.label)) return false;
    const boundary = randomUUID();
    const partContentType = `${part.type}; transfer-syntax=${part.label}`;
    const contentType = `multipart/related; type="${partContentType}"; boundary=${boundary}`;
    const wrap = (length: number) => ({
      head: Buffer.from(`--${boundary}\r\nContent-Type: ${partContentType}\r\nContent-Length: ${length}\r\n\r\n`, 'latin1'),
      tail: Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'),
    });
    // Later frames go through as they come from the archive, never held whole here.
    if (!early) return this.upstream.framed(framePath, reply, contentType, wrap);
    const res = await early.catch(() => null);
    if (res?.status !== 200) return false;
    const { head, tail } = wrap(res.body.length);
    reply.code(200).header('content-type', contentType).header('content-length', head.length + res.body.length + tail.length);
    reply.send(Buffer.concat([head, res.body, tail]));
    return true;
  }

  private async instance(uids: { studyUid: string; seriesUid: string; sopUid: string }): Promise<{ id: string; syntax?: string } | null> {
    const key = `${uids.studyUid}/${uids.seriesUid}`;
    let known = await this.lookup(key, uids, false);
    if (known && !known.ids.has(uids.sopUid) && Date.now() - known.at > RELOOK_MS) known = await this.lookup(key, uids, true);
    return known?.ids.get(uids.sopUid) ?? null;
  }

  /** A series' instances by SOP UID, looked up once (concurrent requests share the lookup). */
  private lookup(key: string, uids: { studyUid: string; seriesUid: string }, again: boolean): Promise<SeriesInstances | null> {
    const kept = this.series.get(key);
    if (kept && !again) {
      this.series.delete(key);
      this.series.set(key, kept);
      return kept;
    }
    const found = this.find(uids).catch(() => null);
    this.series.set(key, found);
    // Nothing kept of a failed lookup: the next request tries again.
    void found.then((s) => {
      if (!s && this.series.get(key) === found) this.series.delete(key);
    });
    if (this.series.size > MAX_SERIES) this.series.delete(this.series.keys().next().value!);
    return found;
  }

  private async find(uids: { studyUid: string; seriesUid: string }): Promise<SeriesInstances | null> {
    const query = { Level: 'Instance', Expand: true, Query: { StudyInstanceUID: uids.studyUid, SeriesInstanceUID: uids.seriesUid } };
    const res = await this.upstream.buffered('POST', '/tools/find', { 'content-type': 'application/json', accept: 'application/json' }, Buffer.from(JSON.stringify(query)));
    if (res.status === 404 || res.status === 405) this.supported = false;
    if (res.status !== 200) return null;
    const rows = JSON.parse(res.body.toString('utf8')) as Array<{ ID?: unknown; MainDicomTags?: { SOPInstanceUID?: unknown } }>;
    const ids = new Map<string, { id: string; syntax?: string }>();
    for (const r of rows) {
      const sop = r.MainDicomTags?.SOPInstanceUID;
      if (typeof r.ID === 'string' && typeof sop === 'string') ids.set(sop, { id: r.ID });
    }
    return { at: Date.now(), ids };
  }
}
