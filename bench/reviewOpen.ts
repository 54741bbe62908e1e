// npm run bench -- review: opening a lead's review of a case once its CT is in (two readers' SEGs
// fetched through the blinding gateway, decoded on the CT, overlaid and measured):
// `review_open_ms` = the page's 'review-ready' mark minus the later of 'volume-loaded' and
// 'views-ready'. A gateway that asks for a login runs in-process, serving the built app; two
// readers' SEGs of the shared COVID CT (or the synthetic phantom) are made with the app's encoder
// and stored by the readers through it. Median of CTAW_BENCH_RUNS (default 5) page loads.
//   tsx bench/reviewOpen.ts ORTHANC_URL
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { checkSeries } from '../src/dicomweb/seriesValidation.ts';
import { getNumbers } from '../src/dicomweb/dicomJson.ts';
import { TAG } from '../src/dicomweb/tags.ts';
import type { DicomJsonDataset } from '../src/dicomweb/dicomJson.ts';
import { encodeSeg } from '../src/seg/segEncoder.ts';
import { ctSourceOf } from '../src/viewer/ctSource.ts';
import { buildVolumeGrid } from '../src/viewer/volumeGrid.ts';
import { randomUid } from '../tests/integration/blindingStack.ts';
import { benchGateway, login, post, stowAs } from './gatewayClient.ts';
import { CHROMIUM_ARGS } from './browserMetrics.ts';
import { sharedCovid, synthetic300 } from './datasets.ts';
import { emit, median } from './report.ts';

const PASSWORD = 'bench review secret';
const RUNS = Number(process.env.CTAW_BENCH_RUNS ?? 5);

/** Spheres of lesion on the CT's grid: `shift` voxels apart between the two readers. */
function lesions(dims: readonly [number, number, number], shift: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const labels = new Uint8Array(nx * ny * nz);
  const centres = [[0.3, 0.45, 0.5], [0.65, 0.5, 0.4], [0.55, 0.35, 0.7]];
  for (const [cx, cy, cz] of centres) {
    const [x0, y0, z0] = [Math.round(cx * nx) + shift, Math.round(cy * ny), Math.round(cz * nz)];
    const r = Math.round(nx * 0.04);
    for (let k = Math.max(0, z0 - 6); k < Math.min(nz, z0 + 6); k++)
      for (let j = y0 - r; j <= y0 + r; j++)
        for (let i = x0 - r; i <= x0 + r; i++) if ((i - x0) ** 2 + (j - y0) ** 2 + ((k - z0) * 3) ** 2 <= r * r) labels[i + nx * (j + ny * k)] = 1;
  }
  return labels;
}

export async function reviewOpenBench(orthancUrl: string): Promise<void> {
  const ds = (await sharedCovid(orthancUrl)) ?? (await synthetic300(orthancUrl));
  const gw = await benchGateway(orthancUrl, resolve(import.meta.dirname, '../dist'));
  const { base } = gw;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    await gw.account('admin', 'admin', PASSWORD);
    const readers = [await gw.account('reader-a', 'reader', PASSWORD), await gw.account('reader-b', 'reader', PASSWORD)];
    await gw.account('lead', 'lead', PASSWORD);
    const admin = await login(base, 'admin', PASSWORD);
    const study = (await post(base, admin, '/api/studies', { name: 'review bench', readersPerCase: 2 })) as { study: { id: number } };
    const added = (await post(base, admin, `/api/studies/${study.study.id}/cases`, { cases: [{ studyInstanceUid: ds.studyUid, seriesInstanceUid: ds.seriesUid }] })) as { cases: Array<{ id: number }> };
    const caseId = added.cases[0].id;
    for (const id of readers) await post(base, admin, `/api/cases/${caseId}/assignments`, { userId: id });

    // The readers' SEGs on the CT's own grid, as the viewer builds it.
    const metadata = (await (await fetch(`${orthancUrl}/dicom-web/studies/${ds.studyUid}/series/${ds.seriesUid}/metadata`)).json()) as DicomJsonDataset[];
    const check = checkSeries(metadata);
    if (!check.ok) throw new Error(`the bench CT is refused: ${check.message}`);
    const grid = buildVolumeGrid(check.slices, check.rows, check.columns, check.pixelSpacingMm, check.sliceSpacingMm, getNumbers(check.slices[0].dataset, TAG.ImageOrientationPatient)!);
    const source = ctSourceOf(ds.studyUid, ds.seriesUid, check.slices[0].dataset, grid);
    for (const [n, name] of ['a', 'b'].entries()) {
      const seg = encodeSeg({
        source, labels: lesions(grid.dimensions, n * 4), segments: [{ value: 1, label: 'Ground-glass opacity', color: [255, 190, 40], category: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' }, type: { value: '112120', scheme: 'DCM', meaning: 'Ground glass opacity' } }],
        reader: `Reader^${name}`, seriesDescription: `Lesion segmentation (reader-${name})`, seriesNumber: 9001, instanceNumber: 1, sopInstanceUid: randomUid(), seriesInstanceUid: randomUid(), contentDateTime: new Date(),
      });
      const who = await login(base, `reader-${name}`, PASSWORD);
      await stowAs(base, who, [seg.bytes]);
    }

    const lead = await login(base, 'lead', PASSWORD);
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await context.addCookies([{ name: lead.cookie.split('=')[0], value: lead.cookie.split('=').slice(1).join('='), url: base }]);
      const page = await context.newPage();
      await page.goto(`${base}/viewer/${ds.studyUid}/${ds.seriesUid}?compare=${caseId}`);
      await page.waitForFunction(() => performance.getEntriesByName('review-ready').length > 0, undefined, { timeout: 180_000 });
      // A string: tsx would wrap a named helper inside the page function in its own __name().
      const ms = await page.evaluate<number>(`(() => {
        const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? 0;
        return at('review-ready') - Math.max(at('volume-loaded'), at('views-ready'));
      })()`);
      times.push(ms);
      await context.close();
    }
    emit('review_open_ms', median(times), 'ms', ds.name, { goal: 2000, runs: times.map(Math.round), what: "two readers' SEGs fetched, decoded, overlaid and measured, after the CT is in" });
  } finally {
    await browser.close();
    await gw.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await reviewOpenBench(process.argv[2] ?? 'http://127.0.0.1:18644');
