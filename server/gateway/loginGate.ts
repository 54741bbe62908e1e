// config.requireLogin: every /api and /dicom-web route but /api/health and /api/auth/login needs a
// live session (401), and a state-changing request its x-csrf-token (403). Decided on the route
// Fastify matched, not on the URL text, so that no spelling of a path (percent-encoded letters,
// dot segments) gets past it.
//
// DICOMweb requests come by the hundred per opened series; their session is looked up in the
// database at most once per SESSION_CACHE_MS per token. A logout, or an admin's change to
// accounts, clears the cache of this process at once, and of every replica when `shared` is set
// (replicas on one PostgreSQL, db/invalidationBus.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_HEADER, csrfMatches, requireUser, sessionToken } from '../identity/requireUser.ts';
import { clearedSessionCookie, isSecureRequest } from '../identity/sessionCookie.ts';
import { type Session, sessionState } from '../identity/sessions.ts';
import type { User } from '../identity/users.ts';
import type { SharedInvalidation } from './accessFacts.ts';

export const SESSION_CACHE_MS = 5_000;
const MAX_CACHED = 10_000;
const PUBLIC_ROUTES = new Set(['/api/health', '/api/auth/login']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

type Found = { session: Session; user: User } | null;

/** Session lookups by token, kept SESSION_CACHE_MS. The lookup itself is kept (a promise), so the
 * frames a viewer asks for at once, when the entry has expired, wait for one query together. */
export class SessionCache {
  shared: SharedInvalidation | null = null;
  private readonly entries = new Map<string, { found: Promise<Found>; at: number }>();

  get(token: string, nowMs: number): Promise<Found> | null {
    if (this.shared && !this.shared.live()) return null;
    const hit = this.entries.get(token);
    if (!hit) return null;
    if (nowMs - hit.at >= SESSION_CACHE_MS) {
      this.entries.delete(token);
      return null;
    }
    return hit.found;
  }

  set(token: string, found: Promise<Found>, nowMs: number): void {
    if (this.entries.size >= MAX_CACHED) this.entries.clear();
    const entry = { found, at: nowMs };
    this.entries.set(token, entry);
    // No session (a made-up or ended token) and failed lookups are not remembered.
    const forget = () => {
      if (this.entries.get(token) === entry) this.entries.delete(token);
    };
    found.then((f) => f ?? forget(), forget);
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  clear(): void {
    this.entries.clear();
  }
}

export function gatedRoute(route: string | undefined): 'open' | 'api' | 'dicomweb' {
  if (!route || PUBLIC_ROUTES.has(route)) return 'open';
  if (route === '/api' || route.startsWith('/api/')) return 'api';
  if (route === '/dicom-web' || route.startsWith('/dicom-web/')) return 'dicomweb';
  return 'open';
}

export function loginGate(app: FastifyInstance): SessionCache {
  const cache = new SessionCache();
  const uncached = requireUser();

  const cachedGate = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { identity } = request.server;
    const token = sessionToken(request);
    const now = identity.clock();
    let found: Found = null;
    const cached = token ? cache.get(token, now.getTime()) : null;
    if (cached) {
      found = await cached;
      // Expired while cached (idle or absolute): ask the database, which has the last word.
      if (found && sessionState(found.session, now, identity.sessions.policy) !== 'active') {
        cache.delete(token!);
        found = null;
      }
    }
    if (!found) {
      const lookup = identity.sessions.resolve(token);
      if (token) cache.set(token, lookup, now.getTime());
      found = await lookup;
    }
    if (!found) {
      if (token !== null) void reply.header('set-cookie', clearedSessionCookie({ secure: isSecureRequest(request.protocol) }));
      return reply.code(401).send({ error: 'not logged in' });
    }
    if (!SAFE_METHODS.has(request.method) && !csrfMatches(request.headers[CSRF_HEADER], found.session.csrfToken)) {
      return reply.code(403).send({ error: `missing or wrong ${CSRF_HEADER} header` });
    }
    request.user = found.user;
    request.session = found.session;
  };

  app.addHook('onRequest', async (request, reply) => {
    const gate = gatedRoute(request.routeOptions.url);
    if (gate === 'dicomweb') return cachedGate(request, reply);
    if (gate === 'api') return uncached(request, reply);
  });
  // Sessions may have ended: logout, password reset, disabled account, revoked sessions. Before
  // the answer is sent, so that no replica honours the ended session once the client knows.
  app.addHook('onSend', async (request, reply, payload) => {
    const route = request.routeOptions.url ?? '';
    if (request.method !== 'GET' && reply.statusCode < 400 && (route === '/api/auth/logout' || route.startsWith('/api/admin/'))) {
      cache.clear();
      // An admin's change may touch more than sessions: every replica drops everything.
      await cache.shared?.announce(route === '/api/auth/logout' ? 'sessions' : 'all');
    }
    return payload;
  });
  return cache;
}
