// DICOMweb gateway: streams /dicom-web/* to Orthanc and back, keeping status, content types and
// Accept. With config.requireLogin the blinding gateway (gateway/blindedProxy.ts) answers instead;
// without, this plain pass-through is all there is (it is the only door to Orthanc either way).
import http from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkDicomwebPath, parseDicomwebResource } from './dicomwebPath.ts';
import { type BlindingOptions, blindedHandler } from './gateway/blindedProxy.ts';
import { notFound, Upstream } from './gateway/upstream.ts';
import { SeriesMetadataCache } from './gateway/seriesMetadataCache.ts';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-authenticate']);
// Never forwarded to Orthanc: the browser's credentials are the gateway's business.
const REQUEST_DROP = new Set([...HOP_BY_HOP, 'cookie', 'authorization', 'origin', 'referer']);

export interface ProxyOptions {
  orthancUrl: string;
  timeoutMs: number;
  /** requireLogin: who may see and store what */
  blinding?: BlindingOptions | null;
}

export async function dicomwebProxy(app: FastifyInstance, opts: ProxyOptions): Promise<void> {
  const upstream = new URL(opts.orthancUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  // Bodies (STOW-RS multipart) stream through untouched.
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  const metadataCache = new SeriesMetadataCache(opts.blinding?.upstream ?? new Upstream(opts.orthancUrl, opts.timeoutMs));
  const blinded = opts.blinding ? blindedHandler({ ...opts.blinding, metadataCache }) : null;

  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const verdict = checkDicomwebPath(request.method, request.raw.url ?? '');
    if (!verdict.ok) {
      await reply.code(verdict.status).type('application/json').send({ error: verdict.reason });
      return;
    }
    if (blinded) {
      const path = verdict.upstreamPath.split('?')[0];
      const resource = parseDicomwebResource(request.method, path);
      if (!resource) return notFound(reply);
      return blinded(request, reply, resource, path, verdict.upstreamPath.slice(path.length + 1));
    }
    if (request.method === 'GET' && (await metadataCache.serve(request.headers.host ?? upstream.host, verdict.upstreamPath, request.headers.accept, reply))) return;
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (!REQUEST_DROP.has(name) && value !== undefined) headers[name] = value;
    }
    // Orthanc builds BulkDataURIs from Host: keep the browser's Host so they point at us.
    headers.host = request.headers.host ?? upstream.host;

    return new Promise<void>((resolve) => {
      const upstreamReq = http.request(
        { hostname: upstream.hostname, port: upstream.port, method: request.method, path: verdict.upstreamPath, headers, agent, timeout: opts.timeoutMs },
        (upstreamRes) => {
          reply.hijack();
          const out: http.OutgoingHttpHeaders = {};
          for (const [name, value] of Object.entries(upstreamRes.headers)) {
            if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
          }
          reply.raw.writeHead(upstreamRes.statusCode ?? 502, out);
          upstreamRes.pipe(reply.raw);
          upstreamRes.on('end', () => resolve());
          upstreamRes.on('error', () => { reply.raw.destroy(); resolve(); });
          reply.raw.on('close', () => { upstreamRes.destroy(); resolve(); });
        },
      );
      upstreamReq.on('timeout', () => upstreamReq.destroy(new Error('upstream timeout')));
      upstreamReq.on('error', (err) => {
        if (reply.sent || reply.raw.headersSent) { reply.raw.destroy(); resolve(); return; }
        const timedOut = err.message === 'upstream timeout';
        request.log.warn({ code: (err as NodeJS.ErrnoException).code ?? err.message }, 'DICOMweb upstream failed');
        void reply
          .code(timedOut ? 504 : 502)
          .type('application/json')
          .send({ error: timedOut ? 'The image archive did not answer in time.' : 'The image archive is not reachable.' });
        resolve();
      });
      const body = request.body as NodeJS.ReadableStream | undefined;
      if (body && typeof body.pipe === 'function') body.pipe(upstreamReq);
      else upstreamReq.end();
    });
  };

  app.route({ method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], url: '/dicom-web', exposeHeadRoute: false, handler });
  app.route({ method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], url: '/dicom-web/*', exposeHeadRoute: false, handler });
}
