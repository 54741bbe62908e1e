// import_vs_stow (issue 20): a 512×512×300 CT imported with de-identification (PUT
// /api/import/:id/files, one file a request, four at a time as the admin page and `npm run
// import` send them, then finish: quality checks) against a plain STOW-RS of the same files (20 a
// request, one request at a time) through the same in-process gateway to the same Orthanc. Goal ≤ 2. Fresh UIDs each run (a new seed, a
// new in-memory database and so a new UID secret), so neither side meets AlreadyStored; both
// series are deleted from the bench Orthanc after.
//   tsx bench/dataImport.ts ORTHANC_URL
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePhantomSeries } from '../scripts/data/syntheticCt.ts';
import type { ImportProgress, ImportSummary } from '../src/model/importApi.ts';
import { benchGateway, login, post, stowAs } from './gatewayClient.ts';
import { emit, median } from './report.ts';

const orthancUrl = (process.argv[2] ?? process.env.CTAW_ORTHANC_URL ?? 'http://127.0.0.1:18644').replace(/\/+$/, '');
const PASSWORD = 'bench import password';

async function deleteSeries(seriesUid: string): Promise<void> {
  const found = (await fetch(`${orthancUrl}/tools/lookup`, { method: 'POST', body: seriesUid }).then((r) => r.json())) as Array<{ ID: string; Type: string }>;
  for (const f of found.filter((x) => x.Type === 'Series')) await fetch(`${orthancUrl}/series/${f.ID}`, { method: 'DELETE' });
}

/** One round: fresh files, a plain STOW, then the import; both series deleted after. */
async function round(gw: Awaited<ReturnType<typeof benchGateway>>, s: Awaited<ReturnType<typeof login>>, dir: string): Promise<{ importMs: number; stowMs: number; megabytes: number; verdict?: string }> {
  const made = writePhantomSeries(dir, {
    rows: 512, columns: 512, slices: 300, pixelSpacingMm: 0.7, sliceSpacingMm: 1, seed: `ctaw-bench-import-${randomUUID()}`,
    patientName: 'BENCH^IMPORT', patientId: `BENCH-${randomUUID()}`, studyDescription: 'Synthetic chest CT 300', seriesDescription: '512x512x300 uncompressed',
  });
  const files = made.files.map((f) => new Uint8Array(readFileSync(f)));
  const megabytes = files.reduce((n, f) => n + f.length, 0) / 1048576;

  let t0 = performance.now();
  for (let i = 0; i < files.length; i += 20) await stowAs(gw.base, s, files.slice(i, i + 20));
  const stowMs = performance.now() - t0;

  t0 = performance.now();
  const { importId } = (await post(gw.base, s, '/api/import', {})) as ImportProgress;
  // Four files in flight, as the admin page and `npm run import` send them.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const k = next++;
      const res = await fetch(`${gw.base}/api/import/${importId}/files?name=IM${k}`, { method: 'PUT', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/dicom' }, body: files[k] as unknown as BodyInit });
      const outcome = (await res.json()) as { status: string; reason?: string };
      if (outcome.status !== 'stored') throw new Error(`IM${k}: ${outcome.status} ${outcome.reason ?? ''}`);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const summary = (await post(gw.base, s, `/api/import/${importId}/finish`, {})) as ImportSummary;
  const importMs = performance.now() - t0;
  if (summary.stored !== files.length) throw new Error(`import stored ${summary.stored} of ${files.length}`);
  await deleteSeries(made.seriesUid);
  await deleteSeries(summary.seriesResults[0].seriesInstanceUid);
  return { importMs, stowMs, megabytes, verdict: summary.seriesResults[0]?.verdict };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ctaw-bench-import-'));
  const gw = await benchGateway(orthancUrl);
  try {
    await gw.account('benchadmin', 'admin', PASSWORD);
    const s = await login(gw.base, 'benchadmin', PASSWORD);
    // Several rounds, the median ratio: on a shared two-core machine one round varies by 2x.
    const rounds = [];
    for (let r = 0; r < Number(process.env.CTAW_BENCH_RUNS ?? 3); r++) rounds.push(await round(gw, s, join(dir, `r${r}`)));
    const ratios = rounds.map((r) => r.importMs / r.stowMs);
    emit('import_vs_stow', median(ratios), 'ratio', 'synthetic-300', {
      import_ms: Math.round(median(rounds.map((r) => r.importMs))),
      stow_ms: Math.round(median(rounds.map((r) => r.stowMs))),
      ratios: ratios.map((x) => Math.round(x * 100) / 100),
      mb: Math.round(rounds[0].megabytes),
      verdict: rounds[0].verdict,
      goal: 2,
    });
  } finally {
    await gw.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
