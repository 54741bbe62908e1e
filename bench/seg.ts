// npm run bench -- seg: DICOM-SEG encode and decode of a 512x512x300 labelmap with two
// segments painted on 120 slices (blobs of a chest CT's lesion sizes), in Node, as the worker
// runs them. Prints JSON lines.
import { encodeSeg } from '../src/seg/segEncoder.ts';
import { decodeSeg } from '../src/seg/segDecoder.ts';
import type { SegEncodeInput, SegSource } from '../src/seg/segModel.ts';
import { emit, median } from './report.ts';

const dims = [512, 512, 300] as const;
const [nx, ny, nz] = dims;
const dataset = 'synthetic-512x512x300';
const RUNS = Number(process.env.CTAW_BENCH_RUNS ?? 5);

const labels = new Uint8Array(nx * ny * nz);
for (let k = 90; k < 210; k++) {
  for (const [value, ci, cj, r] of [[1, 160, 250, 60], [2, 350, 270, 45]] as const) {
    const rk = r * Math.sqrt(Math.max(0, 1 - ((k - 150) / 70) ** 2));
    for (let j = Math.floor(cj - rk); j <= cj + rk; j++) {
      for (let i = Math.floor(ci - rk); i <= ci + rk; i++) {
        if ((i - ci) ** 2 + (j - cj) ** 2 <= rk * rk) labels[i + nx * (j + ny * k)] = value;
      }
    }
  }
}

const source: SegSource = {
  studyInstanceUid: '2.25.1', seriesInstanceUid: '2.25.2', frameOfReferenceUid: '2.25.3', patientName: 'BENCH^SEG', patientId: 'B1',
  grid: { dims, spacing: [0.7, 0.7, 1], origin: [-179, -179, -300], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
  slices: Array.from({ length: nz }, (_, k) => ({ sopInstanceUid: `2.25.100${k}`, sopClassUid: '1.2.840.10008.5.1.4.1.1.2' })),
};
const input: SegEncodeInput = {
  source, labels,
  segments: [
    { value: 1, label: 'Ground-glass opacity', color: [255, 190, 40], category: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' }, type: { value: '112120', scheme: 'DCM', meaning: 'Ground glass opacity' } },
    { value: 2, label: 'Consolidation', color: [230, 60, 60], category: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' }, type: { value: '95436008', scheme: 'SCT', meaning: 'Lung consolidation' } },
  ],
  reader: 'Bench^Reader', seriesDescription: 'bench', seriesNumber: 1, instanceNumber: 1, sopInstanceUid: '2.25.4', seriesInstanceUid: '2.25.5', contentDateTime: new Date(),
};

const encodeMs: number[] = [];
const decodeMs: number[] = [];
let bytes: Uint8Array = new Uint8Array(0);
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  bytes = encodeSeg(input).bytes;
  encodeMs.push(performance.now() - t0);
  const t1 = performance.now();
  decodeSeg(bytes, { grid: source.grid, slices: source.slices, seriesInstanceUid: source.seriesInstanceUid, frameOfReferenceUid: source.frameOfReferenceUid });
  decodeMs.push(performance.now() - t1);
}
emit('seg_encode_ms', median(encodeMs), 'ms', dataset, { runs: encodeMs.map(Math.round), runtime: 'node' });
emit('seg_decode_ms', median(decodeMs), 'ms', dataset, { runs: decodeMs.map(Math.round), runtime: 'node' });
emit('seg_bytes', bytes.length, 'bytes', dataset, { frames: 240 });

// Plain @cornerstonejs/adapters (generateSegmentation + dcmjs's writer) on the same labelmap. The
// first run pays module loading and JIT warm-up; the median over the runs is what is compared.
{
  const { encodeWithAdapters } = await import('./segAdapters.ts');
  const adapterMs: number[] = [];
  let adapterBytes = 0;
  for (let r = 0; r < Math.min(RUNS, 3); r++) {
    const t0 = performance.now();
    adapterBytes = (await encodeWithAdapters(input)).length;
    adapterMs.push(performance.now() - t0);
  }
  emit('seg_encode_adapters_ms', median(adapterMs), 'ms', dataset, { runs: adapterMs.map(Math.round), runtime: 'node', bytes: adapterBytes, adapters: '5.14.0', dcmjs: '0.52.0' });
}

// In the browser, on the synthetic 512x512x300 CT through the real server and Orthanc:
// autosave after a typical stroke, draft restore on open, and draining 50 results queued offline.
const [appBase, orthancUrl] = process.argv.slice(2);
if (appBase && orthancUrl) await browserFigures(appBase, orthancUrl);

async function browserFigures(appBase: string, orthancUrl: string): Promise<void> {
  const { chromium } = await import('playwright-core');
  const { CHROMIUM_ARGS } = await import('./browserMetrics.ts');
  const { synthetic300 } = await import('./datasets.ts');
  const { settle } = await import('./pageSettle.ts');
  const ds = await synthetic300(orthancUrl);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(`${appBase}/`);
    await page.getByLabel('Reader name').fill(`Bench Reader ${Date.now()}`);
    await page.getByRole('button', { name: 'Save' }).click();
    const open = async () => {
      await page.goto(`${appBase}/viewer/${ds.studyUid}/${ds.seriesUid}`);
      await page.getByTestId('load-count').filter({ hasText: 'loaded' }).waitFor({ timeout: 180_000 });
      await page.locator('[data-tool="brush"]').waitFor({ timeout: 60_000 });
      await settle(page);
    };
    await open();
    const box = (await page.locator('[data-viewport="axial"]').boundingBox())!;
    await page.keyboard.press('b');
    const saves: number[] = [];
    for (let s = 0; s < 5; s++) {
      const y = box.y + box.height * (0.4 + s * 0.04);
      await page.mouse.move(box.x + box.width * 0.6, y);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.7, y, { steps: 10 });
      await page.mouse.up();
      await page.getByTestId('save-status').and(page.locator('[data-state="saved"]')).waitFor();
      await page.waitForTimeout(400);
      saves.push(await page.evaluate(() => (window as unknown as { __ctawRead: { autosave: { lastSaveMs: number } } }).__ctawRead.autosave.lastSaveMs));
    }
    emit('autosave_ms', median(saves), 'ms', ds.name, { runs: saves.map(Math.round), what: 'a 10 mm brush stroke: changed slices compressed and written' });

    await open();
    const restore = await page.evaluate(() => (window as unknown as { __ctawRead: { draftRestoreMs: number } }).__ctawRead.draftRestoreMs);
    emit('draft_restore_ms', restore, 'ms', ds.name, { slices: 'the 5 strokes above' });

    // A read is submitted with its form: answer the required items once (they are kept).
    await page.locator('.side-tabs [data-panel="form"]').click();
    await page.locator('input[name="covid_pattern"][value="typical"]').check();
    await page.locator('input[name="pneumonia_extent"][value="under10"]').check();
    await context.setOffline(true);
    for (let n = 0; n < 50; n++) {
      await page.getByTestId('submit-read').click();
      await page.getByTestId('submit-read').and(page.locator(':enabled')).waitFor();
    }
    // Each read is a SEG and its form's SR: 100 uploads.
    await page.getByTestId('sync-status').and(page.locator('[data-waiting="100"]')).waitFor({ timeout: 60_000 });
    const t0 = Date.now();
    await context.setOffline(false);
    await page.getByTestId('sync-status').and(page.locator('[data-state="synced"]')).waitFor({ timeout: 300_000 });
    emit('outbox_drain_ms', Date.now() - t0, 'ms', ds.name, { results: 50, uploads: 100, what: 'each result a SEG and its read form SR' });
  } finally {
    await browser.close();
  }
}
