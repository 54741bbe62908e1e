// Guards routes: `{ onRequest: requireUser() }` (or as a preHandler, or a plugin's hook) lets a
// request through only with a live session, a matching x-csrf-token header when it changes
// something, and, when roles are given, one of those roles. It leaves the caller on
// request.user and request.session.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Identity } from './identity.ts';
import { SESSION_COOKIE, clearedSessionCookie, isSecureRequest, readCookie } from './sessionCookie.ts';
import type { Session } from './sessions.ts';
import type { Role } from '../../src/model/api.ts';
import type { User } from './users.ts';

declare module 'fastify' {
  interface FastifyInstance {
    identity: Identity;
  }
  interface FastifyRequest {
    user: User | null;
    session: Session | null;
  }
}

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sessionToken(request: FastifyRequest): string | null {
  return readCookie(request.headers.cookie, SESSION_COOKIE);
}

/** Constant-time comparison of a header with the session's CSRF token. */
export function csrfMatches(header: string | string[] | undefined, expected: string): boolean {
  if (typeof header !== 'string' || header.length === 0) return false;
  const a = createHash('sha256').update(header).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function requireUser(roles?: readonly Role[]): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async function requireUserHook(request, reply) {
    const token = sessionToken(request);
    const found = await request.server.identity.sessions.resolve(token);
    if (!found) {
      // A cookie that no longer opens anything is dropped, so the browser stops sending it.
      if (token !== null) void reply.header('set-cookie', clearedSessionCookie({ secure: isSecureRequest(request.protocol) }));
      return reply.code(401).send({ error: 'not logged in' });
    }
    if (!SAFE_METHODS.has(request.method) && !csrfMatches(request.headers[CSRF_HEADER], found.session.csrfToken)) {
      return reply.code(403).send({ error: `missing or wrong ${CSRF_HEADER} header` });
    }
    if (roles && !roles.includes(found.user.role)) {
      return reply.code(403).send({ error: 'your role does not allow this' });
    }
    request.user = found.user;
    request.session = found.session;
  };
}
