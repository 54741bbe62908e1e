// Account administration for admins: /api/admin/*. Every change is in the audit log.
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { type Actor, AccountError, createAccount, resetPassword, revokeSessions, setDisabled } from '../identity/accounts.ts';
import { requireUser } from '../identity/requireUser.ts';
import { ROLES, type AdminUser, type NewUser, type UserChange, type UserList, type UserSessionsChange } from '../../src/model/api.ts';
import type { User } from '../identity/users.ts';

function adminUser(user: User): AdminUser {
  return { id: user.id, username: user.username, displayName: user.displayName, role: user.role, disabled: user.disabled, createdAt: user.createdAt.toISOString() };
}

function actor(request: FastifyRequest): Actor {
  return { userId: request.user?.id ?? null, ip: request.ip, via: 'api' };
}

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const password = { type: 'string', minLength: 1, maxLength: 1024 } as const;

export async function adminRoutes(app: FastifyInstance): Promise<void> {
  // On request, before the body is read or checked: who may ask comes first.
  app.addHook('onRequest', requireUser(['admin']));
  app.setErrorHandler((err: FastifyError, _request, reply) => {
    if (err instanceof AccountError) return reply.code(err.status).send({ error: err.message });
    if (err.validation) return reply.code(400).send({ error: err.message });
    throw err;
  });

  app.get('/users', async (): Promise<UserList> => ({ users: (await app.identity.users.list()).map(adminUser) }));

  app.post(
    '/users',
    {
      schema: {
        body: {
          type: 'object',
          required: ['username', 'displayName', 'role'],
          additionalProperties: false,
          properties: { username: { type: 'string', minLength: 1, maxLength: 64 }, displayName: { type: 'string', minLength: 1, maxLength: 200 }, role: { enum: [...ROLES] }, password },
        },
      },
    },
    async (request: FastifyRequest<{ Body: NewUser }>, reply) => {
      const created = await createAccount(app.identity, actor(request), request.body);
      const answer: UserChange = { user: adminUser(created.user), ...(created.password ? { password: created.password } : {}) };
      return reply.code(201).send(answer);
    },
  );

  app.post(
    '/users/:id/password',
    { schema: { params: idParams, body: { type: ['object', 'null'], additionalProperties: false, properties: { password } } } },
    async (request: FastifyRequest<{ Params: { id: number }; Body: { password?: string } | null }>): Promise<UserSessionsChange> => {
      const done = await resetPassword(app.identity, actor(request), request.params.id, request.body?.password);
      return { user: adminUser(done.user), revokedSessions: done.revoked, ...(done.password ? { password: done.password } : {}) };
    },
  );

  app.post(
    '/users/:id/disable',
    { schema: { params: idParams, body: { type: ['object', 'null'], additionalProperties: false, properties: { disabled: { type: 'boolean' } } } } },
    async (request: FastifyRequest<{ Params: { id: number }; Body: { disabled?: boolean } | null }>): Promise<UserSessionsChange> => {
      const done = await setDisabled(app.identity, actor(request), request.params.id, request.body?.disabled ?? true);
      return { user: adminUser(done.user), revokedSessions: done.revoked };
    },
  );

  app.post('/users/:id/revoke-sessions', { schema: { params: idParams } }, async (request: FastifyRequest<{ Params: { id: number } }>): Promise<UserSessionsChange> => {
    const done = await revokeSessions(app.identity, actor(request), request.params.id);
    return { user: adminUser(done.user), revokedSessions: done.revoked };
  });
}
