// Series metadata (WADO-RS .../series/{uid}/metadata) kept in the gateway. Orthanc's DICOMweb
// plugin (1.7, "SeriesMetadata": "Full") reads and parses every file of the series for each such
// request: 170-280 ms for a 133-300-slice CT here, on the way to the first image every time a
// series is opened. A series changes only when instances are added or removed, and Orthanc's own
// index says when that was (the series' LastUpdate and instance count, a few ms): every request
// asks it, so an answer is never served stale, whoever changed the archive.
// Access is not decided here: the caller has already allowed the request.
import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Upstream } from './upstream.ts';

const SERIES_METADATA = /^\/dicom-web\/studies\/([0-9.]+)\/series\/([0-9.]+)\/metadata$/;
const DICOM_JSON = 'application/dicom+json';

interface Entry {
  validator: string;
  body: Buffer;
  contentType: string;
}

/** The cache holds the JSON form only; XML and other asks go to Orthanc. */
function takesJson(accept: string | undefined): boolean {
  return !accept || /application\/(dicom\+)?json|\*\/\*/.test(accept);
}

/** Fills under way at once on behalf of worklists: Orthanc reads every file of a series for one. */
const WARMING_AT_ONCE = 2;

export class SeriesMetadataCache {
  // Map order is use order: the least recently used entry goes first when over budget.
  private readonly entries = new Map<string, Entry>();
  private readonly orthancIds = new Map<string, string>();
  private bytes = 0;
  /** fills asked by warm(), by key, so the viewer's own request waits for one rather than asking again */
  private readonly warming = new Map<string, Promise<void>>();

  constructor(
    private readonly upstream: Upstream,
    private readonly maxBytes = 256 * 2 ** 20,
  ) {}

  /**
   * Answers a series metadata request from the cache or fills it. False when it is not one, or
   * Orthanc does not answer 200: the caller then passes the request on as usual.
   */
  async serve(host: string, path: string, accept: string | undefined, reply: FastifyReply): Promise<boolean> {
    const match = SERIES_METADATA.exec(path);
    if (!match || !takesJson(accept)) return false;
    const validator = await this.validator(match[2]).catch(() => null);
    if (validator === null) return false;
    // BulkDataURIs in the answer are built from Host: one entry per host.
    const key = `${host} ${path}`;
    const hit = this.entries.get(key);
    if (hit && hit.validator === validator) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      await reply.code(200).header('content-type', hit.contentType).send(hit.body);
      return true;
    }
    const warming = this.warming.get(key);
    if (warming) {
      await warming;
      const warmed = this.entries.get(key);
      if (warmed && warmed.validator === validator) {
        await reply.code(200).header('content-type', warmed.contentType).send(warmed.body);
        return true;
      }
    }
    const res = await this.upstream.buffered('GET', path, { host, accept: DICOM_JSON }).catch(() => null);
    if (!res || res.status !== 200) return false;
    const contentType = String(res.headers['content-type'] ?? DICOM_JSON);
    this.put(key, { validator, body: res.body, contentType });
    await reply.code(200).header('content-type', contentType).send(res.body);
    return true;
  }

  /**
   * Fills the entry of a series a reader is about to open (the next cases of their worklist), so
   * that opening it costs no parse of its files, which Orthanc does for every metadata request
   * (and on a cold disk, reads every file). Only what is not held at all, a few at a time, in
   * the background; serve() still checks it against Orthanc's index before answering with it.
   * Whom it is for is not decided here: the caller warms only series the reader may open.
   */
  warm(host: string, studyUid: string, seriesUid: string): void {
    const path = `/dicom-web/studies/${studyUid}/series/${seriesUid}/metadata`;
    const key = `${host} ${path}`;
    if (!SERIES_METADATA.test(path) || this.entries.has(key) || this.warming.has(key) || this.warming.size >= WARMING_AT_ONCE) return;
    const fill = (async () => {
      const validator = await this.validator(seriesUid);
      if (validator === null) return;
      const res = await this.upstream.buffered('GET', path, { host, accept: DICOM_JSON });
      if (res.status === 200) this.put(key, { validator, body: res.body, contentType: String(res.headers['content-type'] ?? DICOM_JSON) });
    })()
      .catch(() => undefined)
      .finally(() => this.warming.delete(key));
    this.warming.set(key, fill);
  }

  private put(key: string, entry: Entry): void {
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.body.length;
      this.entries.delete(key);
    }
    if (entry.body.length > this.maxBytes / 4) return;
    this.entries.set(key, entry);
    this.bytes += entry.body.length;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.body.length;
    }
  }

  /** What changes whenever the series does: Orthanc's LastUpdate and instance count; null when unknown to Orthanc. */
  private async validator(seriesUid: string): Promise<string | null> {
    const known = this.orthancIds.get(seriesUid);
    if (known) {
      const v = await this.seriesValidator(known);
      if (v !== 'gone') return v;
      // Deleted, and perhaps stored again under another patient (another Orthanc ID).
      this.orthancIds.delete(seriesUid);
    }
    const id = await this.lookup(seriesUid);
    if (!id) return null;
    const v = await this.seriesValidator(id);
    return v === 'gone' ? null : v;
  }

  private async seriesValidator(orthancId: string): Promise<string | null | 'gone'> {
    const series = await this.upstream.buffered('GET', `/series/${orthancId}`, { accept: 'application/json' });
    if (series.status === 404) return 'gone';
    if (series.status !== 200) return null;
    const info = JSON.parse(series.body.toString('utf8')) as { LastUpdate?: string; Instances?: string[] };
    const instances = info.Instances ?? [];
    return `${info.LastUpdate ?? ''} ${instances.length} ${createHash('sha1').update(instances.join(',')).digest('base64')}`;
  }

  private async lookup(seriesUid: string): Promise<string | null> {
    const res = await this.upstream.buffered('POST', '/tools/lookup', { 'content-type': 'text/plain' }, Buffer.from(seriesUid));
    if (res.status !== 200) return null;
    const found = (JSON.parse(res.body.toString('utf8')) as Array<{ ID: string; Type: string }>).find((r) => r.Type === 'Series');
    if (found) this.orthancIds.set(seriesUid, found.ID);
    return found?.ID ?? null;
  }
}
