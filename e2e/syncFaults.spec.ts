// The sync engine under faults injected between the browser and the server (Playwright routes
// acting as a faulty network): a 503, a 500, and an upload the archive stored whose answer was
// cut off. The result ends up stored exactly once and the outbox says all synced.
import { expect, test } from '@playwright/test';
import { fixtures } from './support/fixtures.ts';
import { nameReader, segInstancesOnServer } from './support/reader.ts';
import { openForContouring, stroke, viewBox } from './support/contouring.ts';

const fx = fixtures();

test('STOW answered 503, then 500, then stored with its answer cut off (faults injected): the result is stored once and shown as synced', async ({ page }) => {
  const reader = `Faulty Network Reader ${Date.now()}`;
  await nameReader(page, reader);
  await openForContouring(page, fx.covid);
  const box = await viewBox(page, 'axial');
  await page.keyboard.press('b');
  await stroke(page, { x: box.x + box.width * 0.26, y: box.y + box.height * 0.45 }, { x: box.x + box.width * 0.36, y: box.y + box.height * 0.5 });

  const attempts: string[] = [];
  await page.route('**/dicom-web/studies', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    attempts.push(route.request().url());
    if (attempts.length === 1) return route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"busy"}' });
    if (attempts.length === 2) return route.fulfill({ status: 500, contentType: 'application/json', body: '{}' });
    if (attempts.length === 3) {
      // The archive gets and stores the upload; the answer never reaches the browser.
      await route.fetch();
      return route.abort('connectionreset');
    }
    return route.continue();
  });

  await page.getByTestId('submit-read').click();
  await expect(page.getByTestId('submit-message')).toContainText('Queued for the server');
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced', { timeout: 90_000 });
  expect(attempts.length).toBe(4);
  const stored = await segInstancesOnServer(fx.covid.studyUid, reader);
  expect(stored).toHaveLength(1);
});
