// What the benchmarks that need a gateway asking for a login share: one in process (embedded
// PGlite, in memory), its accounts, and a logged-in session's calls.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../server/app.ts';
import { openDatabase, type Database } from '../server/db/database.ts';
import { createAccount } from '../server/identity/accounts.ts';
import type { Role } from '../src/model/api.ts';

export interface Session {
  cookie: string;
  csrf: string;
}

export interface BenchGateway {
  app: FastifyInstance;
  db: Database;
  base: string;
  /** makes an account; its id */
  account: (username: string, role: Role, password: string) => Promise<number>;
  close: () => Promise<void>;
}

export async function benchGateway(orthancUrl: string, distDir: string | null = null): Promise<BenchGateway> {
  const db = await openDatabase({ url: null, pgliteDir: null });
  const app = await buildApp({ host: '127.0.0.1', port: 0, orthancUrl, distDir, upstreamTimeoutMs: 30_000, requireLogin: true }, { db });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const actor = { userId: null, ip: null, via: 'cli' } as const;
  return {
    app,
    db,
    base,
    account: async (username, role, password) => (await createAccount(app.identity, actor, { username, displayName: username, role, password })).user.id,
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}

export async function login(base: string, username: string, password: string): Promise<Session> {
  const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (!res.ok) throw new Error(`login ${username}: ${res.status}`);
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

export async function post(base: string, s: Session, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** STOW-RS of Part 10 objects as a session; throws unless stored. */
export async function stowAs(base: string, s: Session, objects: Uint8Array[]): Promise<void> {
  const boundary = `ctaw-bench-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const parts: Uint8Array[] = [];
  for (const o of objects) parts.push(new TextEncoder().encode(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), o, new TextEncoder().encode('\r\n'));
  parts.push(new TextEncoder().encode(`--${boundary}--\r\n`));
  const res = await fetch(`${base}/dicom-web/studies`, { method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`, accept: 'application/dicom+json' }, body: new Blob(parts as BlobPart[]) });
  if (!res.ok) throw new Error(`STOW: ${res.status} ${await res.text()}`);
}
