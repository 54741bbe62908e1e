// Offline-first drafts: every stroke is saved in IndexedDB within half a second, a reload
// restores the labelmap exact to the byte, and a tab closed mid-work loses at most the last
// half second.
import { expect, test, type Page } from '@playwright/test';
import { fixtures, viewerUrl } from './support/fixtures.ts';
import { nameReader } from './support/reader.ts';
import { labelHash, labelIndices, openForContouring, stroke, viewBox } from './support/contouring.ts';

const fx = fixtures();

async function savedVersion(page: Page): Promise<number> {
  const status = page.getByTestId('save-status');
  await expect(status).toHaveAttribute('data-state', 'saved');
  return Number(await status.getAttribute('data-version'));
}

async function axial(page: Page, fx0: number, fy: number) {
  const box = await viewBox(page, 'axial');
  return { x: Math.round(box.x + box.width * fx0), y: Math.round(box.y + box.height * fy) };
}

test('painted segments and the segment list survive a reload byte for byte', async ({ page }) => {
  await nameReader(page, `Reader ${Date.now()}`);
  await openForContouring(page, fx.covid);
  await page.keyboard.press('b');
  await stroke(page, await axial(page, 0.26, 0.45), await axial(page, 0.36, 0.5));
  await page.keyboard.press('Alt+2');
  await stroke(page, await axial(page, 0.26, 0.55), await axial(page, 0.36, 0.55));
  await page.locator('[data-segment="3"] .segment-name').fill('Nodule, right lower lobe');
  await page.locator('[data-segment="3"] .segment-name').press('Enter');
  // Edits close together may share one save; what counts is that the last one is stored.
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');
  expect(await savedVersion(page)).toBeGreaterThanOrEqual(1);
  const hash = await labelHash(page);
  const counts = await page.evaluate(() => window.__ctawViewer!.labelCounts());
  expect(Object.keys(counts)).toEqual(['1', '2']);

  await page.reload();
  await expect(page.locator('[data-tool="brush"]')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('save-status')).toContainText('Your draft was restored');
  expect(await labelHash(page)).toBe(hash);
  await expect(page.locator('[data-segment="3"] .segment-name')).toHaveValue('Nodule, right lower lobe');
  await expect(page.getByTestId('stats-2')).toHaveAttribute('data-voxels', String(counts[2]));
});

test('a tab closed right after painting loses nothing older than half a second', async ({ page, context }) => {
  await nameReader(page, `Closer ${Date.now()}`);
  await openForContouring(page, fx.covid);
  await page.keyboard.press('b');
  await stroke(page, await axial(page, 0.26, 0.45), await axial(page, 0.36, 0.45));
  await page.waitForTimeout(600);
  const safe = await labelIndices(page, 1);
  const hashSafe = await labelHash(page);
  await stroke(page, await axial(page, 0.26, 0.55), await axial(page, 0.36, 0.55));
  const hashAll = await labelHash(page);
  await page.close();

  const again = await context.newPage();
  await again.goto(viewerUrl(fx.covid));
  await expect(again.locator('[data-tool="brush"]')).toBeVisible({ timeout: 90_000 });
  await expect(again.getByTestId('save-status')).toContainText('Your draft was restored');
  // Everything painted more than 500 ms before closing is back; the last stroke may be too.
  const back = new Set(await labelIndices(again, 1));
  expect(safe.every((n) => back.has(n))).toBe(true);
  expect([hashSafe, hashAll]).toContain(await labelHash(again));
});

test('when the browser refuses a write (QuotaExceededError injected into IndexedDB), the reader is told, the earlier save is kept, and the stroke is saved once there is room', async ({ page }) => {
  test.setTimeout(180_000);
  // The fault: while the flag is set, IndexedDB refuses every write as a full quota does.
  await page.addInitScript(() => {
    const w = window as unknown as { __refuseWrites?: boolean };
    for (const method of ['put', 'add'] as const) {
      const original = IDBObjectStore.prototype[method];
      IDBObjectStore.prototype[method] = function (this: IDBObjectStore, ...args: [unknown, IDBValidKey?]) {
        if (w.__refuseWrites) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return original.apply(this, args);
      };
    }
  });
  await nameReader(page, `Quota Reader ${Date.now()}`);
  await openForContouring(page, fx.covid);
  await page.keyboard.press('b');
  await stroke(page, await axial(page, 0.26, 0.45), await axial(page, 0.36, 0.5));
  const firstVersion = await savedVersion(page);

  await page.evaluate(() => ((window as unknown as { __refuseWrites: boolean }).__refuseWrites = true));
  await stroke(page, await axial(page, 0.26, 0.6), await axial(page, 0.4, 0.62));
  const status = page.getByTestId('save-status');
  await expect(status).toHaveAttribute('data-state', 'error');
  await expect(status).toHaveAttribute('role', 'alert');
  await expect(status).toContainText('storage quota full');
  await expect(status).toContainText('earlier saves are kept');
  expect(Number(await status.getAttribute('data-version'))).toBe(firstVersion);
  const painted = await labelHash(page);

  // Room again: the pending slices are retried without another stroke, and survive a reload.
  await page.evaluate(() => ((window as unknown as { __refuseWrites: boolean }).__refuseWrites = false));
  await expect(status).toHaveAttribute('data-state', 'saved', { timeout: 20_000 });
  expect(Number(await status.getAttribute('data-version'))).toBeGreaterThan(firstVersion);
  await page.reload();
  await expect(page.locator('[data-tool="brush"]')).toBeVisible({ timeout: 90_000 });
  await expect(status).toContainText('Your draft was restored');
  expect(await labelHash(page)).toBe(painted);
});
