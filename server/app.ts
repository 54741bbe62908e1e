// Builds the gateway: the SPA, the DICOMweb proxy to Orthanc, and a health check.
import Fastify, { type FastifyInstance } from 'fastify';
import type { ServerConfig } from './config.ts';
import { dicomwebProxy } from './dicomwebProxy.ts';
import { staticApp } from './staticApp.ts';

export async function buildApp(config: ServerConfig, opts: { logger?: boolean } = {}): Promise<FastifyInstance> {
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
  });
  app.get('/api/health', async () => {
    const orthanc = await fetch(`${config.orthancUrl}/system`, { signal: AbortSignal.timeout(2000) }).then(
      (res) => res.ok,
      () => false,
    );
    return { ok: true, orthanc };
  });
  await app.register(dicomwebProxy, { orthancUrl: config.orthancUrl, timeoutMs: config.upstreamTimeoutMs });
  if (config.distDir) await app.register(staticApp, { distDir: config.distDir });
  return app;
}
