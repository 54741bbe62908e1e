// GET /api/worklist: the caller's assigned cases (server/study/worklist.ts has the states).
//   ?state=new,in_progress  &study=ID  &q=label text  &sort=state,-assignedAt  &limit=100  &offset=0
// -> WorklistPage (src/model/api.ts)
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireUser } from '../identity/requireUser.ts';
import type { User } from '../identity/users.ts';
import { parseWorklistQuery, readWorklist } from '../study/worklist.ts';

export async function worklistRoutes(app: FastifyInstance): Promise<void> {
  app.get('/worklist', { onRequest: requireUser() }, async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply) => {
    const query = parseWorklistQuery(request.query);
    if ('error' in query) return reply.code(400).send({ error: query.error });
    return readWorklist(app.identity.db, (request.user as User).id, query);
  });
}
