// De-identified import for admins: /api/import/*. A file is one request with an application/dicom
// body (the admin page and `npm run import` send them one after the other), so a bad file is
// answered on its own and a cut import resumes by sending the same files again.
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessFacts } from '../gateway/accessFacts.ts';
import { requireUser } from '../identity/requireUser.ts';
import { ImportRefusal, readSource } from '../import/deidentify.ts';
import { deidentifyWithKeys } from '../import/deidentifyWithKeys.ts';
import { DbKeyStore } from '../import/importKeys.ts';
import { Importer, orthancStore } from '../import/importer.ts';
import { StudyError } from '../study/studyStore.ts';
import type { NewImport } from '../../src/model/importApi.ts';

export interface ImportRoutesOptions {
  orthancUrl: string;
  access: AccessFacts;
  /** the largest file accepted, bytes */
  fileLimitBytes?: number;
}

const id = { type: 'integer', minimum: 1, maximum: 2 ** 31 - 1 } as const;
const idParams = { type: 'object', required: ['id'], properties: { id } } as const;
type IdRequest = FastifyRequest<{ Params: { id: number } }>;

export async function importRoutes(app: FastifyInstance, opts: ImportRoutesOptions): Promise<void> {
  const db = app.identity.db;
  const keys = new DbKeyStore(db);
  const importer = new Importer(db, keys, orthancStore(opts.orthancUrl));
  // Who may ask comes first, before any body is read.
  app.addHook('onRequest', requireUser(['admin']));
  app.addContentTypeParser('application/dicom', { parseAs: 'buffer', bodyLimit: opts.fileLimitBytes ?? 256 * 1024 * 1024 }, (_request, body, done) => done(null, body));
  app.setErrorHandler((err: FastifyError, _request, reply) => {
    if (err instanceof StudyError) return reply.code(err.status).send({ error: err.message });
    if (err.validation) return reply.code(400).send({ error: err.message });
    if (err.statusCode === 413) return reply.code(413).send({ error: 'the file is larger than the import accepts' });
    if (err.statusCode === 415) return reply.code(415).send({ error: 'send each file with Content-Type: application/dicom' });
    throw err;
  });

  app.post(
    '/import',
    { schema: { body: { type: ['object', 'null'], additionalProperties: false, properties: { studyId: { anyOf: [id, { type: 'null' }] } } } } },
    async (request: FastifyRequest<{ Body: NewImport | null }>, reply) => reply.code(201).send(await importer.start(request.user?.id ?? null, request.body?.studyId ?? null)),
  );

  app.get('/import/:id', { schema: { params: idParams } }, async (request: IdRequest, reply) => {
    const found = await importer.progress(request.params.id);
    return found ?? reply.code(404).send({ error: 'no such import' });
  });

  app.put(
    '/import/:id/files',
    { schema: { params: idParams, querystring: { type: 'object', additionalProperties: false, properties: { name: { type: 'string', maxLength: 1024 } } } } },
    async (request: FastifyRequest<{ Params: { id: number }; Querystring: { name?: string }; Body: Buffer }>, reply) => {
      if (!Buffer.isBuffer(request.body)) return reply.code(415).send({ error: 'send each file with Content-Type: application/dicom' });
      return importer.addFile(request.params.id, request.query.name ?? 'file', new Uint8Array(request.body.buffer, request.body.byteOffset, request.body.byteLength));
    },
  );

  app.post(
    '/import/:id/finish',
    { schema: { params: idParams, body: { type: ['object', 'null'], additionalProperties: false, properties: { studyId: { anyOf: [id, { type: 'null' }] } } } } },
    async (request: FastifyRequest<{ Params: { id: number }; Body: NewImport | null }>) => {
      const summary = await importer.finish(request.params.id, { ip: request.ip, studyId: request.body?.studyId });
      if (summary.seriesResults.some((s) => s.caseId !== null)) await opts.access.invalidate();
      return summary;
    },
  );

  // The same de-identification with the server's keys, answered and not stored (`npm run import
  // -- --deidentify-only OUT`): a site checks what would leave, or de-identifies before sending.
  app.post('/import/deidentify', async (request: FastifyRequest<{ Body: Buffer }>, reply) => {
    if (!Buffer.isBuffer(request.body)) return reply.code(415).send({ error: 'send the file with Content-Type: application/dicom' });
    try {
      const src = readSource(new Uint8Array(request.body.buffer, request.body.byteOffset, request.body.byteLength));
      const { out } = await deidentifyWithKeys(src, keys);
      return reply.type('application/dicom').send(Buffer.from(out.bytes.buffer, out.bytes.byteOffset, out.bytes.byteLength));
    } catch (err) {
      if (err instanceof ImportRefusal) return reply.code(422).send({ error: err.message, reason: err.reason });
      throw err;
    }
  });

  // The mapping an admin may read: pseudonyms and date shifts, by keyed hash (no identity is kept).
  app.get('/import/patients', async () => ({
    patients: (await db.query<{ pseudonym_number: number; date_offset_days: number; created_at: Date }>('SELECT pseudonym_number, date_offset_days, created_at FROM import_patients ORDER BY pseudonym_number')).rows.map((r) => ({
      pseudonym: `CTAW-${String(r.pseudonym_number).padStart(6, '0')}`,
      dateOffsetDays: r.date_offset_days,
      createdAt: r.created_at.toISOString(),
    })),
  }));

  app.get('/import/history', async () => ({
    imports: (await db.query<{ id: number; user_id: number | null; study_id: number | null; started_at: Date; finished_at: Date | null; summary: unknown }>('SELECT * FROM imports ORDER BY id DESC LIMIT 200')).rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      studyId: r.study_id,
      startedAt: r.started_at.toISOString(),
      finishedAt: r.finished_at?.toISOString() ?? null,
      summary: r.summary,
    })),
  }));
}
