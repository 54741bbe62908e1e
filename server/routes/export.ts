// GET /api/studies/:id/export (server/API.md, "Research dataset export"): a lead's download of the
// study's research dataset as one zip, made by the same code as `npm run export`
// (server/export/datasetExport.ts) and streamed as it is made: stored entries, the NIfTI files
// gzipped inside. Only complete cases (the blinding rule a lead sees reads by), reader pseudonyms,
// no quantification (lung masks take seconds per CT: `npm run export -- --quant` has them).
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DatasetFiles } from '../../src/export/datasetManifest.ts';
import { StoredZipWriter } from '../../src/export/storedZip.ts';
import { fileSlug } from '../../src/review/exportCsv.ts';
import { GZIP_LEVEL, exportDataset } from '../export/datasetExport.ts';
import { softwareVersion } from '../export/softwareVersion.ts';
import { requireUser } from '../identity/requireUser.ts';
import type { User } from '../identity/users.ts';
import { getStudy } from '../study/studyStore.ts';

const gzip = promisify(gzipCb);
const id = { type: 'integer', minimum: 1, maximum: 2 ** 31 - 1 } as const;
const idParams = { type: 'object', required: ['id'], properties: { id } } as const;

export async function exportRoutes(app: FastifyInstance, opts: { orthancUrl: string }): Promise<void> {
  const db = app.identity.db;
  const software = softwareVersion();

  app.get('/studies/:id/export', { onRequest: requireUser(['lead']), schema: { params: idParams } }, async (request: FastifyRequest<{ Params: { id: number } }>, reply) => {
    const study = await getStudy(db, request.params.id);
    if (!study) return reply.code(404).send({ error: 'no such study' });
    const user = request.user as User;
    await db.query('INSERT INTO audit_log (user_id, action, target, detail, ip) VALUES ($1, $2, $3, $4, $5)', [user.id, 'study.export', `study:${study.id}`, JSON.stringify({ via: 'download' }), request.ip]);

    const body = new PassThrough();
    // Backpressure: the export waits while the browser is slower than the archive, and stops when
    // the download is cancelled (the stream closes without an error).
    const emit = async (chunk: Uint8Array) => {
      if (body.destroyed) throw new Error('the download was cancelled');
      if (!body.write(chunk)) await Promise.race([once(body, 'drain'), once(body, 'close')]);
    };
    const zip = new StoredZipWriter(emit);
    const files: DatasetFiles = { size: async () => null, read: async () => null, write: (path, bytes) => zip.add(path, bytes), remove: async () => {} };
    void (async () => {
      try {
        await exportDataset(db, opts.orthancUrl, files, { studyId: study.id, software, gzip: (b) => gzip(b, { level: GZIP_LEVEL }).then((x) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength)) });
        await zip.finish();
        body.end();
      } catch (err) {
        // The status line is sent already: a cut zip (no central directory) is what the browser
        // gets, and it says the archive is damaged; the reason goes to the log.
        request.log.error({ err }, 'dataset export failed');
        body.destroy(err instanceof Error ? err : new Error(String(err)));
      }
    })();
    return reply
      .header('content-type', 'application/zip')
      .header('content-disposition', `attachment; filename="${fileSlug(study.name)}-dataset.zip"`)
      .header('cache-control', 'no-store')
      .send(body);
  });
}
