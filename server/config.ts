// Server settings from the environment, with the defaults `npm start` uses. Every value is checked
// here, at start: a bad one is a StartupError naming the variable and what to put in it, never a
// NaN port or a silently ignored word.
import { constants as bufferConstants } from 'node:buffer';
import { isIP, isIPv4 } from 'node:net';
import { resolve } from 'node:path';
import type { IdentitySettings } from './identity/attachIdentity.ts';
import { StartupError, shownValue } from './startupError.ts';

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
  /** STOW-RS bodies the blinding gateway spools and checks, at most (bytes) */
  stowLimitBytes?: number;
  /** the request log (CTAW_LOG, on unless 0/false); read by main.ts */
  log?: boolean;
}

const MIB = 1024 * 1024;
// The blinding gateway spools a STOW body to disk, but may read one object of it, up to the whole
// body, into one Buffer (server/gateway/partHeader.ts).
const MAX_STOW_MB = Math.floor(bufferConstants.MAX_LENGTH / MIB);
// setTimeout and socket time-outs take at most 2^31-1 ms.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };
  const dist = env.CTAW_DIST;
  return {
    host: read('CTAW_HOST') ?? '127.0.0.1',
    port: wholeNumber('CTAW_PORT', read('CTAW_PORT'), 5180, 1, 65_535, 'a free port'),
    orthancUrl: orthancUrl(read('CTAW_ORTHANC_URL') ?? 'http://127.0.0.1:18642'),
    // CTAW_DIST= (empty) serves the API only.
    distDir: dist === '' ? null : resolve(dist ?? resolve(import.meta.dirname, '../dist')),
    upstreamTimeoutMs: wholeNumber('CTAW_UPSTREAM_TIMEOUT_MS', read('CTAW_UPSTREAM_TIMEOUT_MS'), 60_000, 1, MAX_TIMEOUT_MS, 'the milliseconds to wait for Orthanc'),
    // Accounts, sessions, audit log: a PostgreSQL server, else the embedded PGlite (one process at a time).
    database: {
      url: databaseUrl(read('CTAW_DATABASE_URL')),
      pgliteDir: resolve(read('CTAW_PGLITE_DIR') ?? resolve(import.meta.dirname, '../.data/main-pglite')),
    },
    trustProxy: trustProxy(read('CTAW_TRUST_PROXY')),
    sessionIdleMinutes: positiveNumber('CTAW_SESSION_IDLE_MINUTES', read('CTAW_SESSION_IDLE_MINUTES'), 120, 366 * 24 * 60, 'minutes'),
    sessionMaxHours: positiveNumber('CTAW_SESSION_MAX_HOURS', read('CTAW_SESSION_MAX_HOURS'), 12, 366 * 24, 'hours'),
    // Checked against the password rules when the first admin is made (identity/accounts.ts
    // bootstrapAdmin): once accounts exist the variable is not used.
    bootstrapAdmin: { password: env.CTAW_ADMIN_PASSWORD || null },
    requireLogin: flag('CTAW_REQUIRE_LOGIN', read('CTAW_REQUIRE_LOGIN'), false),
    stowLimitBytes: wholeNumber('CTAW_STOW_LIMIT_MB', read('CTAW_STOW_LIMIT_MB'), 512, 1, MAX_STOW_MB, 'the largest STOW-RS request in MiB') * MIB,
    log: flag('CTAW_LOG', read('CTAW_LOG'), true),
  };
}

function wholeNumber(name: string, value: string | undefined, fallback: number, min: number, max: number, what: string): number {
  if (value === undefined) return fallback;
  const n = /^[0-9]+$/.test(value) ? Number(value) : NaN;
  if (Number.isSafeInteger(n) && n >= min && n <= max) return n;
  const kind = name === 'CTAW_PORT' ? 'a port number' : `a whole number from ${min} to ${max}`;
  throw new StartupError(name, `${name}=${shownValue(value)} is not ${kind}: set ${name} to ${what} from ${min} to ${max}, or unset it for ${fallback}`);
}

function positiveNumber(name: string, value: string | undefined, fallback: number, max: number, unit: string): number {
  if (value === undefined) return fallback;
  const n = /^[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) : NaN;
  if (n > 0 && n <= max) return n;
  throw new StartupError(name, `${name}=${shownValue(value)} is not a number of ${unit} above 0: set ${name} to one, at most ${max}, or unset it for ${fallback}`);
}

function flag(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const word = value.toLowerCase();
  if (word === 'true' || word === '1') return true;
  if (word === 'false' || word === '0') return false;
  throw new StartupError(name, `${name}=${shownValue(value)} is neither true nor false: set ${name} to true or false (or 1 or 0), or unset it for ${fallback}`);
}

function orthancUrl(value: string): string {
  const fail = (why: string): never => {
    throw new StartupError('CTAW_ORTHANC_URL', `CTAW_ORTHANC_URL=${shownValue(value)} ${why}: set CTAW_ORTHANC_URL to Orthanc's HTTP root, e.g. http://127.0.0.1:18642`);
  };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail('is not a URL');
  }
  // The gateway speaks plain HTTP to Orthanc at its root (gateway/upstream.ts, dicomwebProxy.ts take
  // host and port only): anything else in the URL would be silently dropped.
  if (url.protocol !== 'http:') return fail(`is not an http:// URL (the gateway reaches Orthanc over plain HTTP)`);
  if (url.username || url.password) return fail('has a user name or password (the gateway sends none to Orthanc)');
  if (url.pathname.replace(/\/+$/, '') !== '' || url.search || url.hash) return fail('has a path, query or fragment (the gateway reaches Orthanc at its root)');
  return url.origin;
}

function databaseUrl(value: string | undefined): string | null {
  if (value === undefined) return null;
  // Never the value itself in the message: it holds the database password.
  const advice = 'set CTAW_DATABASE_URL to postgres://USER:PASSWORD@HOST:PORT/DATABASE, or unset it for the embedded database';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new StartupError('CTAW_DATABASE_URL', `CTAW_DATABASE_URL is not a URL: ${advice}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new StartupError('CTAW_DATABASE_URL', `CTAW_DATABASE_URL is not a postgres:// URL: ${advice}`);
  }
  return value;
}

function trustProxy(value: string | undefined): boolean | string {
  if (value === undefined || value.toLowerCase() === 'false') return false;
  if (value.toLowerCase() === 'true') return true;
  // Fastify hands a string to proxy-addr, which throws on the first entry it cannot read.
  const bad = value.split(',').map((entry) => entry.trim()).find((entry) => !isProxyAddress(entry));
  if (bad === undefined) return value;
  throw new StartupError(
    'CTAW_TRUST_PROXY',
    `CTAW_TRUST_PROXY=${shownValue(value)} has ${shownValue(bad) || 'an empty entry'}, which is not an address: set CTAW_TRUST_PROXY to true, false, or the reverse proxy's addresses or CIDRs (e.g. 127.0.0.1,10.0.0.0/8; or loopback)`,
  );
}

function isProxyAddress(entry: string): boolean {
  if (entry === 'loopback' || entry === 'linklocal' || entry === 'uniquelocal') return true;
  const slash = entry.lastIndexOf('/');
  const ip = slash < 0 ? entry : entry.slice(0, slash);
  const version = isIP(ip);
  if (!version) return false;
  if (slash < 0) return true;
  const range = entry.slice(slash + 1);
  if (/^[0-9]+$/.test(range)) return Number(range) >= 1 && Number(range) <= (version === 4 ? 32 : 128);
  return version === 4 && isIPv4(range);
}
