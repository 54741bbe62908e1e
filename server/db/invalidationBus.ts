// Replicas of the gateway on one PostgreSQL server (npm run cluster, docs/DEPLOY.md) each keep
// caches of what the tables say (access facts, DICOMweb sessions). A change made through one
// replica is announced with NOTIFY, and every replica drops its caches when it hears it, so that a
// result stored through replica 1 is never judged from replica 2's older facts. NOTIFY is sent to
// listeners when the announcing statement commits, but each listening backend passes it on to its
// replica when it gets to it, which may be after the announcing replica has its answer (a logout
// on replica 2 then still honoured by replica 1 for a moment: seen in 1 of 3 cluster test runs).
// So the announcer waits until its own listener has heard its message: PostgreSQL signals every
// listener at commit, so by then the others have it on their socket too. While the listening
// connection is down nothing can be heard, so the caches are not used at all (live() is false)
// until it is back and has listened again.
// Each announcement names what changed (a scope), so that a replica drops only the caches that
// change can make wrong: a stored result (several a second in a busy study) must not drop every
// reader's session and every CT's access facts on every replica, which sent frame requests back
// to the database after each store. A message without a scope this version knows drops everything.
// PGlite needs none of this: it is one process (its data folder is locked, db/dataDirLock.ts).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Queryable } from './database.ts';

const CHANNEL = 'ctaw_invalidate';
const RECONNECT_MS = 1_000;
// The longest an announcer waits to hear its own message (a listener that lost its connection
// meanwhile drops every cache anyway).
const ECHO_WAIT_MS = 2_000;

/**
 * What an announcement says changed: sessions (a logout, an account changed), access (cases or
 * assignments), results (a result stored or removed), or everything (an admin's change, a lost
 * connection: what was announced meanwhile is not known).
 */
export type InvalidationScope = 'sessions' | 'access' | 'results' | 'all';
const SCOPES: ReadonlySet<string> = new Set<InvalidationScope>(['sessions', 'access', 'results', 'all']);

/** The NOTIFY payload of an announcement. */
export function announcement(scope: InvalidationScope, id: string): string {
  return `${scope}:${id}`;
}

/** The scope and id of a NOTIFY payload; one without a known scope is read as everything. */
export function parseAnnouncement(payload: string): { scope: InvalidationScope; id: string } {
  const colon = payload.indexOf(':');
  const scope = colon < 0 ? '' : payload.slice(0, colon);
  return SCOPES.has(scope) ? { scope: scope as InvalidationScope, id: payload.slice(colon + 1) } : { scope: 'all', id: payload };
}

export class InvalidationBus {
  private client: pg.Client | null = null;
  private listening = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  private readonly awaitingEcho = new Map<string, () => void>();

  private constructor(
    private readonly url: string,
    private readonly onInvalidate: (scope: InvalidationScope) => void,
  ) {}

  /** Listens before it returns: a replica that cannot listen must not start with caches on. */
  static async start(url: string, onInvalidate: (scope: InvalidationScope) => void): Promise<InvalidationBus> {
    const bus = new InvalidationBus(url, onInvalidate);
    try {
      await bus.connect();
    } catch (err) {
      await bus.close();
      throw err;
    }
    return bus;
  }

  /** Whether caches may be used: a message sent now would be heard. */
  live(): boolean {
    return this.listening;
  }

  /** Tells every replica (this one too) to drop what `scope` may have made wrong; resolves once this
   * replica heard it. */
  async announce(db: Queryable, scope: InvalidationScope): Promise<void> {
    const id = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const heard = this.listening
      ? new Promise<void>((resolve) => {
          this.awaitingEcho.set(id, resolve);
          timer = setTimeout(resolve, ECHO_WAIT_MS);
        })
      : Promise.resolve();
    try {
      await db.query('SELECT pg_notify($1, $2)', [CHANNEL, announcement(scope, id)]);
      await heard;
    } finally {
      clearTimeout(timer);
      this.awaitingEcho.delete(id);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    if (this.retry) clearTimeout(this.retry);
    for (const resolve of this.awaitingEcho.values()) resolve();
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000 });
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      this.listening = false;
      for (const resolve of this.awaitingEcho.values()) resolve();
      // What was announced meanwhile is lost: nothing cached before may be trusted.
      this.onInvalidate('all');
      client.end().catch(() => undefined);
      if (!this.closed) this.retry = setTimeout(() => void this.connect().catch(() => undefined), RECONNECT_MS);
    };
    this.client = client;
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL) return;
      const { scope, id } = parseAnnouncement(msg.payload ?? '');
      this.onInvalidate(scope);
      this.awaitingEcho.get(id)?.();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      lost();
      throw err;
    }
    this.listening = true;
    this.onInvalidate('all');
  }
}
