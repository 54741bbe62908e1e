// Accounts and sessions through the HTTP API, in-process (buildApp + inject; no running server or
// Orthanc needed), on the embedded PGlite and on a real PostgreSQL server. A test clock moves time
// forward for lock-outs and session expiry.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../server/app.ts';
import type { ServerConfig } from '../../server/config.ts';
import { type Database, openDatabase } from '../../server/db/database.ts';
import { createAccount } from '../../server/identity/accounts.ts';
import type { Role } from '../../src/model/api.ts';
import { type ThrowawayPostgres, openTestPglite, postgresAvailable, startThrowawayPostgres } from './dbServers.ts';

const CONFIG: ServerConfig = {
  host: '127.0.0.1',
  port: 0,
  orthancUrl: 'http://127.0.0.1:9', // nothing listens: the DICOMweb proxy is not what is tested here
  distDir: null,
  upstreamTimeoutMs: 1000,
  sessionIdleMinutes: 30,
  sessionMaxHours: 8,
};
const PASSWORD = 'correct horse battery';
const MIN = 60_000;

let server: ThrowawayPostgres | null = null;
if (!postgresAvailable()) console.warn('!!!!!!!! PostgreSQL binaries missing: identity tests run on PGlite only');

beforeAll(async () => {
  if (postgresAvailable()) server = await startThrowawayPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

function sessionCookieOf(res: LightMyRequestResponse): string {
  const header = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('ctaw_session='));
  if (!header) throw new Error(`no session cookie in ${res.statusCode} ${res.body}`);
  return header;
}

function suite(backend: 'PGlite' | 'PostgreSQL'): void {
  describe.skipIf(backend === 'PostgreSQL' && !postgresAvailable())(`accounts and sessions on ${backend}`, () => {
    let db: Database;
    let app: FastifyInstance;
    let nowMs = Date.now();
    const advance = (ms: number) => (nowMs += ms);
    const ids: Record<string, number> = {};

    const login = (username: string, password: string = PASSWORD, headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, headers });

    /** Logs in and returns what the browser would keep: the cookie and the CSRF token. */
    async function loginAs(username: string, password: string = PASSWORD): Promise<{ cookie: string; csrf: string; headers: Record<string, string> }> {
      const res = await login(username, password);
      expect(res.statusCode, res.body).toBe(200);
      const cookie = sessionCookieOf(res).split(';')[0];
      const csrf = (res.json() as { csrfToken: string }).csrfToken;
      return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
    }

    const whoami = (cookie: string) => app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie } });

    async function seed(username: string, role: Role): Promise<void> {
      const { user } = await createAccount(app.identity, { userId: null, ip: null, via: 'cli' }, { username, displayName: `${username} (${role})`, role, password: PASSWORD });
      ids[username] = user.id;
    }

    async function auditRows(sinceId = 0): Promise<Array<{ id: string; user_id: number | null; action: string; target: string | null; detail: Record<string, unknown>; ip: string | null }>> {
      return (await db.query('SELECT id, user_id, action, target, detail, ip FROM audit_log WHERE id > $1 ORDER BY id', [sinceId])).rows as never;
    }
    async function lastAuditId(): Promise<number> {
      return Number((await db.query('SELECT coalesce(max(id), 0) AS id FROM audit_log')).rows[0].id);
    }

    beforeAll(async () => {
      db = backend === 'PGlite' ? await openTestPglite() : await openDatabase({ url: await server!.createDatabase('identity'), pgliteDir: null });
      app = await buildApp(CONFIG, { db, clock: () => new Date(nowMs) });
      for (const [name, role] of [['root', 'admin'], ['rita', 'reader'], ['rob', 'reader'], ['lea', 'lead'], ['lou', 'lead'], ['ray', 'reader'], ['rex', 'reader']] as const) await seed(name, role);
    }, 120_000);
    afterAll(async () => {
      await app?.close();
      await db?.close();
    });

    it('logs in with a session cookie, tells who is logged in, and logs out', async () => {
      const res = await login('Rita '); // names are trimmed and lower-cased
      expect(res.statusCode).toBe(200);
      const body = res.json() as { user: unknown; csrfToken: string };
      expect(body.user).toEqual({ id: ids.rita, username: 'rita', displayName: 'rita (reader)', role: 'reader' });
      expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const setCookie = sessionCookieOf(res);
      expect(setCookie).toMatch(/^ctaw_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=28800$/); // no Secure over plain HTTP
      const cookie = setCookie.split(';')[0];
      // Only the token's hash is in the database.
      const token = cookie.split('=')[1];
      expect((await db.query('SELECT count(*)::int AS n FROM sessions WHERE id = $1', [token])).rows[0].n).toBe(0);

      const me = await whoami(cookie);
      expect(me.statusCode).toBe(200);
      expect(me.json()).toMatchObject({ user: { username: 'rita', role: 'reader' }, csrfToken: body.csrfToken });

      const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie, 'x-csrf-token': body.csrfToken } });
      expect(out.statusCode).toBe(204);
      expect(sessionCookieOf(out)).toMatch(/^ctaw_session=; .*Max-Age=0/);
      const after = await whoami(cookie);
      expect(after.statusCode).toBe(401);
      expect(after.json()).toEqual({ error: 'not logged in' });
    });

    it('answers a wrong password, an unknown name and a disabled account alike', async () => {
      const wrong = await login('rob', 'not the password');
      const unknown = await login('nobody-at-all', 'not the password');
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      expect(wrong.json()).toEqual({ error: 'wrong user name or password' });
      expect(unknown.body).toBe(wrong.body);
      expect(wrong.headers['set-cookie']).toBeUndefined();
      // The unknown name's hash check takes as long as a real one (argon2 on a dummy hash).
      const t0 = performance.now();
      await login('nobody-at-all-2', 'x');
      const unknownMs = performance.now() - t0;
      const t1 = performance.now();
      await login('rob', 'x');
      const knownMs = performance.now() - t1;
      expect(unknownMs).toBeGreaterThan(knownMs / 4);
    });

    it('locks a user name for 15 minutes after 5 failures within 15 minutes, whether it exists or not', async () => {
      for (const name of ['lea', 'no-such-lead']) {
        for (let i = 0; i < 5; i++) {
          advance(MIN);
          expect((await login(name, `guess ${i}`)).statusCode, `${name} failure ${i + 1}`).toBe(401);
        }
      }
      // Now even the right password is refused, with the same answer for the real and the unknown name.
      const real = await login('lea', PASSWORD);
      const fake = await login('no-such-lead', PASSWORD);
      expect(real.statusCode).toBe(429);
      expect(fake.statusCode).toBe(429);
      expect(real.json()).toEqual({ error: expect.stringMatching(/^too many failed logins for this user name; try again in \d+ minutes$/) });
      expect(Number(real.headers['retry-after'])).toBeGreaterThan(5 * 60);
      expect(Number(real.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
      // Other names are not affected.
      expect((await login('lou')).statusCode).toBe(200);
      advance(15 * MIN);
      expect((await login('lea', PASSWORD)).statusCode).toBe(200);
    });

    it('forgets earlier failures after a successful login, and failures older than 15 minutes', async () => {
      for (let i = 0; i < 4; i++) expect((await login('ray', 'wrong one')).statusCode).toBe(401);
      expect((await login('ray')).statusCode).toBe(200);
      for (let i = 0; i < 4; i++) expect((await login('ray', 'wrong one')).statusCode).toBe(401);
      advance(16 * MIN);
      for (let i = 0; i < 4; i++) expect((await login('ray', 'wrong one')).statusCode).toBe(401);
      expect((await login('ray')).statusCode).toBe(200);
    });

    it('counts parallel guesses one by one: at most 5 get a password check', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => login('rex', `parallel ${i}`)));
      const codes = results.map((r) => r.statusCode).sort();
      expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      advance(15 * MIN);
    });

    it('ends a session after 30 idle minutes, and 8 hours after login however busy', async () => {
      const idle = await loginAs('rob');
      advance(29 * MIN);
      expect((await whoami(idle.cookie)).statusCode).toBe(200); // used: the idle time starts again
      advance(29 * MIN);
      expect((await whoami(idle.cookie)).statusCode).toBe(200);
      advance(30 * MIN);
      const gone = await whoami(idle.cookie);
      expect(gone.statusCode).toBe(401);
      expect(sessionCookieOf(gone)).toMatch(/Max-Age=0/); // the dead cookie is cleared

      const busy = await loginAs('rob');
      for (let m = 0; m < 8 * 60 - 20; m += 20) {
        advance(20 * MIN);
        expect((await whoami(busy.cookie)).statusCode, `after ${m + 20} min`).toBe(200);
      }
      advance(20 * MIN);
      expect((await whoami(busy.cookie)).statusCode).toBe(401);
    });

    it('requires the x-csrf-token header on every state-changing request', async () => {
      const admin = await loginAs('root');
      const create = (headers: Record<string, string>) =>
        app.inject({ method: 'POST', url: '/api/admin/users', headers, payload: { username: 'csrf-test', displayName: 'CSRF test', role: 'reader' } });
      const none = await create({ cookie: admin.cookie });
      expect(none.statusCode).toBe(403);
      expect(none.json()).toEqual({ error: 'missing or wrong x-csrf-token header' });
      expect((await create({ cookie: admin.cookie, 'x-csrf-token': 'x'.repeat(43) })).statusCode).toBe(403);
      const other = await loginAs('rita'); // another session's token does not do either
      expect((await create({ cookie: admin.cookie, 'x-csrf-token': other.csrf })).statusCode).toBe(403);
      expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: other.cookie } })).statusCode).toBe(403);
      expect((await create(admin.headers)).statusCode).toBe(201);
      // Reads need no token.
      expect((await app.inject({ method: 'GET', url: '/api/admin/users', headers: { cookie: admin.cookie } })).statusCode).toBe(200);
    });

    it('answers 401 without a session and 403 to a reader or lead on the admin API', async () => {
      for (const [method, url] of [['GET', '/api/auth/session'], ['POST', '/api/auth/logout'], ['GET', '/api/admin/users'], ['POST', '/api/admin/users'], ['POST', `/api/admin/users/${ids.rita}/disable`]] as const) {
        const res = await app.inject({ method, url, payload: method === 'POST' ? {} : undefined });
        expect(res.statusCode, `${method} ${url}`).toBe(401);
        const forged = await app.inject({ method, url, headers: { cookie: `ctaw_session=${'A'.repeat(43)}` } });
        expect(forged.statusCode, `${method} ${url} with a made-up token`).toBe(401);
      }
      for (const name of ['rita', 'lou']) {
        const user = await loginAs(name);
        const list = await app.inject({ method: 'GET', url: '/api/admin/users', headers: user.headers });
        expect(list.statusCode).toBe(403);
        expect(list.json()).toEqual({ error: 'your role does not allow this' });
        const create = await app.inject({ method: 'POST', url: '/api/admin/users', headers: user.headers, payload: { username: 'sneaky', displayName: 'S', role: 'admin' } });
        expect(create.statusCode).toBe(403);
      }
      expect(await app.identity.users.byUsername('sneaky')).toBeNull();
    });

    it('lets an admin create, list, reset, disable and log out accounts', async () => {
      const admin = await loginAs('root');
      const post = (url: string, payload?: unknown) => app.inject({ method: 'POST', url, headers: admin.headers, payload: payload as never });

      const created = await post('/api/admin/users', { username: 'New.Reader', displayName: 'New Reader', role: 'reader' });
      expect(created.statusCode).toBe(201);
      const { user, password } = created.json() as { user: { id: number; username: string }; password: string };
      expect(user).toMatchObject({ username: 'new.reader', role: 'reader', disabled: false });
      expect(password).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/); // generated, shown this once
      expect((await login('new.reader', password)).statusCode).toBe(200);

      expect((await post('/api/admin/users', { username: 'new.reader', displayName: 'Again', role: 'reader', password: PASSWORD })).statusCode).toBe(409);
      const weak = await post('/api/admin/users', { username: 'weak', displayName: 'Weak', role: 'reader', password: 'short' });
      expect(weak.statusCode).toBe(400);
      expect(weak.json()).toEqual({ error: 'a password needs at least 10 characters' });
      expect((await post('/api/admin/users', { username: 'bad name!', displayName: 'X', role: 'reader' })).statusCode).toBe(400);
      expect((await post('/api/admin/users', { username: 'x', displayName: 'X', role: 'superuser' })).statusCode).toBe(400);

      const list = await app.inject({ method: 'GET', url: '/api/admin/users', headers: admin.headers });
      const users = (list.json() as { users: Array<{ username: string; passwordHash?: string }> }).users;
      expect(users.map((u) => u.username)).toEqual(expect.arrayContaining(['root', 'rita', 'new.reader']));
      expect(list.body).not.toMatch(/argon2|password/i);

      // Password reset: the old sessions end, the old password stops working, the new one works.
      const reader = await loginAs('new.reader', password);
      const reset = await post(`/api/admin/users/${user.id}/password`, { password: 'a brand new secret' });
      expect(reset.statusCode).toBe(200);
      expect(reset.json()).toMatchObject({ revokedSessions: 2 });
      expect((await whoami(reader.cookie)).statusCode).toBe(401);
      expect((await login('new.reader', password)).statusCode).toBe(401);
      const again = await loginAs('new.reader', 'a brand new secret');
      // Revoke all sessions.
      expect((await post(`/api/admin/users/${user.id}/revoke-sessions`)).json()).toMatchObject({ revokedSessions: 1 });
      expect((await whoami(again.cookie)).statusCode).toBe(401);
      // Disable: sessions end, logins fail like a wrong password; enable again.
      const third = await loginAs('new.reader', 'a brand new secret');
      const disabled = await post(`/api/admin/users/${user.id}/disable`);
      expect(disabled.json()).toMatchObject({ user: { disabled: true }, revokedSessions: 1 });
      expect((await whoami(third.cookie)).statusCode).toBe(401);
      const refused = await login('new.reader', 'a brand new secret');
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual({ error: 'wrong user name or password' });
      expect((await post(`/api/admin/users/${user.id}/disable`, { disabled: false })).json()).toMatchObject({ user: { disabled: false } });
      expect((await login('new.reader', 'a brand new secret')).statusCode).toBe(200);

      expect((await post(`/api/admin/users/${ids.root}/disable`)).statusCode).toBe(409); // not yourself
      expect((await post('/api/admin/users/999999/revoke-sessions')).statusCode).toBe(404);
      expect((await post('/api/admin/users/abc/revoke-sessions')).statusCode).toBe(400);
    });

    it('writes every login, logout and admin change to the audit log, without passwords or tokens', async () => {
      const since = await lastAuditId();
      const ok = await login('lou');
      const token = sessionCookieOf(ok).split(';')[0].split('=')[1];
      const { csrfToken } = ok.json() as { csrfToken: string };
      await login('lou', 'a wrong password here');
      await login('ghost-user', 'another wrong one');
      const cookie = `ctaw_session=${token}`;
      await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie, 'x-csrf-token': csrfToken } });
      const admin = await loginAs('root');
      await app.inject({ method: 'POST', url: `/api/admin/users/${ids.lou}/revoke-sessions`, headers: admin.headers });
      const rows = await auditRows(since);
      expect(rows.map((r) => [r.action, r.user_id, r.target])).toEqual([
        ['login.success', ids.lou, `user:${ids.lou}`],
        ['login.failure', null, `user:${ids.lou}`],
        ['login.failure', null, null],
        ['logout', ids.lou, `user:${ids.lou}`],
        ['login.success', ids.root, `user:${ids.root}`],
        ['user.revoke-sessions', ids.root, `user:${ids.lou}`],
      ]);
      expect(rows[1].detail).toEqual({ username: 'lou', why: 'wrong-password' });
      expect(rows[2].detail).toEqual({ username: 'ghost-user', why: 'unknown-user' });
      expect(rows.every((r) => r.ip === '127.0.0.1')).toBe(true);
      const all = JSON.stringify(await auditRows(0));
      for (const secret of [PASSWORD, 'a wrong password here', 'another wrong one', 'a brand new secret', token, csrfToken, admin.csrf]) expect(all).not.toContain(secret);
      await expect(db.query('UPDATE audit_log SET action = $1 WHERE id = $2', ['x', rows[0].id])).rejects.toThrow(/append-only/);
      await expect(db.query('DELETE FROM audit_log WHERE id = $1', [rows[0].id])).rejects.toThrow(/append-only/);
    });
  });
}

suite('PGlite');
suite('PostgreSQL');

describe('gateway set-up around accounts', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestPglite();
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });

  it('creates the first admin on an empty database, printing a generated password once (not through the logger)', async () => {
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
    try {
      const app = await buildApp({ ...CONFIG, bootstrapAdmin: { password: null } }, { db });
      const password = /\n\s+([a-z2-9]{5}(?:-[a-z2-9]{5}){3})\n/.exec(printed.join('\n'))?.[1];
      expect(password).toBeDefined();
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password } });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ user: { username: 'admin', role: 'admin' } });
      await app.close();
      printed.length = 0;
      const again = await buildApp({ ...CONFIG, bootstrapAdmin: { password: null } }, { db });
      expect(printed).toEqual([]); // there is an account now: nothing created, nothing printed
      await again.close();
      const audit = await db.query("SELECT action, detail FROM audit_log WHERE action = 'user.bootstrap'");
      expect(audit.rows).toEqual([{ action: 'user.bootstrap', detail: { username: 'admin', role: 'admin', via: 'start-up' } }]);
    } finally {
      spy.mockRestore();
    }
  });

  it('takes the first admin password from CTAW_ADMIN_PASSWORD, and refuses a weak one', async () => {
    const fresh = await openTestPglite();
    const spy = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await expect(buildApp({ ...CONFIG, bootstrapAdmin: { password: 'short' } }, { db: fresh })).rejects.toThrow('CTAW_ADMIN_PASSWORD: a password needs at least 10 characters');
      const app = await buildApp({ ...CONFIG, bootstrapAdmin: { password: 'the chosen first secret' } }, { db: fresh });
      expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'the chosen first secret' } })).statusCode).toBe(200);
      await app.close();
    } finally {
      spy.mockRestore();
      await fresh.close();
    }
  });

  it('marks the cookie Secure when the request came over HTTPS through a trusted proxy, and only then', async () => {
    const setup = await buildApp(CONFIG, { db });
    await createAccount(setup.identity, { userId: null, ip: null, via: 'cli' }, { username: 'proxied', displayName: 'P', role: 'reader', password: PASSWORD });
    await setup.close();
    const loginVia = async (trustProxy: boolean) => {
      const app = await buildApp({ ...CONFIG, trustProxy }, { db });
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'proxied', password: PASSWORD }, headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' } });
      await app.close();
      return sessionCookieOf(res);
    };
    expect(await loginVia(true)).toMatch(/; Secure$/);
    expect(await loginVia(false)).not.toMatch(/Secure/);
    const ips = await db.query("SELECT ip FROM audit_log WHERE action = 'login.success' AND target = (SELECT 'user:' || id FROM users WHERE username = 'proxied') ORDER BY id");
    expect(ips.rows.map((r) => r.ip)).toEqual(['203.0.113.7', '127.0.0.1']);
  });

  it('leaves /api/health and the DICOMweb proxy open for now (the browser has no login screen yet)', async () => {
    const app = await buildApp(CONFIG, { db });
    try {
      expect((await app.inject({ method: 'GET', url: '/api/health' })).json()).toEqual({ ok: true, orthanc: false });
      expect((await app.inject({ method: 'GET', url: '/dicom-web/studies' })).statusCode).toBe(502); // reached the (absent) Orthanc
    } finally {
      await app.close();
    }
  });
});
