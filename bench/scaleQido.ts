// Study-level QIDO on a many-study archive (called by bench/scale.ts on its cluster):
// CTAW_SCALE_STUDIES (1000) one-slice studies stored straight into both Orthancs (made in memory,
// 200 a STOW-RS, four requests at once: 10,000 in a few minutes), CTAW_SCALE_QIDO_CASES (100) of
// them made cases of a reader, whose /dicom-web/studies?limit=100 through HAProxy is timed.
//   qido_p95_ms / qido_10k_p95_ms  the reader's search, p95 of 50 (qido_10k_ at 10,000 studies);
//                                  "first": the first of them, before any rows were kept
//   qido_orthanc_p95_ms            the same query asked of Orthanc 1 directly: the whole archive
import { performance } from 'node:perf_hooks';
import { CT_IMAGE_STORAGE, ctSliceElements, derivedUid } from '../scripts/data/syntheticCt.ts';
import { writePart10 } from '../scripts/data/dicomWriter.ts';
import { PASSWORD, call, stowBody } from '../tests/integration/blindingStack.ts';
import { login as loginAt, post } from './gatewayClient.ts';
import { emit, quantile } from './report.ts';

const STUDIES = Number(process.env.CTAW_SCALE_STUDIES ?? 1000);
const CASES = Math.min(STUDIES, Number(process.env.CTAW_SCALE_QIDO_CASES ?? 100));
const PER_STOW = 200;
const ROUNDS = 50;

interface TinyStudy {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  bytes: Uint8Array;
}

/** A one-slice 8x8 CT study of its own patient. */
export function tinyStudy(runId: string, i: number): TinyStudy {
  const seed = `scale-qido-${runId}-${i}`;
  const [studyUid, seriesUid, sopUid] = ['study', 'series', 'instance'].map((l) => derivedUid(seed, l));
  const bytes = writePart10(
    ctSliceElements({
      sopUid,
      studyUid,
      seriesUid,
      frameOfReferenceUid: derivedUid(seed, 'frame-of-reference'),
      accession: String(i),
      instanceNumber: 1,
      positionMm: [0, 0, 0],
      rows: 8,
      columns: 8,
      pixelSpacingMm: 1,
      sliceSpacingMm: 1,
      patientName: `SCALE^${i}`,
      patientId: `S${runId}-${i}`,
      studyDescription: 'scale',
      seriesDescription: 'qido',
      pixels: new Uint8Array(128),
    }),
    CT_IMAGE_STORAGE,
    sopUid,
  );
  return { studyUid, seriesUid, sopUid, bytes };
}

/** Every study into the archive, STOW-RS straight to the Orthancs (they share the index). */
async function load(orthancPorts: number[], runId: string): Promise<TinyStudy[]> {
  const studies = Array.from({ length: STUDIES }, (_, i) => tinyStudy(runId, i));
  const pending: TinyStudy[][] = [];
  for (let i = 0; i < studies.length; i += PER_STOW) pending.push(studies.slice(i, i + PER_STOW));
  const t0 = performance.now();
  let resent = 0;
  // Until nothing is left: a worker that ran dry may leave what another sends again to the next round.
  while (pending.length) await Promise.all(
    Array.from({ length: 4 }, async (_, w) => {
      const port = orthancPorts[w % orthancPorts.length];
      for (let batch = pending.shift(); batch; batch = pending.shift()) {
        const { body, contentType } = stowBody(batch.map((s) => s.bytes));
        const res = await call({ host: '127.0.0.1', port }, 'POST', '/dicom-web/studies', { body, headers: { 'content-type': contentType, accept: 'application/dicom+json' } });
        if (res.status !== 200 && res.status !== 202) throw new Error(`STOW into Orthanc :${port}: ${res.status} ${res.text.slice(0, 200)}`);
        // Orthanc 1.10 answers 200 with some objects neither stored nor listed as failed when two
        // Orthancs write the index at once: what its Referenced SOP Sequence lacks is sent again.
        const stored = new Set((res.json<Record<string, { Value?: Array<Record<string, { Value?: string[] }>> }>>()['00081199']?.Value ?? []).map((f) => f['00081155']?.Value?.[0]));
        const again = batch.filter((s) => !stored.has(s.sopUid));
        resent += again.length;
        if (again.length) pending.push(again);
      }
    }),
  );
  process.stderr.write(`[scale] ${STUDIES} studies stored in ${((performance.now() - t0) / 1000).toFixed(0)} s (${resent} sent again)\n`);
  return studies;
}

/** Those of `studies` Orthanc does not list (stored with success, yet not indexed) sent again, one by one. */
async function storedForSure(orthancPort: number, studies: TinyStudy[]): Promise<void> {
  let missing: TinyStudy[] = [];
  for (let i = 0; i < studies.length; i += 100) {
    const chunk = studies.slice(i, i + 100);
    const res = await fetch(`http://127.0.0.1:${orthancPort}/dicom-web/studies?StudyInstanceUID=${chunk.map((s) => s.studyUid).join(',')}`, { headers: { accept: 'application/dicom+json' } });
    const listed = new Set(res.status === 204 ? [] : ((await res.json()) as Array<Record<string, { Value: string[] }>>).map((r) => r['0020000D'].Value[0]));
    missing = missing.concat(chunk.filter((s) => !listed.has(s.studyUid)));
  }
  if (missing.length) process.stderr.write(`[scale] ${missing.length} of ${studies.length} studies stored with success were not in Orthanc's index; sending them again\n`);
  for (const s of missing) {
    const res = await fetch(`http://127.0.0.1:${orthancPort}/instances`, { method: 'POST', body: Buffer.from(s.bytes) });
    if (!res.ok) throw new Error(`Orthanc refused a study sent again: ${res.status}`);
  }
}

async function p95Of(ask: () => Promise<number>): Promise<{ p95: number; p50: number; first: number }> {
  const times: number[] = [];
  for (let k = 0; k < ROUNDS; k++) {
    const t0 = performance.now();
    await ask();
    times.push(performance.now() - t0);
  }
  return { p95: Math.round(quantile(times, 0.95)), p50: Math.round(quantile(times, 0.5)), first: Math.round(times[0]) };
}

export async function qidoFigures(lbPort: number, orthancPorts: number[]): Promise<void> {
  const runId = Date.now().toString(36);
  const studies = await load(orthancPorts, runId);
  const gw1 = `http://127.0.0.1:${lbPort + 1}`;
  const admin = await loginAt(gw1, 'admin', PASSWORD);
  const reader = (await post(gw1, admin, '/api/admin/users', { username: `scale-reader-${runId}`, displayName: 'Scale', role: 'reader', password: PASSWORD })) as { user: { id: number } };
  const study = (await post(gw1, admin, '/api/studies', { name: `Scale QIDO ${runId}`, readersPerCase: 1, seed: runId })) as { study: { id: number } };
  // The reader's cases spread over the archive.
  const picked = Array.from({ length: CASES }, (_, k) => studies[Math.floor((k * STUDIES) / CASES)]);
  await storedForSure(orthancPorts[0], picked);
  await post(gw1, admin, `/api/studies/${study.study.id}/cases`, { cases: picked.map((s) => ({ studyInstanceUid: s.studyUid, seriesInstanceUid: s.seriesUid })) });
  await post(gw1, admin, `/api/studies/${study.study.id}/assignments`, { readerIds: [reader.user.id], seed: runId });
  const session = await loginAt(`http://127.0.0.1:${lbPort}`, `scale-reader-${runId}`, PASSWORD);
  const lb = { host: '127.0.0.1', port: lbPort };
  const readerSearch = await p95Of(async () => {
    const res = await call(lb, 'GET', '/dicom-web/studies?limit=100', { who: session, headers: { accept: 'application/dicom+json' } });
    if (res.status !== 200) throw new Error(`QIDO: ${res.status}`);
    const rows = res.json<unknown[]>().length;
    if (rows !== Math.min(100, CASES)) throw new Error(`QIDO answered ${rows} studies, not ${Math.min(100, CASES)}`);
    return rows;
  });
  const dataset = `${STUDIES} studies, a reader with ${CASES} cases, limit=100, through HAProxy`;
  emit(STUDIES === 10_000 ? 'qido_10k_p95_ms' : 'qido_p95_ms', readerSearch.p95, 'ms', dataset, { goal: STUDIES === 10_000 ? 200 : undefined, p50: readerSearch.p50, first: readerSearch.first });
  // The same search asked of Orthanc itself, over the whole archive: what the gateway no longer asks.
  const direct = await p95Of(async () => (await call({ host: '127.0.0.1', port: orthancPorts[0] }, 'GET', '/dicom-web/studies?limit=100', { headers: { accept: 'application/dicom+json' } })).status);
  emit('qido_orthanc_p95_ms', direct.p95, 'ms', `${STUDIES} studies, Orthanc 1 directly (PostgreSQL index), limit=100, the whole archive`, { p50: direct.p50 });
}
