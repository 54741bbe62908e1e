// server/API.md documents every route the server registers: a route added without a line there
// fails here, and so does a documented /api route that no longer exists.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../server/app.ts';
import type { ServerConfig } from '../../server/config.ts';
import type { Database } from '../../server/db/database.ts';
import { openTestPglite } from './dbServers.ts';

// Fastify's onRoute hook sees every route with its method and full URL, but only when it is on the
// instance before the routes are; buildApp makes the instance, so its factory is wrapped here.
const registered = vi.hoisted(() => new Set<string>());
vi.mock('fastify', async (importOriginal) => {
  const real = await importOriginal<typeof import('fastify')>();
  const factory = (opts?: Parameters<typeof real.default>[0]) => {
    const app = real.default(opts);
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) registered.add(`${method} ${route.url}`);
    });
    return app;
  };
  return { ...real, default: factory };
});

const API_MD = resolve(import.meta.dirname, '../../server/API.md');

/** `METHOD /path` with every `:name` parameter alike and no trailing slash. */
function normalised(route: string): string {
  return route.replace(/:[A-Za-z_][A-Za-z0-9_]*/g, ':param').replace(/(.)\/$/, '$1');
}

/** Every code span in API.md that starts with a method and a path, e.g. `POST /api/studies/:id/cases`. */
function documentedRoutes(markdown: string): Set<string> {
  const found = new Set<string>();
  for (const m of markdown.matchAll(/`(GET|POST|PUT|DELETE|PATCH|HEAD) (\/[^`\s?]*)[^`]*`/g)) found.add(normalised(`${m[1]} ${m[2]}`));
  return found;
}

let db: Database;
let distDir: string;

beforeAll(async () => {
  db = await openTestPglite();
  // A built app, so that the static files' route is registered too.
  distDir = mkdtempSync(join(tmpdir(), 'ctaw-apidocs-dist-'));
  writeFileSync(join(distDir, 'index.html'), '<!doctype html><title>CT annotation workstation</title>');
  // Both settings of the switch: the routes may differ between them.
  for (const requireLogin of [true, false]) {
    const config: ServerConfig = { host: '127.0.0.1', port: 0, orthancUrl: 'http://127.0.0.1:9', distDir, upstreamTimeoutMs: 1000, requireLogin };
    const app = await buildApp(config, { db });
    await app.ready();
    await app.close();
  }
});

afterAll(async () => {
  await db?.close();
  if (distDir) rmSync(distDir, { recursive: true, force: true });
});

describe('server/API.md', () => {
  it('documents every route the server registers', () => {
    // HEAD is the GET route's, answered by Fastify (API.md says so once).
    const routes = [...registered].filter((r) => !r.startsWith('HEAD ')).map(normalised);
    expect(routes).toContain('POST /api/admin/users');
    expect(routes).toContain('GET /dicom-web/*');
    const documented = documentedRoutes(readFileSync(API_MD, 'utf8'));
    const missing = [...new Set(routes)].filter((r) => !documented.has(r)).sort();
    expect(missing, 'routes with no `METHOD /path` line in server/API.md').toEqual([]);
  });

  it('documents no /api route that is not there', () => {
    const routes = new Set([...registered].map(normalised));
    const stale = [...documentedRoutes(readFileSync(API_MD, 'utf8'))].filter((r) => / \/api(\/|$)/.test(r) && !routes.has(r)).sort();
    expect(stale, '/api routes in server/API.md that the server does not register').toEqual([]);
  });
});
