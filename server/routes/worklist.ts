// GET /api/worklist: the caller's assigned cases (server/study/worklist.ts has the states).
//   ?state=new,in_progress  &study=ID  &q=label text  &sort=state,-assignedAt  &limit=100  &offset=0
// -> WorklistPage (src/model/api.ts)
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireUser } from '../identity/requireUser.ts';
import type { User } from '../identity/users.ts';
import { parseWorklistQuery, readWorklist } from '../study/worklist.ts';
import type { SeriesMetadataCache } from '../gateway/seriesMetadataCache.ts';

/** Cases of a worklist page whose series metadata is fetched ahead: the ones the reader opens next. */
const WARM_NEXT = 2;

export async function worklistRoutes(app: FastifyInstance, opts: { metadataCache?: SeriesMetadataCache }): Promise<void> {
  app.get('/worklist', { onRequest: requireUser() }, async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply) => {
    const query = parseWorklistQuery(request.query);
    if ('error' in query) return reply.code(400).send({ error: query.error });
    const page = await readWorklist(app.identity.db, (request.user as User).id, query);
    // The reader's own assigned CTs only, which they may open: warming tells nobody anything.
    const host = request.headers.host;
    if (opts.metadataCache && host) {
      for (const item of page.items.filter((i) => i.state !== 'submitted').slice(0, WARM_NEXT)) opts.metadataCache.warm(host, item.studyInstanceUid, item.seriesInstanceUid);
    }
    return page;
  });
}
