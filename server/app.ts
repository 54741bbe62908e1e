// Builds the gateway: the SPA, the DICOMweb proxy to Orthanc, accounts and sessions, and a health check.
import Fastify, { type FastifyInstance } from 'fastify';
import type { ServerConfig } from './config.ts';
import type { Database } from './db/database.ts';
import { dicomwebProxy } from './dicomwebProxy.ts';
import { attachIdentity } from './identity/attachIdentity.ts';
import type { Clock } from './identity/sessions.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { staticApp } from './staticApp.ts';

/** opts.db: a database the caller opened (and closes); opts.clock: tests' time. */
export async function buildApp(config: ServerConfig, opts: { logger?: boolean; db?: Database; clock?: Clock } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger
      ? {
          level: 'info',
          // Query strings can carry patient names (QIDO filters): log the path only.
          serializers: {
            req: (req) => ({ method: req.method, path: (req.url ?? '').split('?')[0] }),
          },
        }
      : false,
    // Large STOW bodies stream through; this limit only applies to parsed JSON.
    bodyLimit: 1024 * 1024,
    // Cookies are Secure and request.ip is the browser's only when X-Forwarded-* can be believed.
    trustProxy: config.trustProxy ?? false,
  });
  await attachIdentity(app, config, { db: opts.db, clock: opts.clock });
  app.get('/api/health', async () => {
    const orthanc = await fetch(`${config.orthancUrl}/system`, { signal: AbortSignal.timeout(2000) }).then(
      (res) => res.ok,
      () => false,
    );
    return { ok: true, orthanc };
  });
  await app.register(authRoutes, { prefix: '/api/auth' });
  await app.register(adminRoutes, { prefix: '/api/admin' });
  await app.register(dicomwebProxy, { orthancUrl: config.orthancUrl, timeoutMs: config.upstreamTimeoutMs });
  if (config.distDir) await app.register(staticApp, { distDir: config.distDir });
  return app;
}
