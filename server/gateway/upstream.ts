// Requests to Orthanc for the blinding gateway: answers streamed (frames, series, rendered images)
// or buffered (QIDO and metadata answers it filters, STOW answers it checks); STOW bodies it
// checked are streamed from their spool file. Only the request
// headers forwardPolicy.ts allows go to Orthanc, and every answer outside 2xx is given the
// gateway's own body (archiveErrorAnswer): Orthanc's names its URIs, and for a 404 the UID and
// whether it is missing or only not in that study or series, which would tell a caller that a
// hidden object exists.
import http from 'node:http';
import type { Socket } from 'node:net';
import { type Readable, pipeline } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NOT_FOUND, archiveErrorAnswer, forwardedHeaders, isSuccess } from './forwardPolicy.ts';

export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-authenticate']);
// An Orthanc error body read to decide whether it is a STOW-RS response (a few hundred bytes).
const ERROR_BODY_MAX_BYTES = 64 * 1024;

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

// Longest a connection to the archive is kept idle. Orthanc (CivetWeb) announces
// "Keep-Alive: timeout=1" and closes an idle connection after that second; Node's agent keeps a
// socket only for the announced time less one second, which is never: each request to Orthanc
// was a new connection (connect, Orthanc's accept and thread hand-off, close: about a fifth of a
// gateway's busy time under 20 readers, measured in a CPU profile of the soak). Kept for under half
// the announced time, a socket is closed by the gateway before the archive can close it.
const MAX_IDLE_MS = 400;

export class ArchiveAgent extends http.Agent {
  keepSocketAlive(socket: Socket): boolean {
    const hint = /^timeout=(\d+)/.exec(String((socket as Socket & { _httpMessage?: { res?: http.IncomingMessage } })._httpMessage?.res?.headers['keep-alive'] ?? ''))?.[1];
    const idleMs = hint === undefined ? MAX_IDLE_MS : Math.min(MAX_IDLE_MS, (Number(hint) * 1000) / 2.5);
    if (idleMs <= 0) return false;
    socket.setKeepAlive(true, 1000);
    socket.unref();
    socket.setTimeout(idleMs);
    return true;
  }
}

export class Upstream {
  private readonly url: URL;
  // Fewer connections than Orthanc has HTTP threads (HttpThreadsCount, 32 in scripts/orthanc.sh):
  // Orthanc serves a kept-alive connection on one thread until it idles, so connections beyond
  // that wait for an idle second that never comes under load (seen as 5 s p99 latencies); a few
  // threads stay for the health check, imports and exports.
  private readonly agent = new ArchiveAgent({ keepAlive: true, maxSockets: 24 });

  constructor(
    orthancUrl: string,
    private readonly timeoutMs: number,
  ) {
    this.url = new URL(orthancUrl);
  }

  /** The browser's headers that Orthanc needs (forwardPolicy.ts); Host kept so that Orthanc's URLs point at us. */
  headersOf(request: FastifyRequest): http.OutgoingHttpHeaders {
    return forwardedHeaders(request.headers, request.method === 'POST' ? 'store' : 'read', this.url.host);
  }

  private open(method: string, path: string, headers: http.OutgoingHttpHeaders, onResponse: (res: http.IncomingMessage) => void, onError: (err: UpstreamError) => void): http.ClientRequest {
    const req = http.request({ hostname: this.url.hostname, port: this.url.port, method, path, headers, agent: this.agent, timeout: this.timeoutMs }, onResponse);
    req.on('timeout', () => req.destroy(new Error('upstream timeout')));
    req.on('error', (err) => onError(new UpstreamError(err.message === 'upstream timeout')));
    return req;
  }

  /** A whole answer in memory (QIDO, metadata, STOW); outside 2xx, with the gateway's own body. */
  buffered(method: string, path: string, headers: http.OutgoingHttpHeaders, body?: Buffer): Promise<Buffered> {
    return this.exchange(method, path, { ...headers, ...(body ? { 'content-length': body.length } : {}) }, (req) => req.end(body));
  }

  /**
   * As buffered, with the request body streamed from `body` (a STOW body spooled to disk,
   * stowSpool.ts) and lengthBytes sent as its Content-Length. Orthanc answers a STOW with a small
   * JSON document, so the answer is still buffered.
   */
  streamed(method: string, path: string, headers: http.OutgoingHttpHeaders, body: Readable, lengthBytes: number): Promise<Buffered> {
    return this.exchange(method, path, { ...headers, 'content-length': lengthBytes }, (req) => {
      // A failed read of the file destroys the request (its 'error' rejects, open() above); a
      // failed request closes the file.
      pipeline(body, req, () => {});
    });
  }

  private exchange(method: string, path: string, headers: http.OutgoingHttpHeaders, send: (req: http.ClientRequest) => void): Promise<Buffered> {
    return new Promise((resolve, reject) => {
      const req = this.open(
        method,
        path,
        headers,
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const status = res.statusCode ?? 502;
            const body = Buffer.concat(chunks);
            if (isSuccess(status)) return resolve({ status, headers: res.headers, body });
            const answer = archiveErrorAnswer(method, status, body);
            resolve({ status: answer.status, headers: { 'content-type': answer.contentType }, body: answer.body });
          });
          res.on('error', () => reject(new UpstreamError(false)));
        },
        reject,
      );
      send(req);
    });
  }

  /** JSON from Orthanc's DICOMweb API for the gateway's own questions; null on a 404. */
  async json<T>(path: string): Promise<T | null> {
    const res = await this.buffered('GET', path, { host: this.url.host, accept: 'application/dicom+json' });
    if (res.status === 404) return null;
    if (res.status !== 200) throw new UpstreamError(false);
    return res.body.length ? (JSON.parse(res.body.toString('utf8')) as T) : ([] as T);
  }

  /**
   * GET `path` and, when the archive answers 200 with a Content-Length, send `head`, the body as it
   * comes and `tail` as one 200 answer of `contentType` (a frame in its multipart part, without a
   * copy of it in the gateway's memory); false, with nothing sent, on any other answer or a failure
   * before it.
   */
  framed(path: string, reply: FastifyReply, contentType: string, wrap: (bodyLength: number) => { head: Buffer; tail: Buffer }): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const req = this.open(
        'GET',
        path,
        { accept: '*/*' },
        (res) => {
          const length = Number(res.headers['content-length']);
          if (res.statusCode !== 200 || !Number.isSafeInteger(length) || length < 0) {
            res.resume();
            resolve(false);
            return;
          }
          const { head, tail } = wrap(length);
          reply.hijack();
          const out = reply.raw;
          out.writeHead(200, { 'content-type': contentType, 'content-length': head.length + length + tail.length });
          out.write(head);
          res.pipe(out, { end: false });
          res.on('end', () => {
            out.end(tail);
            resolve(true);
          });
          // Cut off midway: the browser sees a short body and asks again (its frame retries).
          res.on('error', () => {
            out.destroy();
            resolve(true);
          });
          out.on('close', () => {
            res.destroy();
            resolve(true);
          });
        },
        () => {
          // Before the answer began, the plugin's way is tried; after, the browser's retries take over.
          if (!reply.raw.headersSent) return resolve(false);
          reply.raw.destroy();
          resolve(true);
        },
      );
      req.end();
    });
  }

  /** Streams Orthanc's answer to the browser as it comes. */
  stream(request: FastifyRequest, reply: FastifyReply, path: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const upstreamReq = this.open(
        'GET',
        path,
        this.headersOf(request),
        (res) => {
          if (!isSuccess(res.statusCode)) {
            void sendArchiveError(reply, 'GET', res).finally(resolve);
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

/** Orthanc's answer outside 2xx as the gateway gives it (archiveErrorAnswer); reads what remains of it. */
export async function sendArchiveError(reply: FastifyReply, method: string, res: http.IncomingMessage): Promise<void> {
  let body: Buffer | null = null;
  if (method === 'POST') {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size <= ERROR_BODY_MAX_BYTES) chunks.push(chunk);
      }
      body = size <= ERROR_BODY_MAX_BYTES ? Buffer.concat(chunks) : null;
    } catch {
      body = null;
    }
  } else {
    res.resume();
  }
  const answer = archiveErrorAnswer(method, res.statusCode ?? 502, body);
  void reply.code(answer.status).type(answer.contentType).send(answer.body);
}

export function upstreamFailed(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const timedOut = err instanceof UpstreamError && err.timedOut;
  request.log.warn({ err: (err as Error).message }, 'DICOMweb upstream failed');
  return reply
    .code(timedOut ? 504 : 502)
    .type('application/json')
    .send({ error: timedOut ? 'The image archive did not answer in time.' : 'The image archive is not reachable.' });
}
