// GET /api/worklist with a study of 10,000 cases read by 20 readers (2 per case), on the embedded
// PGlite and on a real PostgreSQL: states, filters, sorting, paging, nothing about other readers.
// In-process (app.inject); no Orthanc needed. Its speed is a benchmark (`npm run bench -- server`).
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import type { ServerConfig } from '../../server/config.ts';
import { type Database, openDatabase } from '../../server/db/database.ts';
import { createAccount } from '../../server/identity/accounts.ts';
import type { WorklistPage } from '../../src/model/api.ts';
import { PASSWORD } from './blindingStack.ts';
import { type ThrowawayPostgres, openTestPglite, postgresAvailable, startThrowawayPostgres } from './dbServers.ts';

const CONFIG: ServerConfig = { host: '127.0.0.1', port: 0, orthancUrl: 'http://127.0.0.1:9', distDir: null, upstreamTimeoutMs: 1000, requireLogin: true };
const CASES = 10_000;
const READERS = 20;

let server: ThrowawayPostgres | null = null;
beforeAll(async () => {
  if (postgresAvailable()) server = await startThrowawayPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

function suite(backend: 'PGlite' | 'PostgreSQL'): void {
  describe.skipIf(backend === 'PostgreSQL' && !postgresAvailable())(`worklist on ${backend}`, () => {
    let db: Database;
    let app: FastifyInstance;
    const readerIds: number[] = [];
    const sessions = new Map<number, { cookie: string; csrf: string }>();
    let studyId: number;

    async function loginAs(username: string): Promise<{ cookie: string; csrf: string }> {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: PASSWORD } });
      expect(res.statusCode, res.body).toBe(200);
      return { cookie: String(res.headers['set-cookie']).split(';')[0], csrf: (res.json() as { csrfToken: string }).csrfToken };
    }
    const worklist = async (readerId: number, query = ''): Promise<{ status: number; body: WorklistPage; raw: string }> => {
      const res = await app.inject({ method: 'GET', url: `/api/worklist${query}`, headers: { cookie: sessions.get(readerId)!.cookie } });
      return { status: res.statusCode, body: res.json(), raw: res.body };
    };

    beforeAll(async () => {
      db = backend === 'PGlite' ? await openTestPglite() : await openDatabase({ url: await server!.createDatabase('worklist'), pgliteDir: null });
      app = await buildApp(CONFIG, { db });
      const actor = { userId: null, ip: null, via: 'cli' } as const;
      await createAccount(app.identity, actor, { username: 'boss', displayName: 'Boss', role: 'admin', password: PASSWORD });
      for (let r = 0; r < READERS; r++) {
        const { user } = await createAccount(app.identity, actor, { username: `reader-${String(r).padStart(2, '0')}`, displayName: `Reader ${r}`, role: 'reader', password: PASSWORD });
        readerIds.push(user.id);
      }
      const admin = await loginAs('boss');
      const study = await app.inject({ method: 'POST', url: '/api/studies', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf }, payload: { name: 'Big study', readersPerCase: 2, seed: 'big' } });
      studyId = (study.json() as { study: { id: number } }).study.id;
      // 10,000 cases straight into the table (adding them through the API checks each in Orthanc).
      await db.query(
        `INSERT INTO cases (study_id, study_instance_uid, series_instance_uid, label)
         SELECT $1, '2.25.1' || n, '2.25.2' || n, 'Case ' || lpad(n::text, 5, '0') FROM generate_series(1, $2::int) AS n`,
        [studyId, CASES],
      );
      const assigned = await app.inject({ method: 'POST', url: `/api/studies/${studyId}/assignments`, headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf }, payload: {} });
      expect(assigned.statusCode, assigned.body).toBe(200);
      expect((assigned.json() as { assigned: number }).assigned).toBe(CASES * 2);
      for (const id of readerIds) sessions.set(id, await loginAs(`reader-${String(readerIds.indexOf(id)).padStart(2, '0')}`));

      // Reader 0: opens 30 of their cases, submits a result for 10 of those.
      const mine = (await db.query<{ case_id: number }>('SELECT case_id FROM assignments WHERE user_id = $1 ORDER BY case_id LIMIT 30', [readerIds[0]])).rows.map((r) => r.case_id);
      await db.query('UPDATE assignments SET opened_at = now() WHERE user_id = $1 AND case_id = ANY($2::int[])', [readerIds[0], mine]);
      for (const [i, caseId] of mine.slice(0, 10).entries()) {
        await db.query("INSERT INTO results (sop_instance_uid, series_instance_uid, study_instance_uid, case_id, user_id, kind) VALUES ($1, $2, '2.25.9', $3, $4, 'seg')", [
          `2.25.7${i}`,
          `2.25.8${i}`,
          caseId,
          readerIds[0],
        ]);
      }
      // Every other reader submits on 5 cases, so that their states differ from reader 0's.
      for (const id of readerIds.slice(1)) {
        await db.query(
          `INSERT INTO results (sop_instance_uid, series_instance_uid, study_instance_uid, case_id, user_id, kind)
           SELECT '2.25.6' || $1::int || '.' || case_id, '2.25.5' || $1::int, '2.25.9', case_id, $1::int, 'seg' FROM assignments WHERE user_id = $1::int ORDER BY case_id DESC LIMIT 5`,
          [id],
        );
      }
    }, 300_000);
    afterAll(async () => {
      await app?.close();
      await db?.close();
    });

    it('lists the reader’s cases with their state, in-progress first, and the UIDs to open', async () => {
      const { status, body } = await worklist(readerIds[0], '?limit=1000');
      expect(status).toBe(200);
      expect(body.total).toBe(CASES * 2 / READERS);
      expect(body.items).toHaveLength(1000);
      const states = body.items.map((i) => i.state);
      expect(states.slice(0, 20).every((s) => s === 'in_progress')).toBe(true);
      expect(states.filter((s) => s === 'submitted')).toHaveLength(10);
      expect(states.slice(-10).every((s) => s === 'submitted')).toBe(true);
      const first = body.items[0];
      expect(first).toMatchObject({ studyInstanceUid: expect.stringMatching(/^2\.25\.1\d+$/), seriesInstanceUid: expect.stringMatching(/^2\.25\.2\d+$/), openedAt: expect.any(String), submittedAt: null, resultKinds: [] });
      const submitted = body.items.find((i) => i.state === 'submitted')!;
      expect(submitted.resultKinds).toEqual(['seg']);
    });

    it('never names other readers or their progress', async () => {
      const { raw, body } = await worklist(readerIds[1], '?limit=1000');
      expect(raw).not.toMatch(/reader-0|Reader 0|reader-/);
      expect(body.items.filter((i) => i.state === 'submitted')).toHaveLength(5);
      // A case reader 0 submitted and reader 1 shares stays "new" for reader 1.
      const shared = (await db.query<{ case_id: number }>('SELECT r.case_id FROM results r JOIN assignments a ON a.case_id = r.case_id AND a.user_id = $2 WHERE r.user_id = $1', [readerIds[0], readerIds[1]])).rows;
      for (const { case_id } of shared) expect(body.items.find((i) => i.caseId === case_id)?.state).not.toBe('submitted');
      expect(Object.keys(body.items[0]).sort()).toEqual(['assignedAt', 'caseId', 'label', 'openedAt', 'resultKinds', 'seriesInstanceUid', 'state', 'studyId', 'studyInstanceUid', 'studyName', 'submittedAt'].sort());
    });

    it('filters by state, study and label, sorts and pages', async () => {
      expect((await worklist(readerIds[0], '?state=in_progress')).body.total).toBe(20);
      expect((await worklist(readerIds[0], '?state=submitted,in_progress')).body.total).toBe(30);
      expect((await worklist(readerIds[0], '?state=new')).body.total).toBe(1000 - 30);
      expect((await worklist(readerIds[0], `?study=${studyId + 1}`)).body.total).toBe(0);
      const byLabel = await worklist(readerIds[0], '?sort=-label&limit=5');
      const labels = byLabel.body.items.map((i) => i.label);
      expect(labels).toEqual([...labels].sort().reverse());
      const q = byLabel.body.items[0].label.slice(0, 9); // "Case 099…"
      const found = await worklist(readerIds[0], `?q=${encodeURIComponent(q.toLowerCase())}`);
      expect(found.body.items.every((i) => i.label.startsWith(q))).toBe(true);
      expect((await worklist(readerIds[0], '?q=%25')).body.total).toBe(0); // % is a character, not a wildcard
      const page1 = await worklist(readerIds[0], '?sort=label&limit=10&offset=0');
      const page2 = await worklist(readerIds[0], '?sort=label&limit=10&offset=10');
      expect(page2.body.items[0].label > page1.body.items[9].label).toBe(true);
      const past = await worklist(readerIds[0], '?offset=5000');
      expect(past.body).toEqual({ total: 1000, items: [] });
      expect((await worklist(readerIds[0], '?state=done')).status).toBe(400);
      expect((await worklist(readerIds[0], '?sort=password_hash')).status).toBe(400);
    });

    // How fast is measured by `npm run bench -- server` (worklist_ms), not asserted here.
    it('gives every one of the 20 readers exactly their own 1,000 cases in one page', async () => {
      for (const id of readerIds) {
        const all = await worklist(id, '?limit=1000&sort=-assignedAt');
        expect(all.status).toBe(200);
        expect(all.body.total).toBe(CASES * 2 / READERS);
        const theirs = (await db.query<{ case_id: number }>('SELECT case_id FROM assignments WHERE user_id = $1', [id])).rows.map((r) => r.case_id);
        expect(all.body.items.map((item) => item.caseId).sort((a, b) => a - b)).toEqual(theirs.sort((a, b) => a - b));
      }
    });

    it('refuses a caller without a session', async () => {
      expect((await app.inject({ method: 'GET', url: '/api/worklist' })).statusCode).toBe(401);
    });
  });
}

suite('PGlite');
suite('PostgreSQL');
