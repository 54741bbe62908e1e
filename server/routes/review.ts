// A lead's review: /api/review/queue, /api/cases/:id/agreement, /api/cases/:id/review and
// /api/studies/:id/agreement (server/API.md, "Lead review"). The agreement figures are computed
// in the lead's browser and kept here with the versions of the reads they came from; the
// consensus read is a lead's STOW (server/gateway/blindedStore.ts marks it). Leads only, but for
// the queue, which an admin may read without any result's identity.
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { CaseAgreementAnswer, ReviewQueue, StudyAgreement } from '../../src/model/api.ts';
import { requireUser } from '../identity/requireUser.ts';
import type { User } from '../identity/users.ts';
import { AGREEMENT_MAX_BYTES, parseCaseAgreement, sameVersions } from '../study/reviewAgreement.ts';
import { parseQueueQuery, queueItem, reviewCase, reviewQueue, studyAgreements, type ReviewCase } from '../study/reviewQueue.ts';
import { keepAgreement, openReview } from '../study/reviewStore.ts';
import { StudyError, getCase, getStudy } from '../study/studyStore.ts';

const id = { type: 'integer', minimum: 1, maximum: 2 ** 31 - 1 } as const;
const idParams = { type: 'object', required: ['id'], properties: { id } } as const;

const LEAD = ['lead'] as const;
const LEAD_OR_ADMIN = ['lead', 'admin'] as const;

export const NOT_COMPLETE = 'the reads of this case are not all in yet: its review opens once every assigned reader has submitted';
export const STALE_VERSIONS = 'the reads changed since: recompute';

type IdRequest = FastifyRequest<{ Params: { id: number } }>;

export async function reviewRoutes(app: FastifyInstance): Promise<void> {
  const db = app.identity.db;
  const clock = app.identity.clock;
  app.setErrorHandler((err: FastifyError, _request, reply) => {
    if (err instanceof StudyError) return reply.code(err.status).send({ error: err.message });
    if (err.validation) return reply.code(400).send({ error: err.message });
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: `an agreement is at most ${AGREEMENT_MAX_BYTES / 1024 / 1024} MB` });
    // The body parser's own refusals (not JSON, unreadable JSON, an empty JSON body).
    if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) return reply.code(err.statusCode).send({ error: err.message });
    throw err;
  });

  /** The case, complete: 404 when there is no such case, 409 when its reads are not all in. */
  async function completeCase(caseId: number): Promise<ReviewCase> {
    if (!(await getCase(db, caseId))) throw new StudyError(404, 'no such case');
    const found = await reviewCase(db, caseId);
    if (!found) throw new StudyError(409, NOT_COMPLETE);
    return found;
  }

  app.get('/review/queue', { onRequest: requireUser(LEAD_OR_ADMIN) }, async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply) => {
    const query = parseQueueQuery(request.query);
    if ('error' in query) return reply.code(400).send({ error: query.error });
    const role = (request.user as User).role === 'lead' ? 'lead' : 'admin';
    const answer: ReviewQueue = { items: (await reviewQueue(db, query)).map((c) => queueItem(c, role)) };
    return answer;
  });

  app.get('/cases/:id/agreement', { onRequest: requireUser(LEAD), schema: { params: idParams } }, async (request: IdRequest): Promise<CaseAgreementAnswer> => {
    const found = await completeCase(request.params.id);
    return { versions: found.versions, agreement: found.agreement };
  });

  // No body schema: reviewAgreement.ts reads it strictly (Fastify's would coerce and drop fields).
  app.put(
    '/cases/:id/agreement',
    { onRequest: requireUser(LEAD), schema: { params: idParams }, bodyLimit: AGREEMENT_MAX_BYTES },
    async (request: FastifyRequest<{ Params: { id: number }; Body: unknown }>, reply) => {
      const found = await completeCase(request.params.id);
      const parsed = parseCaseAgreement(request.body, { caseId: found.caseId, readerIds: found.versions.map((v) => v.userId) });
      if ('error' in parsed) return reply.code(400).send({ error: parsed.error });
      if (!sameVersions(parsed.agreement.versions, found.versions)) return reply.code(409).send({ error: STALE_VERSIONS });
      const by = { userId: (request.user as User).id, at: clock(), ip: request.ip };
      await db.transaction((tx) => keepAgreement(tx, parsed.agreement, by));
      const answer: CaseAgreementAnswer = { versions: found.versions, agreement: parsed.agreement };
      return answer;
    },
  );

  app.post('/cases/:id/review', { onRequest: requireUser(LEAD), schema: { params: idParams } }, async (request: FastifyRequest<{ Params: { id: number }; Body: unknown }>, reply) => {
    const body = request.body as Record<string, unknown> | null | undefined;
    const valid = typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 1 && body.state === 'in_review';
    if (!valid) return reply.code(400).send({ error: 'the body is {"state":"in_review"}' });
    const found = await completeCase(request.params.id);
    const by = { userId: (request.user as User).id, at: clock(), ip: request.ip };
    await db.transaction((tx) => openReview(tx, found.caseId, by));
    return reply.code(204).send();
  });

  app.get('/studies/:id/agreement', { onRequest: requireUser(LEAD), schema: { params: idParams } }, async (request: IdRequest): Promise<StudyAgreement> => {
    if (!(await getStudy(db, request.params.id))) throw new StudyError(404, 'no such study');
    return { cases: await studyAgreements(db, request.params.id) };
  });
}
