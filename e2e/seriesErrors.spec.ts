// Bad input and failing servers: a clear message, a retry that works, never a blank page.
import { expect, test } from '@playwright/test';
import { fixtures, viewerUrl } from './support/fixtures.ts';
import { canvasStats, waitForVolumeLoaded } from './support/viewerPage.ts';

const fx = fixtures();

test('a SEG series is refused with a message and nothing is loaded', async ({ page }) => {
  const frameRequests: string[] = [];
  page.on('request', (r) => { if (r.url().includes('/frames/')) frameRequests.push(r.url()); });
  await page.goto(viewerUrl(fx.seg));
  const message = page.getByTestId('viewer-message');
  await expect(message).toContainText('Segmentation (SEG)');
  await expect(message).toContainText('not a CT image series');
  await expect(page.getByTestId('load-progress')).toHaveCount(0);
  expect(frameRequests).toHaveLength(0);
  await message.getByRole('button', { name: 'Back to studies' }).click();
  await expect(page).toHaveURL(/\/$/);
});

test('missing slices give a warning naming the gap, and the series still loads', async ({ page }) => {
  await page.goto(viewerUrl(fx.gap));
  const warnings = page.getByTestId('series-warnings');
  await expect(warnings).toContainText('Missing slices');
  await expect(warnings).toContainText('about 2 slice(s) missing');
  await waitForVolumeLoaded(page);
  expect((await canvasStats(page, 'axial')).sd).toBeGreaterThan(5);
  // The two missing positions stay empty in the volume instead of the series being stretched.
  const sources = await page.evaluate(() => window.__ctawViewer!.sliceSources());
  expect(sources).toHaveLength(30);
  expect(sources.filter((s) => s === null)).toHaveLength(2);
});

test('frame requests failing mid-load (fault injected: requests aborted after 20 frames) give a message and a working retry', async ({ page }) => {
  let served = 0;
  let serverDown = true;
  await page.route('**/frames/**', (route) => {
    served++;
    if (serverDown && served > 20) return route.abort('connectionrefused');
    return route.continue();
  });
  await page.goto(viewerUrl(fx.covid));
  const message = page.getByTestId('viewer-message');
  await expect(message).toContainText('could not be loaded', { timeout: 90_000 });
  await expect(message).toContainText('of 133 images');
  serverDown = false;
  await message.getByRole('button', { name: 'Retry' }).click();
  await waitForVolumeLoaded(page);
  await expect(page.getByTestId('viewer-message')).toHaveCount(0);
  expect((await canvasStats(page, 'axial')).sd).toBeGreaterThan(20);
});

test('an archive answering 500 to the series metadata (fault injected) gives a message and a working retry', async ({ page }) => {
  let failing = true;
  await page.route('**/metadata', (route) => (failing ? route.fulfill({ status: 500, body: 'boom' }) : route.continue()));
  await page.goto(viewerUrl(fx.lidc));
  const message = page.getByTestId('viewer-message');
  await expect(message).toContainText('HTTP 500');
  failing = false;
  await message.getByRole('button', { name: 'Retry' }).click();
  await waitForVolumeLoaded(page);
});

test('a server that cannot be reached (fault injected: study search aborted) shows a message on the study browser, and retry lists the studies', async ({ page }) => {
  let down = true;
  await page.route('**/dicom-web/studies?*', (route) => (down ? route.abort('connectionrefused') : route.continue()));
  await page.goto('/');
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('cannot be reached');
  down = false;
  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(page.locator(`[data-study-uid="${fx.covid.studyUid}"]`)).toBeVisible();
});

test('DICOM text is shown as text: a PatientName holding HTML is displayed, never run', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await page.goto('/');
  const row = page.locator(`[data-study-uid="${fx.hostile.studyUid}"]`);
  await expect(row.locator('.patient-name')).toHaveText('<img src=x onerror=alert(1)>');
  await expect(row).toContainText('<script>alert(2)</script>');
  await row.click();
  await expect(page.locator(`[data-series-uid="${fx.hostile.seriesUid}"]`)).toContainText('<b>bold</b> series');
  expect(await page.locator('img[src=x], b').count()).toBe(0);
  await page.locator(`[data-series-uid="${fx.hostile.seriesUid}"] a`).click();
  await waitForVolumeLoaded(page);
  await expect(page.locator('.series-label')).toContainText('<img src=x onerror=alert(1)>');
  expect(dialogs).toEqual([]);
});
