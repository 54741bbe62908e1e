// npm run bench -- data: the research dataset export (server/export/datasetExport.ts) of a study of
// 20 cases × 2 readers: `export_ms`, a full export into an empty folder (goal ≤ 30 s), and
// `export_unchanged_ms`, the same export again into that folder (everything hashed, nothing
// written). Each case is a synthetic chest phantom (scripts/data/syntheticCt.ts; 256×256×120 by
// default, CTAW_BENCH_EXPORT_CT=ROWSxSLICES to change) stored in Orthanc through an in-process
// gateway, read by two readers whose SEGs (three spheres of two segments) are made by the app's
// encoder and stored by the readers. Without --quant, as `npm run export` runs by default.
//   tsx bench/dataExport.ts ORTHANC_URL
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { GZIP_LEVEL, exportDataset } from '../server/export/datasetExport.ts';
import { folderFiles } from '../server/export/folderFiles.ts';
import { softwareVersion } from '../server/export/softwareVersion.ts';
import { derivedUid, writePhantomSeries } from '../scripts/data/syntheticCt.ts';
import type { Segment } from '../src/model/segment.ts';
import { ctSeriesFromPart10 } from '../src/quant/ctFromPart10.ts';
import { encodeSeg } from '../src/seg/segEncoder.ts';
import { randomUid } from '../tests/integration/blindingStack.ts';
import { benchGateway, login, post, stowAs } from './gatewayClient.ts';
import { emit } from './report.ts';

const CASES = 20;
const PASSWORD = 'bench export secret';
const [ROWS, SLICES] = (process.env.CTAW_BENCH_EXPORT_CT ?? '256x120').split('x').map(Number);
const SEGMENTS: Segment[] = [
  { value: 1, label: 'Ground-glass opacity', color: [255, 200, 0], category: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' }, type: { value: '45828002', scheme: 'SCT', meaning: 'Ground glass opacity' } },
  { value: 2, label: 'Consolidation', color: [255, 0, 0], category: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' }, type: { value: '95436008', scheme: 'SCT', meaning: 'Lung consolidation' } },
];

function spheres(dims: readonly [number, number, number], shift: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const labels = new Uint8Array(nx * ny * nz);
  for (const [cx, cy, cz, value] of [[0.3, 0.45, 0.5, 1], [0.65, 0.5, 0.4, 1], [0.55, 0.35, 0.7, 2]]) {
    const [x0, y0, z0] = [Math.round(cx * nx) + shift, Math.round(cy * ny), Math.round(cz * nz)];
    const r = Math.round(nx * 0.05);
    for (let k = Math.max(0, z0 - r); k < Math.min(nz, z0 + r); k++)
      for (let j = y0 - r; j <= y0 + r; j++) for (let i = x0 - r; i <= x0 + r; i++) if ((i - x0) ** 2 + (j - y0) ** 2 + (k - z0) ** 2 <= r * r) labels[i + nx * (j + ny * k)] = value;
  }
  return labels;
}

async function main(orthancUrl: string): Promise<void> {
  const gw = await benchGateway(orthancUrl);
  const work = mkdtempSync(join(tmpdir(), 'ctaw-bench-export-'));
  try {
    await gw.account('admin', 'admin', PASSWORD);
    const readers = [await gw.account('ann', 'reader', PASSWORD), await gw.account('bob', 'reader', PASSWORD)];
    const admin = await login(gw.base, 'admin', PASSWORD);
    const sessions = [await login(gw.base, 'ann', PASSWORD), await login(gw.base, 'bob', PASSWORD)];
    const { study } = (await post(gw.base, admin, '/api/studies', { name: `Export bench ${randomUid()}`, readersPerCase: 2, seed: 'bench', segmentList: SEGMENTS.map(({ label }) => ({ label })) })) as { study: { id: number } };
    const cts: Array<{ studyUid: string; seriesUid: string; files: Uint8Array[]; seed: string }> = [];
    for (let c = 0; c < CASES; c++) {
      const seed = `bench-export-${randomUid()}`;
      const dir = join(work, `ct-${c}`);
      const made = writePhantomSeries(dir, { rows: ROWS, columns: ROWS, slices: SLICES, pixelSpacingMm: 350 / ROWS, sliceSpacingMm: 2.5, seed, patientName: 'BENCH^EXPORT', patientId: `BENCH-${c}`, studyDescription: 'export bench', seriesDescription: 'CT' });
      const files = made.files.map((f) => new Uint8Array(readFileSync(f)));
      rmSync(dir, { recursive: true, force: true });
      for (let at = 0; at < files.length; at += 40) await stowAs(gw.base, admin, files.slice(at, at + 40));
      cts.push({ studyUid: made.studyUid, seriesUid: made.seriesUid, files, seed });
    }
    const { cases } = (await post(gw.base, admin, `/api/studies/${study.id}/cases`, { cases: cts.map((c) => ({ studyInstanceUid: c.studyUid, seriesInstanceUid: c.seriesUid })) })) as { cases: Array<{ id: number }> };
    for (const c of cases) for (const userId of readers) await post(gw.base, admin, `/api/cases/${c.id}/assignments`, { userId });
    for (const [n, c] of cts.entries()) {
      const series = ctSeriesFromPart10(c.files);
      for (const [r, s] of sessions.entries()) {
        const seg = encodeSeg({
          source: { studyInstanceUid: c.studyUid, seriesInstanceUid: c.seriesUid, frameOfReferenceUid: derivedUid(c.seed, 'frame-of-reference'), patientName: 'BENCH^EXPORT', patientId: `BENCH-${n}`, grid: series.ct, slices: series.slices.map((x) => (x ? { sopInstanceUid: x.sopInstanceUid, sopClassUid: '1.2.840.10008.5.1.4.1.1.2' } : null)) },
          labels: spheres(series.ct.dims, r * 2 + (n % 3)), segments: SEGMENTS, reader: `Reader^${r}`, seriesDescription: 'Lesions', seriesNumber: 9001, instanceNumber: 1, sopInstanceUid: randomUid(), seriesInstanceUid: randomUid(), contentDateTime: new Date(),
        });
        await stowAs(gw.base, s, [seg.bytes]);
      }
    }
    const out = join(work, 'dataset');
    const dataset = `${CASES}-cases-x-2-readers-phantom-${ROWS}x${ROWS}x${SLICES}`;
    const opts = { studyId: study.id, software: softwareVersion(), gzip: (b: Uint8Array) => gzipSync(b, { level: GZIP_LEVEL }) };
    let t = performance.now();
    const full = await exportDataset(gw.db, orthancUrl, folderFiles(out), opts);
    const fullMs = performance.now() - t;
    if (full.cases !== CASES || full.reads !== CASES * 2) throw new Error(`exported ${full.cases} cases and ${full.reads} reads, not ${CASES} and ${CASES * 2}`);
    const bytes = full.manifest.files.reduce((n, f) => n + f.bytes, 0);
    emit('export_ms', fullMs, 'ms', dataset, { goal_ms: 30_000, files: full.written.length, mb: Math.round(bytes / 1e5) / 10 });
    t = performance.now();
    const again = await exportDataset(gw.db, orthancUrl, folderFiles(out), opts);
    emit('export_unchanged_ms', performance.now() - t, 'ms', dataset, { files_written: again.written.length });
  } finally {
    rmSync(work, { recursive: true, force: true });
    await gw.close();
  }
}

const orthancUrl = process.argv[2];
if (!orthancUrl) {
  process.stderr.write('usage: tsx bench/dataExport.ts ORTHANC_URL\n');
  process.exit(2);
}
await main(orthancUrl.replace(/\/+$/, ''));
