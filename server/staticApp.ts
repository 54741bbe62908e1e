// Serves the built SPA: hashed assets cached for good, index.html never cached (so a deploy is
// picked up), and client-side routes such as /viewer/<study>/<series> answered with index.html.
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

// Client-side routes answered with index.html; any other unknown path is a plain 404, so the
// gateway never looks like it serves paths it does not (Orthanc's /instances, /system, ...).
const SPA_ROUTES = [/^\/$/, /^\/studies\/?$/, /^\/viewer\/[0-9.]+\/[0-9.]+\/?$/, /^\/stats\/[1-9][0-9]*\/?$/];

export async function staticApp(app: FastifyInstance, opts: { distDir: string }): Promise<void> {
  if (!existsSync(`${opts.distDir}/index.html`)) {
    app.log.warn('no built app in dist/ (run `npm run build`); serving the API only');
    return;
  }
  await app.register(fastifyStatic, {
    root: opts.distDir,
    wildcard: true,
    cacheControl: false,
    setHeaders(reply, path) {
      void reply.header('Cache-Control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.setNotFoundHandler((request, reply) => {
    const path = (request.raw.url ?? '/').split('?')[0];
    if (request.method === 'GET' && SPA_ROUTES.some((r) => r.test(path))) return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
    return reply.code(404).type('application/json').send({ error: 'not found' });
  });
}
