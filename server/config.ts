// Server settings from the environment, with the defaults `npm start` uses.
import { resolve } from 'node:path';
import type { IdentitySettings } from './identity/attachIdentity.ts';

export interface ServerConfig extends IdentitySettings {
  host: string;
  port: number;
  /** Orthanc's HTTP root on loopback, e.g. http://127.0.0.1:18642 */
  orthancUrl: string;
  /** built SPA (vite build output); null serves the API only */
  distDir: string | null;
  /** per-request time-out towards Orthanc */
  upstreamTimeoutMs: number;
  /** honour X-Forwarded-Proto/-For from a reverse proxy: Fastify's trustProxy (true, or the proxy's addresses/CIDRs) */
  trustProxy?: boolean | string;
  /**
   * Every /api and /dicom-web route but /api/health and /api/auth/login needs a session, and the
   * DICOMweb gateway blinds readers to each other's results (server/gateway/). Off (the default
   * until the browser has a login screen): /dicom-web passes through as before.
   */
  requireLogin?: boolean;
  /** STOW-RS bodies the blinding gateway buffers and checks, at most (bytes) */
  stowLimitBytes?: number;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    host: env.CTAW_HOST ?? '127.0.0.1',
    port: Number(env.CTAW_PORT ?? 5180),
    orthancUrl: (env.CTAW_ORTHANC_URL ?? 'http://127.0.0.1:18642').replace(/\/+$/, ''),
    distDir: env.CTAW_DIST === '' ? null : resolve(env.CTAW_DIST ?? resolve(import.meta.dirname, '../dist')),
    upstreamTimeoutMs: Number(env.CTAW_UPSTREAM_TIMEOUT_MS ?? 60_000),
    // Accounts, sessions, audit log: a PostgreSQL server, else the embedded PGlite (one process at a time).
    database: { url: env.CTAW_DATABASE_URL || null, pgliteDir: resolve(env.CTAW_PGLITE_DIR || resolve(import.meta.dirname, '../.data/main-pglite')) },
    trustProxy: !env.CTAW_TRUST_PROXY || env.CTAW_TRUST_PROXY === 'false' ? false : env.CTAW_TRUST_PROXY === 'true' || env.CTAW_TRUST_PROXY,
    sessionIdleMinutes: Number(env.CTAW_SESSION_IDLE_MINUTES ?? 120),
    sessionMaxHours: Number(env.CTAW_SESSION_MAX_HOURS ?? 12),
    bootstrapAdmin: { password: env.CTAW_ADMIN_PASSWORD || null },
    requireLogin: env.CTAW_REQUIRE_LOGIN === 'true' || env.CTAW_REQUIRE_LOGIN === '1',
    stowLimitBytes: Number(env.CTAW_STOW_LIMIT_MB ?? 512) * 1024 * 1024,
  };
}
