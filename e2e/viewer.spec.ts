// A radiologist opens the COVID-19 chest CT (JPEG Lossless frames) from the study browser and
// reads it: lungs dark and chest wall bright in lung window, HU under the cursor equal to the
// DICOM file, all four views drawn, scrolling moves through slices.
import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { huAt, neighbourhoodAll, pixelToWorld, readCtSlice, readSopInstanceUid, type CtSlice } from './support/dicomFile.ts';
import { fixtures, viewerUrl } from './support/fixtures.ts';
import { canvasStats, pixelAt, waitForVolumeLoaded, worldToPage } from './support/viewerPage.ts';

const fx = fixtures();

/** Lung parenchyma: well inside a lung, every neighbour below -800 HU, left of the midline. */
function findLungPixel(s: CtSlice): [number, number] {
  const j = Math.round(s.rows / 2);
  for (let i = Math.round(s.columns * 0.2); i < s.columns / 2; i++) {
    if (neighbourhoodAll(s, i, j, 4, (hu) => hu < -800 && hu > -1000)) return [i, j];
  }
  throw new Error('no lung pixel on the middle row');
}

/** Chest wall: the first soft-tissue/bone block from the left edge of the body on the middle row. */
function findChestWallPixel(s: CtSlice): [number, number] {
  const j = Math.round(s.rows / 2);
  for (let i = 5; i < s.columns / 2; i++) {
    if (neighbourhoodAll(s, i, j, 2, (hu) => hu > 20)) return [i, j];
  }
  throw new Error('no chest wall pixel on the middle row');
}

/** Grey level a linear window maps an HU value to. */
function expectedGrey(hu: number, width: number, center: number): number {
  const lower = center - width / 2;
  return Math.max(0, Math.min(255, ((hu - lower) / width) * 255));
}

test('opening the COVID CT from the study browser shows lungs in lung window with the DICOM HU values', async ({ page }) => {
  // A software 3D frame takes tens of seconds, several times longer on a loaded machine.
  test.setTimeout(300_000);
  const covid = fx.covid;
  await page.goto('/');
  await page.locator(`[data-study-uid="${covid.studyUid}"]`).click();
  await page.locator(`[data-series-uid="${covid.seriesUid}"] a`).click();
  await expect(page).toHaveURL(new RegExp(`/viewer/${covid.studyUid}/${covid.seriesUid}$`));
  await waitForVolumeLoaded(page);
  await expect(page.getByTestId('window-label')).toHaveText('Lung W1500 L-600');

  // Which image is on the axial view: hover its centre and read the source image off the readout.
  const axial = page.locator('[data-viewport="axial"]');
  const box = (await axial.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const readout = page.getByTestId('readout');
  await expect(readout).not.toHaveAttribute('data-sop-instance-uid', '');
  const sop = (await readout.getAttribute('data-sop-instance-uid'))!;
  const file = covid.files.find((f) => readSopInstanceUid(f) === sop);
  expect(file, 'the readout names an image of the series').toBeTruthy();
  const slice = readCtSlice(file!);

  // Pixels on screen at positions computed from the DICOM geometry.
  const [li, lj] = findLungPixel(slice);
  const [wi, wj] = findChestWallPixel(slice);
  const lungPos = await worldToPage(page, 'axial', pixelToWorld(slice, li, lj));
  const wallPos = await worldToPage(page, 'axial', pixelToWorld(slice, wi, wj));
  const lungGrey = await pixelAt(page, 'axial', lungPos.x, lungPos.y);
  const wallGrey = await pixelAt(page, 'axial', wallPos.x, wallPos.y);
  expect(lungGrey, 'lung is dark').toBeLessThan(110);
  expect(Math.abs(lungGrey - expectedGrey(huAt(slice, li, lj), 1500, -600)), 'lung grey matches the lung window').toBeLessThan(30);
  expect(wallGrey, 'chest wall is bright').toBeGreaterThan(200);
  const stats = await canvasStats(page, 'axial');
  expect(stats.sd, 'axial view is not uniform').toBeGreaterThan(20);

  // HU readout at a voxel equals the stored value in the DICOM file. A screen pixel covers about
  // 1.4 voxels here, so the cursor lands within a voxel of the target: check the voxel it reports.
  for (const [i, j] of [[li, lj], [wi, wj], [Math.round(slice.columns / 2), Math.round(slice.rows * 0.6)]]) {
    const pos = await worldToPage(page, 'axial', pixelToWorld(slice, i, j));
    await page.mouse.move(pos.x, pos.y);
    await expect(readout).toHaveAttribute('data-voxel', /^\d+,\d+,\d+$/);
    await expect(readout).toHaveAttribute('data-sop-instance-uid', slice.sopInstanceUid);
    const [ri, rj] = (await readout.getAttribute('data-voxel'))!.split(',').map(Number);
    expect(Math.abs(ri - i), 'cursor column').toBeLessThanOrEqual(1);
    expect(Math.abs(rj - j), 'cursor row').toBeLessThanOrEqual(1);
    expect(Number(await readout.getAttribute('data-hu'))).toBe(huAt(slice, ri, rj));
    await expect(readout).toContainText(`${huAt(slice, ri, rj)} HU`);
  }

  // Coronal, sagittal and 3D views show an image.
  for (const id of ['coronal', 'sagittal']) {
    expect((await canvasStats(page, id)).sd, `${id} view is not blank`).toBeGreaterThan(20);
  }
  // Software WebGL (no GPU here): the 3D view is offered, and rendered when the reader asks.
  await expect(page.getByTestId('show-3d')).toBeVisible();
  await expect(page.locator('[data-viewport="volume3d"] canvas'), 'no 3D rendering before it is asked for').toHaveCount(0);
  await page.getByTestId('show-3d').click();
  await expect.poll(async () => (await canvasStats(page, 'volume3d')).sd, { message: '3D view is not blank', timeout: 240_000 }).toBeGreaterThan(10);
  await expect(page.getByTestId('show-3d')).toHaveCount(0);

  mkdirSync('docs', { recursive: true });
  await page.screenshot({ path: 'docs/viewer.png' });

  // Scrolling the axial view changes the slice number and the image.
  const sliceLabel = page.getByTestId('slice-axial');
  const before = await sliceLabel.textContent();
  const beforeHash = (await canvasStats(page, 'axial')).hash;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let n = 0; n < 5; n++) await page.mouse.wheel(0, 120);
  await expect(sliceLabel).not.toHaveText(before!);
  await expect.poll(async () => (await canvasStats(page, 'axial')).hash).not.toBe(beforeHash);
});

test('window presets change the displayed grey levels', async ({ page }) => {
  await page.goto(viewerUrl(fx.covid));
  await waitForVolumeLoaded(page);
  const lung = await canvasStats(page, 'axial');
  await page.getByRole('button', { name: 'Mediastinum' }).click();
  await expect(page.getByTestId('window-label')).toHaveText('Mediastinum W400 L40');
  await expect.poll(async () => (await canvasStats(page, 'axial')).mean).toBeLessThan(lung.mean - 10);
  await page.keyboard.press('1');
  await expect(page.getByTestId('window-label')).toHaveText('Lung W1500 L-600');
});

test('a deep link opens the same series again after a reload', async ({ page }) => {
  await page.goto(viewerUrl(fx.lidc));
  await waitForVolumeLoaded(page);
  const sop0 = await page.evaluate(() => window.__ctawViewer!.sliceSources()[0]!.sopInstanceUid);
  await page.reload();
  await waitForVolumeLoaded(page);
  await expect(page).toHaveURL(new RegExp(`/viewer/${fx.lidc.studyUid}/${fx.lidc.seriesUid}$`));
  expect(await page.evaluate(() => window.__ctawViewer!.sliceSources()[0]!.sopInstanceUid)).toBe(sop0);
  expect((await canvasStats(page, 'axial')).sd).toBeGreaterThan(20);
});

test('a deep link paints the middle slice before the 3D views are up, then the axial view takes over', async ({ page }) => {
  // Records the preview canvas's pixels the moment it is put on the page.
  await page.addInitScript(() => {
    new MutationObserver((records) => {
      for (const r of records)
        for (const node of Array.from(r.addedNodes)) {
          const canvas = node instanceof HTMLElement ? node.querySelector<HTMLCanvasElement>('canvas.first-slice-preview') : null;
          if (!canvas) continue;
          const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let sum = 0;
          let sq = 0;
          for (let i = 0; i < px.length; i += 4) {
            sum += px[i];
            sq += px[i] * px[i];
          }
          const n = px.length / 4;
          (window as unknown as { __preview: object }).__preview = { width: canvas.width, height: canvas.height, sd: Math.sqrt(sq / n - (sum / n) ** 2) };
        }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(viewerUrl(fx.covid));
  await waitForVolumeLoaded(page);
  const preview = await page.evaluate(() => (window as unknown as { __preview?: { width: number; height: number; sd: number } }).__preview);
  expect(preview, 'the preview was shown').toBeTruthy();
  expect([preview!.width, preview!.height]).toEqual([512, 512]);
  expect(preview!.sd, 'the preview shows an image, not a uniform canvas').toBeGreaterThan(20);
  const marks = await page.evaluate(() => Object.fromEntries(['first-image', 'views-ready'].map((m) => [m, performance.getEntriesByName(m)[0]?.startTime ?? NaN])));
  expect(marks['first-image']).toBeLessThan(marks['views-ready']);
  await expect(page.locator('.first-slice-preview')).toHaveCount(0);
  expect((await canvasStats(page, 'axial')).sd).toBeGreaterThan(20);
});
