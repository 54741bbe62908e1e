// Builds the gateway: the SPA, the DICOMweb proxy to Orthanc, accounts and sessions, and a health check.
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ServerConfig } from './config.ts';
import type { Database } from './db/database.ts';
import { InvalidationBus, type InvalidationScope } from './db/invalidationBus.ts';
import { dicomwebProxy } from './dicomwebProxy.ts';
import { AccessFacts } from './gateway/accessFacts.ts';
import { loginGate } from './gateway/loginGate.ts';
import { Upstream } from './gateway/upstream.ts';
import { SeriesMetadataCache } from './gateway/seriesMetadataCache.ts';
import { parseQueryString, refuseBadQueries } from './http/queryParams.ts';
import { securityHeaders } from './http/securityHeaders.ts';
import { attachIdentity } from './identity/attachIdentity.ts';
import type { Clock } from './identity/sessions.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { exportRoutes } from './routes/export.ts';
import { importRoutes } from './routes/import.ts';
import { reviewRoutes } from './routes/review.ts';
import { studyRoutes } from './routes/studies.ts';
import { worklistRoutes } from './routes/worklist.ts';
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
    // One string per name, never arrays or objects (http/queryParams.ts).
    routerOptions: { querystringParser: parseQueryString },
  });
  // First, so that every answer has them, those of the hooks below included.
  securityHeaders(app, { indexHtmlPath: config.distDir ? join(config.distDir, 'index.html') : null });
  refuseBadQueries(app);
  const identity = await attachIdentity(app, config, { db: opts.db, clock: opts.clock });
  // Before any route, so that it guards them all.
  const sessionCache = config.requireLogin ? loginGate(app) : null;
  const access = new AccessFacts(identity.db);
  // On a PostgreSQL server other replicas may share the tables (npm run cluster): their changes
  // must reach this process's caches.
  if (identity.db.kind === 'postgres' && config.database?.url) {
    const bus = await InvalidationBus.start(config.database.url, (scope) => {
      access.dropCached(scope);
      if (scope === 'sessions' || scope === 'all') sessionCache?.clear();
    });
    app.addHook('onClose', () => bus.close());
    const shared = { announce: (scope: InvalidationScope) => bus.announce(identity.db, scope), live: () => bus.live() };
    access.shared = shared;
    if (sessionCache) sessionCache.shared = shared;
  }
  app.get('/api/health', async () => {
    const [orthanc, database] = await Promise.all([
      fetch(`${config.orthancUrl}/system`, { signal: AbortSignal.timeout(2000) }).then(
        (res) => res.ok,
        () => false,
      ),
      // A PostgreSQL server can fail apart from this process (the embedded one cannot): a load
      // balancer (scripts/cluster.sh) takes a replica out when either is down.
      identity.db.kind === 'postgres'
        ? Promise.race([
            identity.db.query('SELECT 1').then(
              () => true,
              () => false,
            ),
            new Promise<boolean>((done) => setTimeout(() => done(false), 2000).unref()),
          ])
        : null,
    ]);
    // requireLogin tells the SPA to show its login; absent when off, as the answer was before.
    return { ok: true, orthanc, ...(database === null ? {} : { database }), ...(config.requireLogin ? { requireLogin: true } : {}) };
  });
  await app.register(authRoutes, { prefix: '/api/auth' });
  await app.register(adminRoutes, { prefix: '/api/admin' });
  await app.register(studyRoutes, { prefix: '/api', orthancUrl: config.orthancUrl, access });
  // One archive client and one metadata cache: the worklist warms what the viewer then asks for.
  const archive = new Upstream(config.orthancUrl, config.upstreamTimeoutMs);
  const metadataCache = new SeriesMetadataCache(archive);
  await app.register(worklistRoutes, { prefix: '/api', metadataCache });
  await app.register(reviewRoutes, { prefix: '/api' });
  await app.register(exportRoutes, { prefix: '/api', orthancUrl: config.orthancUrl });
  await app.register(importRoutes, { prefix: '/api', orthancUrl: config.orthancUrl, access });
  await app.register(dicomwebProxy, {
    orthancUrl: config.orthancUrl,
    timeoutMs: config.upstreamTimeoutMs,
    metadataCache,
    blinding: config.requireLogin
      ? { upstream: archive, access, db: identity.db, stowLimitBytes: config.stowLimitBytes ?? 512 * 1024 * 1024 }
      : null,
  });
  if (config.distDir) await app.register(staticApp, { distDir: config.distDir });
  return app;
}
