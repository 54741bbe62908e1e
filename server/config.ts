// Server settings from the environment, with the defaults `npm start` uses.
import { resolve } from 'node:path';

export interface ServerConfig {
  host: string;
  port: number;
  /** Orthanc's HTTP root on loopback, e.g. http://127.0.0.1:18642 */
  orthancUrl: string;
  /** built SPA (vite build output); null serves the API only */
  distDir: string | null;
  /** per-request time-out towards Orthanc */
  upstreamTimeoutMs: number;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    host: env.CTAW_HOST ?? '127.0.0.1',
    port: Number(env.CTAW_PORT ?? 5180),
    orthancUrl: (env.CTAW_ORTHANC_URL ?? 'http://127.0.0.1:18642').replace(/\/+$/, ''),
    distDir: env.CTAW_DIST === '' ? null : resolve(env.CTAW_DIST ?? resolve(import.meta.dirname, '../dist')),
    upstreamTimeoutMs: Number(env.CTAW_UPSTREAM_TIMEOUT_MS ?? 60_000),
  };
}
