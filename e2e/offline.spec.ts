// Working offline: a case opened once reopens with no network (the app from the service
// worker's cache, its images from Cache Storage, where the page keeps them once the series has
// loaded and says so in the toolbar), the draft comes back, two submits made offline
// wait in the outbox across a reload, and the archive gets exactly those two results once the
// network is back, the latest equal to the labelmap on screen.
import { expect, test, type Page } from '@playwright/test';
import { answerRequiredItems, showPanel } from './support/readForm.ts';
import { fixtures, viewerUrl } from './support/fixtures.ts';
import { nameReader, segInstancesOnServer } from './support/reader.ts';
import { labelHash, labelIndices, stroke, viewBox } from './support/contouring.ts';
import { canvasStats, waitForVolumeLoaded } from './support/viewerPage.ts';
import { decodeOnOpenCt, fetchInstance, indicesOf, outboxSops } from './support/serverSeg.ts';

const fx = fixtures();
test.use({ serviceWorkers: 'allow' });

async function openCase(page: Page): Promise<void> {
  await page.goto(viewerUrl(fx.covid));
  await waitForVolumeLoaded(page);
  await expect(page.locator('[data-tool="brush"]')).toBeVisible();
}

test('a case opened once reopens and is edited with the network cut, and its result reaches the archive when the network is back', async ({ page, context }) => {
  // Three loads of the CT (first visit, under the service worker, offline) in software WebGL.
  test.setTimeout(300_000);
  const reader = `Ward Reader ${Date.now()}`;
  await nameReader(page, reader);
  await page.waitForFunction(() => navigator.serviceWorker.ready.then(() => true));
  // The first visit's files arrived before the service worker took over: open the case under it.
  await openCase(page);
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
  await page.reload();
  await waitForVolumeLoaded(page);
  await expect(page.locator('[data-tool="brush"]')).toBeVisible();

  const box = await viewBox(page, 'axial');
  const at = (x: number, y: number) => ({ x: box.x + box.width * x, y: box.y + box.height * y });
  await page.keyboard.press('b');
  await stroke(page, at(0.26, 0.45), at(0.36, 0.5));
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');
  const painted = await labelHash(page);

  // Offline: submit, reload (the app and the case still open), paint more, submit again.
  await answerRequiredItems(page);
  // The copy is kept after the series has loaded, one frame at a time while the reader works.
  await expect(page.getByTestId('viewer-offline')).toHaveAttribute('data-state', 'kept', { timeout: 120_000 });
  await context.setOffline(true);
  await page.getByTestId('submit-read').click();
  await expect(page.getByTestId('submit-message')).toContainText('Queued for the server');
  await page.reload();
  await waitForVolumeLoaded(page);
  await expect(page.locator('[data-tool="brush"]')).toBeVisible();
  await expect(page.getByTestId('save-status')).toContainText('Your draft was restored');
  expect(await labelHash(page)).toBe(painted);
  // Each read is its SEG and its form's SR.
  await expect(page.getByTestId('sync-status')).toContainText('2 waiting');

  await stroke(page, at(0.26, 0.55), at(0.36, 0.55));
  await page.getByTestId('submit-read').click();
  await expect(page.getByTestId('submit-message')).toContainText('Queued for the server');
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
  await expect(page.getByTestId('sync-status')).toContainText('4 waiting');
  const queued = await outboxSops(page, 'seg');
  expect(queued).toHaveLength(2);
  const final = await labelIndices(page, 1);
  expect(final.length).toBeGreaterThan(0);

  // Online again: exactly the two submitted instances, each once; the latest is the screen.
  await context.setOffline(false);
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced', { timeout: 60_000 });
  const stored = await segInstancesOnServer(fx.covid.studyUid, reader);
  expect(stored.map((s) => s.sop).sort()).toEqual([...queued].sort());
  const latest = stored.find((s) => s.sop === queued[1])!;
  const decoded = await decodeOnOpenCt(page, await fetchInstance(fx.covid.studyUid, latest.series, latest.sop));
  expect(indicesOf(decoded.labels, 1)).toEqual(final);
});

test('a series kept offline from the study browser opens with the network cut although it was never opened before', async ({ page, context }) => {
  test.setTimeout(180_000);
  await nameReader(page, `Travelling Reader ${Date.now()}`);
  await page.waitForFunction(() => navigator.serviceWorker.ready.then(() => true));
  await page.reload();
  await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);

  const series = fx.hostile;
  await page.locator(`tr[data-study-uid="${series.studyUid}"]`).click();
  const row = page.locator(`tr[data-series-uid="${series.seriesUid}"]`);
  await row.getByRole('button', { name: 'Keep offline' }).click();
  const state = row.getByTestId('offline-state');
  await expect(state).toHaveAttribute('data-state', 'kept', { timeout: 60_000 });
  await expect(state).toContainText(`Available offline (${series.files.length} images`);

  await context.setOffline(true);
  await page.goto(viewerUrl(series));
  await waitForVolumeLoaded(page);
  await expect(page.getByTestId('load-count')).toContainText(`${series.files.length} / ${series.files.length}`);
  // The phantom's anatomy on screen, not an empty viewport.
  expect((await canvasStats(page, 'axial')).sd).toBeGreaterThan(10);
  // The study's read form was kept with it.
  await showPanel(page, 'form');
  await expect(page.getByTestId('read-form')).toBeVisible();

  // Kept across a reload of the study browser (the record is in IndexedDB).
  await context.setOffline(false);
  await page.goto('/');
  await page.locator(`tr[data-study-uid="${series.studyUid}"]`).click();
  await expect(page.locator(`tr[data-series-uid="${series.seriesUid}"]`).getByTestId('offline-state')).toHaveAttribute('data-state', 'kept');
});
