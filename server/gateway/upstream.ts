// Requests to Orthanc for the blinding gateway: streamed (frames, series, rendered images) or
// buffered (QIDO and metadata answers it filters, STOW bodies it checked). Every 404 Orthanc gives
// is answered with the gateway's own not-found body: Orthanc's names the UID and says whether it
// is missing or only not in that study or series, which would tell a caller that a hidden object
// exists.
import http from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-authenticate']);
// Never forwarded to Orthanc: the browser's credentials are the gateway's business.
const REQUEST_DROP = new Set([...HOP_BY_HOP, 'cookie', 'authorization', 'origin', 'referer', 'x-csrf-token', 'content-length']);

export const NOT_FOUND = { error: 'not found' } as const;

export function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).type('application/json').send(NOT_FOUND);
}

export interface Buffered {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export class UpstreamError extends Error {
  constructor(readonly timedOut: boolean) {
    super(timedOut ? 'upstream timeout' : 'upstream unreachable');
    this.name = 'UpstreamError';
  }
}

export class Upstream {
  private readonly url: URL;
  // No more connections than Orthanc has HTTP threads (HttpThreadsCount, 32 in scripts/orthanc.sh):
  // Orthanc serves a kept-alive connection on one thread until it idles, so connections beyond
  // that wait for an idle second that never comes under load (seen as 5 s p99 latencies).
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  constructor(
    orthancUrl: string,
    private readonly timeoutMs: number,
  ) {
    this.url = new URL(orthancUrl);
  }

  /** The browser's headers minus its credentials; Host kept so that Orthanc's URLs point at us. */
  headersOf(request: FastifyRequest): http.OutgoingHttpHeaders {
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (!REQUEST_DROP.has(name) && value !== undefined) headers[name] = value;
    }
    headers.host = request.headers.host ?? this.url.host;
    return headers;
  }

  private open(method: string, path: string, headers: http.OutgoingHttpHeaders, onResponse: (res: http.IncomingMessage) => void, onError: (err: UpstreamError) => void): http.ClientRequest {
    const req = http.request({ hostname: this.url.hostname, port: this.url.port, method, path, headers, agent: this.agent, timeout: this.timeoutMs }, onResponse);
    req.on('timeout', () => req.destroy(new Error('upstream timeout')));
    req.on('error', (err) => onError(new UpstreamError(err.message === 'upstream timeout')));
    return req;
  }

  /** A whole answer in memory (QIDO, metadata, STOW). */
  buffered(method: string, path: string, headers: http.OutgoingHttpHeaders, body?: Buffer): Promise<Buffered> {
    return new Promise((resolve, reject) => {
      const req = this.open(
        method,
        path,
        { ...headers, ...(body ? { 'content-length': body.length } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', () => reject(new UpstreamError(false)));
        },
        reject,
      );
      req.end(body);
    });
  }

  /** JSON from Orthanc's DICOMweb API for the gateway's own questions; null on a 404. */
  async json<T>(path: string): Promise<T | null> {
    const res = await this.buffered('GET', path, { host: this.url.host, accept: 'application/dicom+json' });
    if (res.status === 404) return null;
    if (res.status !== 200) throw new UpstreamError(false);
    return res.body.length ? (JSON.parse(res.body.toString('utf8')) as T) : ([] as T);
  }

  /** Streams Orthanc's answer to the browser as it comes. */
  stream(request: FastifyRequest, reply: FastifyReply, path: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const upstreamReq = this.open(
        'GET',
        path,
        this.headersOf(request),
        (res) => {
          if (res.statusCode === 404) {
            res.resume();
            void notFound(reply);
            resolve();
            return;
          }
          reply.hijack();
          const out: http.OutgoingHttpHeaders = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
          }
          reply.raw.writeHead(res.statusCode ?? 502, out);
          res.pipe(reply.raw);
          res.on('end', () => resolve());
          res.on('error', () => {
            reply.raw.destroy();
            resolve();
          });
          reply.raw.on('close', () => {
            res.destroy();
            resolve();
          });
        },
        (err) => {
          if (reply.sent || reply.raw.headersSent) {
            reply.raw.destroy();
          } else {
            void upstreamFailed(request, reply, err);
          }
          resolve();
        },
      );
      upstreamReq.end();
    });
  }
}

export function upstreamFailed(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const timedOut = err instanceof UpstreamError && err.timedOut;
  request.log.warn({ err: (err as Error).message }, 'DICOMweb upstream failed');
  return reply
    .code(timedOut ? 504 : 502)
    .type('application/json')
    .send({ error: timedOut ? 'The image archive did not answer in time.' : 'The image archive is not reachable.' });
}
