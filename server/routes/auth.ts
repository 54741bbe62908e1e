// Login, logout and "who am I": /api/auth/*.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClientSession, ClientSessionStatus, SessionUser } from '../../src/model/api.ts';
import { writeAudit } from '../identity/audit.ts';
import { requireUser } from '../identity/requireUser.ts';
import { clearedSessionCookie, isSecureRequest, sessionCookie } from '../identity/sessionCookie.ts';
import type { Session } from '../identity/sessions.ts';
import type { User } from '../identity/users.ts';

const WRONG = 'wrong user name or password';

export function publicUser(user: User): SessionUser {
  return { id: user.id, username: user.username, displayName: user.displayName, role: user.role };
}

const loginSchema = {
  body: {
    type: 'object',
    required: ['username', 'password'],
    additionalProperties: false,
    properties: {
      username: { type: 'string', minLength: 1, maxLength: 128 },
      password: { type: 'string', minLength: 1, maxLength: 1024 },
    },
  },
} as const;

export async function authRoutes(app: FastifyInstance): Promise<void> {
  // The body must be a JSON object: a cross-site HTML form can only send urlencoded or multipart
  // bodies (refused, 415) or text/plain (a string, refused by the schema, 400). That keeps the
  // login, the one state-changing request without a session, from being forged by another site.
  app.post('/login', { schema: loginSchema }, async (request: FastifyRequest<{ Body: { username: string; password: string } }>, reply: FastifyReply) => {
    const { identity } = app;
    const result = await identity.provider.authenticate(request.body);
    if (!result.ok) {
      await writeAudit(identity.db, {
        userId: null,
        action: 'login.failure',
        target: result.userId === null ? null : `user:${result.userId}`,
        detail: { username: request.body.username.slice(0, 128), why: result.why },
        ip: request.ip,
      });
      if (result.why === 'locked') {
        const minutes = Math.max(1, Math.ceil((result.retryAfterMs ?? 60_000) / 60_000));
        void reply.header('retry-after', String(Math.ceil((result.retryAfterMs ?? 60_000) / 1000)));
        return reply.code(429).send({ error: `too many failed logins for this user name; try again in ${minutes} minute${minutes === 1 ? '' : 's'}` });
      }
      return reply.code(401).send({ error: WRONG });
    }
    const { token, session } = await identity.sessions.create(result.user.id);
    await writeAudit(identity.db, { userId: result.user.id, action: 'login.success', target: `user:${result.user.id}`, ip: request.ip });
    void reply.header('set-cookie', sessionCookie(token, identity.sessions.policy.maxAgeMs / 1000, { secure: isSecureRequest(request.protocol) }));
    const answer: ClientSession = { user: publicUser(result.user), csrfToken: session.csrfToken };
    return answer;
  });

  app.post('/logout', { onRequest: requireUser() }, async (request, reply) => {
    const session = request.session as Session;
    await app.identity.sessions.revoke(session.id);
    await writeAudit(app.identity.db, { userId: session.userId, action: 'logout', target: `user:${session.userId}`, ip: request.ip });
    return reply.header('set-cookie', clearedSessionCookie({ secure: isSecureRequest(request.protocol) })).code(204).send();
  });

  app.get('/session', { onRequest: requireUser() }, async (request): Promise<ClientSessionStatus> => {
    const session = request.session as Session;
    return { user: publicUser(request.user as User), csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
  });
}
