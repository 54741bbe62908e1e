// DICOMweb gateway: streams /dicom-web/* to Orthanc and back, keeping status, content types and
// Accept. With config.requireLogin the blinding gateway (gateway/blindedProxy.ts) answers instead;
// without, this plain pass-through is all there is (it is the only door to Orthanc either way).
// Either way only the query parameters and headers gateway/forwardPolicy.ts allows reach Orthanc,
// and Orthanc's error bodies never reach the browser.
import http from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { checkDicomwebPath, parseDicomwebResource } from './dicomwebPath.ts';
import { type BlindingOptions, blindedHandler } from './gateway/blindedProxy.ts';
import { forwardedHeaders, forwardedQuery, isSuccess } from './gateway/forwardPolicy.ts';
import { HOP_BY_HOP, notFound, sendArchiveError, Upstream } from './gateway/upstream.ts';
import { ArchiveRowCache } from './gateway/archiveRowCache.ts';
import { OrthancFrames } from './gateway/orthancFrames.ts';
import { SeriesMetadataCache } from './gateway/seriesMetadataCache.ts';

export interface ProxyOptions {
  orthancUrl: string;
  timeoutMs: number;
  /** requireLogin: who may see and store what */
  blinding?: BlindingOptions | null;
  /** shared with the worklist, which warms it (server/routes/worklist.ts); one of its own otherwise */
  metadataCache?: SeriesMetadataCache;
}

export async function dicomwebProxy(app: FastifyInstance, opts: ProxyOptions): Promise<void> {
  const upstream = new URL(opts.orthancUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  // Bodies (STOW-RS multipart) stream through untouched.
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  const metadataCache = opts.metadataCache ?? new SeriesMetadataCache(opts.blinding?.upstream ?? new Upstream(opts.orthancUrl, opts.timeoutMs));
  const blinded = opts.blinding ? blindedHandler({ ...opts.blinding, metadataCache, archiveRows: new ArchiveRowCache(opts.blinding.upstream), orthancFrames: new OrthancFrames(opts.blinding.upstream) }) : null;

  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const verdict = checkDicomwebPath(request.method, request.raw.url ?? '');
    if (!verdict.ok) {
      await reply.code(verdict.status).type('application/json').send({ error: verdict.reason });
      return;
    }
    const path = verdict.upstreamPath.split('?')[0];
    const resource = parseDicomwebResource(request.method, path);
    const query = forwardedQuery(resource, verdict.upstreamPath.slice(path.length + 1));
    if (blinded) {
      if (!resource) return notFound(reply);
      return blinded(request, reply, resource, path, query);
    }
    const upstreamPath = query ? `${path}?${query}` : path;
    if (request.method === 'GET' && (await metadataCache.serve(request.headers.host ?? upstream.host, upstreamPath, request.headers.accept, reply))) return;
    const body = request.body as NodeJS.ReadableStream | undefined;
    const streamed = !!body && typeof body.pipe === 'function';
    // Fastify's own parsers took a JSON or text/plain body apart: no STOW-RS body, and Orthanc
    // would wait for the Content-Length it was told of.
    if (request.method === 'POST' && !streamed) return reply.code(415).type('application/json').send({ error: 'STOW-RS takes multipart/related; type="application/dicom"' });
    const headers = forwardedHeaders(request.headers, request.method === 'POST' ? 'store' : 'read', upstream.host);

    return new Promise<void>((resolve) => {
      const upstreamReq = http.request(
        { hostname: upstream.hostname, port: upstream.port, method: request.method, path: upstreamPath, headers, agent, timeout: opts.timeoutMs },
        (upstreamRes) => {
          if (!isSuccess(upstreamRes.statusCode)) {
            void sendArchiveError(reply, request.method, upstreamRes).finally(resolve);
            return;
          }
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
      if (streamed) body.pipe(upstreamReq);
      else upstreamReq.end();
    });
  };

  app.route({ method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], url: '/dicom-web', exposeHeadRoute: false, handler });
  app.route({ method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], url: '/dicom-web/*', exposeHeadRoute: false, handler });
}
