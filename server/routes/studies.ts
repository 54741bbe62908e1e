// The reading study API: /api/studies/*, /api/cases/*. Admins set studies up (cases, readers);
// leads follow progress and see the reads of a case once all its readers have submitted; readers
// get their study's form and segments, and say when they open a case. Every change is audited.
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { AddedCases, AssignmentOutcome, CaseAudit, CaseReads, NewCase, NewStudy, ReaderStudy, Study, StudyCases, StudyList, StudyProgress } from '../../src/model/api.ts';
import type { AccessFacts } from '../gateway/accessFacts.ts';
import { requireUser } from '../identity/requireUser.ts';
import type { User } from '../identity/users.ts';
import { ctSeriesProblem } from '../study/archiveCheck.ts';
import { auditForRole } from '../study/auditView.ts';
import { caseTarget, writeStudyAudit } from '../study/studyAudit.ts';
import {
  StudyError,
  addAssignment,
  addCases,
  assignUnassigned,
  caseAudit,
  caseReads,
  createStudy,
  getCase,
  getStudy,
  isAssigned,
  listStudies,
  markOpened,
  readerInStudy,
  removeAssignment,
  studyProgress,
} from '../study/studyStore.ts';

export interface StudyRoutesOptions {
  orthancUrl: string;
  access: AccessFacts;
}

const id = { type: 'integer', minimum: 1, maximum: 2 ** 31 - 1 } as const;
const idParams = { type: 'object', required: ['id'], properties: { id } } as const;
const uid = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)*$', maxLength: 64 } as const;

const ADMIN = ['admin'] as const;
const LEAD_OR_ADMIN = ['lead', 'admin'] as const;

type IdRequest = FastifyRequest<{ Params: { id: number } }>;

export async function studyRoutes(app: FastifyInstance, opts: StudyRoutesOptions): Promise<void> {
  const db = app.identity.db;
  const clock = app.identity.clock;
  app.setErrorHandler((err: FastifyError, _request, reply) => {
    if (err instanceof StudyError) return reply.code(err.status).send({ error: err.message });
    if (err.validation) return reply.code(400).send({ error: err.message });
    throw err;
  });
  const audit = (request: FastifyRequest, action: Parameters<typeof writeStudyAudit>[1]['action'], target: string, detail?: Record<string, unknown>) =>
    writeStudyAudit(db, { userId: (request.user as User).id, action, target, detail, ip: request.ip });

  app.get('/studies', { onRequest: requireUser(LEAD_OR_ADMIN) }, async (): Promise<StudyList> => ({ studies: await listStudies(db) }));

  app.post(
    '/studies',
    {
      onRequest: requireUser(ADMIN),
      schema: {
        body: {
          type: 'object',
          required: ['name'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            formSchema: { type: 'object' },
            segmentList: { type: 'array' },
            readersPerCase: { type: 'integer', minimum: 1, maximum: 50 },
            seed: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
      },
    },
    async (request: FastifyRequest<{ Body: NewStudy }>, reply) => {
      const b = request.body;
      const study = await createStudy(db, {
        name: b.name.trim(),
        formSchema: b.formSchema ?? {},
        segmentList: b.segmentList ?? [],
        readersPerCase: b.readersPerCase ?? 2,
        seed: b.seed ?? crypto.randomUUID(),
      });
      await audit(request, 'study.create', `study:${study.id}`, { name: study.name, readersPerCase: study.readersPerCase });
      const answer: { study: Study } = { study };
      return reply.code(201).send(answer);
    },
  );

  // Readers get what they need to read (form, segments) for a study they have cases in; the same
  // 404 as for a study that does not exist otherwise.
  app.get('/studies/:id', { onRequest: requireUser(), schema: { params: idParams } }, async (request: IdRequest, reply) => {
    const user = request.user as User;
    const study = await getStudy(db, request.params.id);
    if (!study || (user.role === 'reader' && !(await readerInStudy(db, user.id, study.id)))) return reply.code(404).send({ error: 'no such study' });
    const answer: { study: Study | ReaderStudy } =
      user.role === 'reader' ? { study: { id: study.id, name: study.name, formSchema: study.formSchema, segmentList: study.segmentList } } : { study };
    return answer;
  });

  app.post(
    '/studies/:id/cases',
    {
      onRequest: requireUser(ADMIN),
      schema: {
        params: idParams,
        body: {
          type: 'object',
          required: ['cases'],
          additionalProperties: false,
          properties: {
            cases: {
              type: 'array',
              minItems: 1,
              maxItems: 1000,
              items: {
                type: 'object',
                required: ['studyInstanceUid', 'seriesInstanceUid'],
                additionalProperties: false,
                properties: { studyInstanceUid: uid, seriesInstanceUid: uid, label: { type: 'string', minLength: 1, maxLength: 100 } },
              },
            },
          },
        },
      },
    },
    async (request: FastifyRequest<{ Params: { id: number }; Body: { cases: NewCase[] } }>, reply) => {
      if (!(await getStudy(db, request.params.id))) throw new StudyError(404, 'no such study');
      // Each series must be a CT series in Orthanc (checked a few at a time).
      const problems: string[] = [];
      const list = request.body.cases;
      for (let i = 0; i < list.length; i += 8) {
        const found = await Promise.all(list.slice(i, i + 8).map((c) => ctSeriesProblem(opts.orthancUrl, c.studyInstanceUid, c.seriesInstanceUid)));
        problems.push(...found.filter((p): p is string => p !== null));
      }
      if (problems.length) return reply.code(400).send({ error: problems[0], problems });
      const added = await addCases(db, request.params.id, list);
      for (const c of added) await audit(request, 'case.add', caseTarget(c.id), { studyId: c.studyId, label: c.label, seriesInstanceUid: c.seriesInstanceUid });
      await opts.access.invalidate();
      const answer: AddedCases = { cases: added };
      return reply.code(201).send(answer);
    },
  );

  app.get('/studies/:id/cases', { onRequest: requireUser(LEAD_OR_ADMIN), schema: { params: idParams } }, async (request: IdRequest): Promise<StudyCases> => {
    if (!(await getStudy(db, request.params.id))) throw new StudyError(404, 'no such study');
    return { cases: (await studyProgress(db, request.params.id)).cases };
  });

  app.get('/studies/:id/progress', { onRequest: requireUser(LEAD_OR_ADMIN), schema: { params: idParams } }, async (request: IdRequest): Promise<StudyProgress> => {
    if (!(await getStudy(db, request.params.id))) throw new StudyError(404, 'no such study');
    return studyProgress(db, request.params.id);
  });

  app.post(
    '/studies/:id/assignments',
    {
      onRequest: requireUser(ADMIN),
      schema: {
        params: idParams,
        body: {
          type: ['object', 'null'],
          additionalProperties: false,
          properties: { readerIds: { type: 'array', items: id, minItems: 1, maxItems: 10_000 }, seed: { type: 'string', minLength: 1, maxLength: 200 } },
        },
      },
    },
    async (request: FastifyRequest<{ Params: { id: number }; Body: { readerIds?: number[]; seed?: string } | null }>): Promise<AssignmentOutcome> => {
      const done = await assignUnassigned(db, request.params.id, { readerIds: request.body?.readerIds ?? null, seed: request.body?.seed });
      await audit(request, 'assignment.plan', `study:${request.params.id}`, { seed: done.seed, assignments: done.assigned, cases: done.plan.length });
      await opts.access.invalidate();
      return { assigned: done.assigned, seed: done.seed, plan: done.plan };
    },
  );

  app.post(
    '/cases/:id/assignments',
    {
      onRequest: requireUser(ADMIN),
      schema: { params: idParams, body: { type: 'object', required: ['userId'], additionalProperties: false, properties: { userId: id } } },
    },
    async (request: FastifyRequest<{ Params: { id: number }; Body: { userId: number } }>, reply) => {
      const added = await addAssignment(db, request.params.id, request.body.userId);
      if (added) await audit(request, 'assignment.add', caseTarget(request.params.id), { userId: request.body.userId });
      await opts.access.invalidate();
      return reply.code(added ? 201 : 200).send({ caseId: request.params.id, userId: request.body.userId, added });
    },
  );

  app.delete(
    '/cases/:id/assignments/:userId',
    { onRequest: requireUser(ADMIN), schema: { params: { type: 'object', required: ['id', 'userId'], properties: { id, userId: id } } } },
    async (request: FastifyRequest<{ Params: { id: number; userId: number } }>, reply) => {
      await removeAssignment(db, request.params.id, request.params.userId);
      await audit(request, 'assignment.remove', caseTarget(request.params.id), { userId: request.params.userId });
      await opts.access.invalidate();
      return reply.code(204).send();
    },
  );

  // Who has submitted; the result series only once everyone has, and only to a lead.
  app.get('/cases/:id/reads', { onRequest: requireUser(LEAD_OR_ADMIN), schema: { params: idParams } }, async (request: IdRequest): Promise<CaseReads> => {
    if (!(await getCase(db, request.params.id))) throw new StudyError(404, 'no such case');
    return caseReads(db, request.params.id, (request.user as User).role === 'lead');
  });

  // The browser calls this when it opens a case: the audit log's "case open", and the worklist's
  // "in progress" from the first one on. A reader not assigned gets the 404 of a missing case.
  app.post('/cases/:id/opened', { onRequest: requireUser(['reader', 'lead']), schema: { params: idParams } }, async (request: IdRequest, reply) => {
    const user = request.user as User;
    const found = await getCase(db, request.params.id);
    if (!found || (user.role === 'reader' && !(await isAssigned(db, found.id, user.id)))) throw new StudyError(404, 'no such case');
    if (user.role === 'reader') await markOpened(db, found.id, user.id, clock());
    await audit(request, 'case.open', caseTarget(found.id), { studyInstanceUid: found.studyInstanceUid, seriesInstanceUid: found.seriesInstanceUid });
    return reply.code(204).send();
  });

  app.get('/cases/:id/audit', { onRequest: requireUser(LEAD_OR_ADMIN), schema: { params: idParams } }, async (request: IdRequest): Promise<CaseAudit> => {
    if (!(await getCase(db, request.params.id))) throw new StudyError(404, 'no such case');
    const { complete } = await caseReads(db, request.params.id, false);
    return { entries: auditForRole(await caseAudit(db, request.params.id), { role: (request.user as User).role, caseComplete: complete }) };
  });
}
