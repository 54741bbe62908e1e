// Holes found by probing the gateway, closed, against the real gateway and a real Orthanc: what of
// a DICOMweb request reaches Orthanc (seen by a recording proxy between the two), what of
// Orthanc's error answers reaches the browser, /api query strings with repeated or array
// parameters, and the security headers on every answer. Both gateways: the plain pass-through
// (requireLogin off) and the blinding gateway (requireLogin on).
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.ts';
import { type Answer, type Gateway, type PhantomCt, type Who, addUser, api, call, ctFiles, login, orthanc, phantomCt, randomUid, startGateway, stow, stowBody } from './blindingStack.ts';
import { type ArchiveProxy, archiveProxy } from './archiveProxy.ts';
import { openTestPglite } from './dbServers.ts';

interface Recorded {
  method: string;
  path: string;
  query: Array<[string, string]>;
  headers: http.IncomingHttpHeaders;
}

/** What the recording proxy saw since `from`, with the query decoded as Orthanc decodes it. */
function recordedSince(from: number): Recorded[] {
  return recorder.log.slice(from).map((r) => {
    const url = new URL(r.url, 'http://archive');
    return { method: r.method, path: url.pathname, query: [...url.searchParams], headers: r.headers };
  });
}

const FRAME_ACCEPT = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
// What a hostile page (or a tool) adds to a DICOMweb request: method overrides, the browser's
// credentials, and headers Orthanc has no business with.
const PROBE_HEADERS = {
  'x-http-method-override': 'DELETE',
  'x-http-method': 'DELETE',
  'x-method-override': 'DELETE',
  'x-foo': 'bar',
  forwarded: 'host=evil.example;proto=https',
  'x-forwarded-host': 'evil.example',
};
const OVERRIDES = '_method=DELETE&%5Fmethod=DELETE&method=DELETE&X-HTTP-Method-Override=DELETE&foo=bar';
const NEVER_UPSTREAM_HEADERS = ['x-http-method-override', 'x-http-method', 'x-method-override', 'x-foo', 'cookie', 'x-csrf-token', 'forwarded', 'x-forwarded-host', 'authorization', 'origin', 'referer'];

let archive: { url: string; stop: () => void };
let recorder: ArchiveProxy; // the recording proxy between the gateways and Orthanc
let db: Database;
let plainDb: Database;
let gw: Gateway; // requireLogin on: the blinding gateway
let plain: Gateway; // requireLogin off: the plain pass-through
let distDir: string;
let ct: PhantomCt;
let sopUid: string;
const ids: Record<string, number> = {};
const who: Record<string, Who & { cookie: string; csrf: string }> = {};
let studyId: number;
let caseId: number;

const INLINE_SCRIPT = 'window.__ctawHealth = fetch("/api/health");';

beforeAll(async () => {
  archive = await orthanc();
  recorder = await archiveProxy(archive.url);
  // A built app of a few bytes: the headers on the app's own files, and the inline script's hash.
  distDir = mkdtempSync(join(tmpdir(), 'ctaw-hardening-dist-'));
  writeFileSync(join(distDir, 'index.html'), `<!doctype html><html><head><script>${INLINE_SCRIPT}</script><script type="module" src="/assets/main-x.js"></script></head><body></body></html>`);
  mkdirSync(join(distDir, 'assets'));
  writeFileSync(join(distDir, 'assets/main-x.js'), 'console.log(1);\n');
  db = await openTestPglite();
  plainDb = await openTestPglite();
  gw = await startGateway(recorder.url, db, { distDir });
  plain = await startGateway(recorder.url, plainDb, { distDir, requireLogin: false });
  for (const [name, role] of [['admin', 'admin'], ['lead', 'lead'], ['reader', 'reader']] as const) {
    ids[name] = await addUser(gw.app, name, role);
    who[name] = await login(gw, name);
  }
  ct = phantomCt('hardening', 2);
  sopUid = ct.sopUids[0];
  const up = await stow(gw, who.admin, ctFiles(ct));
  expect(up.status, up.text).toBe(200);
  const study = await api(gw, who.admin, 'POST', '/api/studies', { name: `Hardening ${randomUid()}`, readersPerCase: 1, seed: 'hardening' });
  expect(study.status, study.text).toBe(201);
  studyId = study.json<{ study: { id: number } }>().study.id;
  const cases = await api(gw, who.admin, 'POST', `/api/studies/${studyId}/cases`, { cases: [{ studyInstanceUid: ct.studyUid, seriesInstanceUid: ct.seriesUid }] });
  expect(cases.status, cases.text).toBe(201);
  caseId = cases.json<{ cases: Array<{ id: number }> }>().cases[0].id;
  const assigned = await api(gw, who.admin, 'POST', `/api/cases/${caseId}/assignments`, { userId: ids.reader });
  expect(assigned.status, assigned.text).toBe(201);
}, 120_000);

afterAll(async () => {
  await gw?.app.close();
  await plain?.app.close();
  await db?.close();
  await plainDb?.close();
  await recorder?.close();
  archive?.stop();
  if (distDir) rmSync(distDir, { recursive: true, force: true });
});

const seriesPath = () => `/dicom-web/studies/${ct.studyUid}/series/${ct.seriesUid}`;
const instancePath = () => `${seriesPath()}/instances/${sopUid}`;

describe('what reaches Orthanc (seen by a recording proxy in front of it)', () => {
  /** Sends each probe through a gateway; returns what Orthanc got meanwhile. */
  async function probe(target: Gateway, user: Who | undefined): Promise<{ answers: Array<[string, Answer]>; seen: Recorded[] }> {
    const probes: Array<[string, string]> = [
      [`/dicom-web/studies?PatientID=${ct.patientId}&${OVERRIDES}`, 'application/dicom+json'],
      [`/dicom-web/studies/${ct.studyUid}/series?${OVERRIDES}&Modality=CT`, 'application/dicom+json'],
      [`${seriesPath()}/instances?${OVERRIDES}&includefield=00200013`, 'application/dicom+json'],
      [`${seriesPath()}/metadata?${OVERRIDES}`, 'application/dicom+json'],
      [`${instancePath()}/frames/1?${OVERRIDES}`, FRAME_ACCEPT],
      [`${instancePath()}/rendered?quality=50&${OVERRIDES}`, 'image/jpeg'],
    ];
    const from = recorder.log.length;
    const answers: Array<[string, Answer]> = [];
    for (const [path, accept] of probes) {
      answers.push([path, await call(target, 'GET', path, { who: { cookie: user?.cookie ?? 'ctaw_session=x', csrf: user?.csrf ?? 'csrf' }, headers: { ...PROBE_HEADERS, accept } })]);
    }
    return { answers, seen: recordedSince(from) };
  }

  function expectClean(seen: Recorded[]): void {
    expect(seen.length).toBeGreaterThan(0);
    for (const r of seen) {
      const label = `${r.method} ${r.path}?${new URLSearchParams(r.query).toString()}`;
      // The gateway's own questions (UID lookups, a series' instances) are POSTs it writes itself.
      expect(r.method, label).toBe(r.path === '/tools/lookup' || r.path === '/tools/find' ? 'POST' : 'GET');
      for (const [name] of r.query) {
        expect(name, label).not.toMatch(/method/i);
        expect(name, label).not.toBe('foo');
      }
      for (const name of NEVER_UPSTREAM_HEADERS) expect(r.headers[name], `${label}: ${name}`).toBeUndefined();
    }
    // The probes did reach Orthanc, with what they may carry: the matching key, the rendered quality.
    expect(seen.some((r) => r.path === '/dicom-web/studies' && r.query.some(([k, v]) => k === 'PatientID' && v === ct.patientId))).toBe(true);
    // A frame goes to Orthanc as the DICOMweb frame, or (blinding gateway, stored syntax asked) as
    // the instance's raw frame by Orthanc ID: either way without a parameter of the caller's.
    expect(seen.some((r) => (r.path.endsWith('/frames/1') || r.path.endsWith('/frames/0/raw')) && r.query.length === 0)).toBe(true);
    expect(seen.filter((r) => r.path.endsWith('/rendered')).map((r) => r.query)).toEqual([[['quality', '50']]]);
  }

  it('the plain pass-through sends no method override, cookie, CSRF token or unknown header or parameter, and GET stays GET', async () => {
    const { answers, seen } = await probe(plain, undefined);
    for (const [path, res] of answers) expect(res.status, path).toBe(200);
    expectClean(seen);
  });

  it('the blinding gateway does the same, for the admin and for a reader', async () => {
    for (const user of [who.admin, who.reader]) {
      const { answers, seen } = await probe(gw, user);
      for (const [path, res] of answers) expect(res.status, `${path}`).toBe(200);
      expectClean(seen);
    }
  });

  it('STOW-RS reaches Orthanc as a POST with its body type and length, and without the CSRF token or an override', async () => {
    const more = phantomCt('hardening-stow', 1);
    for (const target of [plain, gw]) {
      const from = recorder.log.length;
      const { body, contentType } = stowBody(ctFiles(more));
      const res = await call(target, 'POST', `/dicom-web/studies?${OVERRIDES}`, {
        who: who.admin,
        body,
        headers: { ...PROBE_HEADERS, 'x-http-method-override': 'PUT', 'content-type': contentType, accept: 'application/dicom+json' },
      });
      expect(res.status, res.text).toBe(200);
      const posts = recordedSince(from).filter((r) => r.path === '/dicom-web/studies');
      expect(posts.map((r) => [r.method, r.query, r.headers['content-type'], r.headers['content-length']])).toEqual([['POST', [], contentType, String(body.length)]]);
      for (const name of NEVER_UPSTREAM_HEADERS) expect(posts[0].headers[name], name).toBeUndefined();
    }
  });
});

describe("Orthanc's own error answers never reach the browser", () => {
  const orthancWords = /HttpError|OrthancError|OrthancStatus|"Uri"|"Details"|inexistent/;

  // (A reader's StudyInstanceUID=* names no study of theirs: the blinding gateway asks it under a
  // decoy UID, which Orthanc answers with no rows.)
  it('a QIDO Orthanc refuses (StudyInstanceUID=*) gets the gateway’s body, on both gateways', async () => {
    for (const [target, user] of [[plain, undefined], [gw, who.admin]] as const) {
      const res = await call(target, 'GET', '/dicom-web/studies?StudyInstanceUID=*', { who: user, headers: { accept: 'application/dicom+json' } });
      expect(res.status, res.text).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.json()).toEqual({ error: 'the image archive refused the request' });
    }
  });

  it('a frame that is not there, on a series the caller may see, gets the gateway’s body', async () => {
    for (const [target, user] of [[plain, undefined], [gw, who.reader]] as const) {
      const res = await call(target, 'GET', `${instancePath()}/frames/99`, { who: user, headers: { accept: FRAME_ACCEPT } });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.text).not.toMatch(orthancWords);
      expect(Object.keys(res.json<Record<string, unknown>>())).toEqual(['error']);
    }
  });

  it('the plain pass-through answers a missing instance with the gateway’s not-found body', async () => {
    const res = await call(plain, 'GET', `/dicom-web/studies/${ct.studyUid}/series/${ct.seriesUid}/instances/${randomUid()}/frames/1`, { headers: { accept: FRAME_ACCEPT } });
    expect(res.status).toBe(404);
    expect(res.json()).toEqual({ error: 'not found' });
  });

  it('a STOW-RS Orthanc refuses: its Store Instances Response is passed on, its own error body is not', async () => {
    const garbage = stowBody([new TextEncoder().encode('not a DICOM file')]);
    const refused = await call(plain, 'POST', '/dicom-web/studies', { body: garbage.body, headers: { 'content-type': garbage.contentType, accept: 'application/dicom+json' } });
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toBe('application/dicom+json');
    expect(Object.keys(refused.json<Record<string, unknown>>()).every((k) => /^[0-9A-F]{8}$/.test(k))).toBe(true);
    const wrongType = await call(plain, 'POST', '/dicom-web/studies', { body: garbage.body, headers: { 'content-type': 'application/octet-stream', accept: 'application/dicom+json' } });
    expect(wrongType.status).toBe(415);
    expect(wrongType.json()).toEqual({ error: 'the image archive refused the request' });
    // A body Fastify itself parses (text/plain, JSON) is no STOW-RS body: the gateway's 415, at once.
    const text = await call(plain, 'POST', '/dicom-web/studies', { body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(text.json()).toEqual({ error: 'STOW-RS takes multipart/related; type="application/dicom"' });
  });
});

/** Every route the app has, from Fastify's own listing (printRoutes without prefix compression). */
function registeredRoutes(gateway: Gateway): Array<{ method: string; url: string }> {
  const routes: Array<{ method: string; url: string }> = [];
  const stack: string[] = [];
  for (const line of gateway.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    stack.push(m[2]);
    for (const method of m[3]?.split(', ') ?? []) routes.push({ method, url: stack.join('') });
  }
  return routes;
}

describe('/api query strings: one value per parameter', () => {
  const BAD_QUERIES: Array<[string, string]> = [
    ['q=a&q=b', 'q'],
    ['state=new&state=submitted', 'state'],
    ['limit[]=1', 'limit[]'],
    ['sort[a]=b', 'sort[a]'],
  ];

  it('GET /api/worklist?q=a&q=b is a 400 naming q, not a 500', async () => {
    const res = await api(gw, who.reader, 'GET', '/api/worklist?q=a&q=b');
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ error: 'the query parameter "q" is given more than once' });
    const states = await api(gw, who.reader, 'GET', '/api/worklist?state=new&state=submitted');
    expect(states.json()).toEqual({ error: 'the query parameter "state" is given more than once' });
    // One of each is still the worklist.
    const fine = await api(gw, who.reader, 'GET', '/api/worklist?q=Case&state=new');
    expect(fine.status, fine.text).toBe(200);
  });

  it('every registered /api route, as each role, answers a repeated or array parameter with 400 or an auth status, never 5xx', async () => {
    const routes = registeredRoutes(gw).filter((r) => r.url === '/api' || r.url.startsWith('/api/'));
    // The listing was read: the routes the API documents are in it.
    expect(routes).toEqual(expect.arrayContaining([{ method: 'GET', url: '/api/worklist' }, { method: 'POST', url: '/api/auth/login' }, { method: 'DELETE', url: '/api/cases/:id/assignments/:userId' }]));
    expect(routes.length).toBeGreaterThanOrEqual(25);
    const refusedFor = new Map<string, string[]>();
    for (const role of ['reader', 'lead', 'admin'] as const) {
      // A session of its own: logout is one of the routes.
      const session = await login(gw, role);
      for (const route of routes) {
        const path = route.url.replace(':userId', String(ids.reader)).replace(':id', String(route.url.startsWith('/api/cases/') ? caseId : route.url.startsWith('/api/admin/') ? ids.reader : studyId));
        for (const [query, name] of BAD_QUERIES) {
          const label = `${role} ${route.method} ${path}?${query}`;
          const res = await call(gw, route.method, `${path}?${query}`, { who: session });
          expect(res.status, `${label}: ${res.text}`).toBeLessThan(500);
          expect(res.text, label).not.toContain('TypeError');
          expect([400, 401, 403, 404], `${label}: ${res.text}`).toContain(res.status);
          if (res.status === 400) {
            if (route.method !== 'HEAD') expect(res.json<{ error: string }>().error, label).toContain(JSON.stringify(name));
            refusedFor.set(`${route.method} ${route.url}`, [...(refusedFor.get(`${route.method} ${route.url}`) ?? []), role]);
          }
        }
      }
    }
    // Each route refused it for some role allowed to call it (the others stopped at the auth check).
    for (const route of routes) expect(refusedFor.get(`${route.method} ${route.url}`), `${route.method} ${route.url}`).toBeDefined();
    // Nothing the sweep sent was carried out: the reader is still assigned, the sessions live.
    expect((await api(gw, who.reader, 'GET', '/api/worklist')).json<{ total: number }>().total).toBe(1);
  });
});

describe('security headers', () => {
  const CSP_PARTS = ["default-src 'self'", "script-src 'self' 'wasm-unsafe-eval' 'sha256-", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'self'"];

  function expectSecurityHeaders(res: Answer, label: string): void {
    const csp = String(res.headers['content-security-policy']);
    for (const part of CSP_PARTS) expect(csp, label).toContain(part);
    expect(csp, label).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
    expect(res.headers['x-content-type-options'], label).toBe('nosniff');
    expect(res.headers['referrer-policy'], label).toBe('no-referrer');
    expect(res.headers['x-frame-options'], label).toBe('DENY');
    // Cross-origin isolation: the page shares the CT's voxels with its workers (src/workers/sharedMemory.ts).
    expect(res.headers['cross-origin-opener-policy'], label).toBe('same-origin');
    expect(res.headers['cross-origin-embedder-policy'], label).toBe('require-corp');
  }

  it('the app, its files, /api and /dicom-web answers (streamed ones and errors included) carry them; /api and /dicom-web answers are not stored', async () => {
    const hash = `'sha256-${createHash('sha256').update(INLINE_SCRIPT).digest('base64')}'`;
    const requests: Array<[Gateway, Who | undefined, string, string?]> = [
      [gw, undefined, '/'],
      [gw, undefined, `/viewer/${ct.studyUid}/${ct.seriesUid}`],
      [gw, undefined, '/assets/main-x.js'],
      [gw, undefined, '/no/such/file'],
      [gw, undefined, '/api/health'],
      [gw, undefined, '/api/auth/session'],
      [gw, who.reader, '/api/auth/session'],
      [gw, who.reader, '/api/worklist?q=a&q=b'],
      [gw, undefined, '/api/no-such-route'],
      [gw, undefined, '/dicom-web/studies'],
      [gw, who.reader, `${instancePath()}/frames/1`, FRAME_ACCEPT],
      [gw, who.reader, `${seriesPath()}/metadata`, 'application/dicom+json'],
      [plain, undefined, '/'],
      [plain, undefined, '/dicom-web/studies', 'application/dicom+json'],
      [plain, undefined, `${instancePath()}/frames/1`, FRAME_ACCEPT],
      [plain, undefined, `/dicom-web/studies/${randomUid()}/series/${randomUid()}/metadata`, 'application/dicom+json'],
      [plain, undefined, '/dicom-web/servers'],
      [plain, undefined, '/api/health'],
    ];
    for (const [target, user, path, accept] of requests) {
      const res = await call(target, 'GET', path, { who: user, headers: accept ? { accept } : {} });
      const label = `${target === plain ? 'plain' : 'blinding'} ${path} (${res.status})`;
      expectSecurityHeaders(res, label);
      expect(String(res.headers['content-security-policy']), label).toContain(hash);
      if (/^\/(api|dicom-web)\//.test(path)) expect(res.headers['cache-control'], label).toBe('no-store');
      else expect(res.headers['cache-control'], label).not.toBe('no-store');
    }
    // A rebuild under the running server: the policy follows the new index.html within a second.
    const rebuilt = 'window.__ctawHealth = fetch("/api/health"); /* rebuilt */';
    writeFileSync(join(distDir, 'index.html'), `<!doctype html><html><head><script>${rebuilt}</script></head><body></body></html>`);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await call(gw, 'GET', '/');
    expect(after.text).toContain(rebuilt);
    expect(String(after.headers['content-security-policy'])).toContain(`'sha256-${createHash('sha256').update(rebuilt).digest('base64')}'`);
    const login = await call(gw, 'POST', '/api/auth/login', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'reader', password: 'wrong' }) });
    expectSecurityHeaders(login, 'failed login');
    expect(login.headers['cache-control']).toBe('no-store');
  });
});
