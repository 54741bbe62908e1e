// A reader's result series: a random UID nobody else can compute (not the one derived from the
// case and the reader's name, as before), kept across a reload and reused by the next submit; and
// a draft saved by the release before (IndexedDB schema version 3) opens after the migration.
import { expect, test, type Page } from '@playwright/test';
import { answerRequiredItems, showPanel } from './support/readForm.ts';
import { fixtures, viewerUrl } from './support/fixtures.ts';
import { nameReader, segInstancesOnServer } from './support/reader.ts';
import { labelHash, openForContouring, stroke, viewBox } from './support/contouring.ts';
import { waitForOutboxSent } from './support/serverSeg.ts';

const fx = fixtures();

/** The UID results used to have: SHA-256 of the case and the reader (src/read/readSeries.ts legacySeriesUids). */
function derivedSeriesUid(page: Page, text: string): Promise<string> {
  return page.evaluate(async (t) => {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(t)));
    let hex = '';
    for (const b of digest.subarray(0, 16)) hex += b.toString(16).padStart(2, '0');
    return `2.25.${BigInt(`0x${hex}`).toString()}`;
  }, text);
}

async function paint(page: Page, y: number): Promise<void> {
  const box = await viewBox(page, 'axial');
  await page.keyboard.press('b');
  await stroke(page, { x: box.x + box.width * 0.26, y: box.y + box.height * y }, { x: box.x + box.width * 0.36, y: box.y + box.height * y });
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');
}

test("a reader's SEG series is random, not derived from the case and the reader, and survives a reload into the next submit", async ({ page }) => {
  const reader = `Series Reader ${Date.now()}`;
  await nameReader(page, reader);
  await openForContouring(page, fx.covid);
  await paint(page, 0.45);
  await answerRequiredItems(page);
  await page.getByTestId('submit-read').click();
  await expect(page.getByTestId('submit-message')).toContainText('Queued for the server');
  const series = await page.evaluate(() => window.__ctawRead!.ownSegSeriesUid());
  expect(series).toMatch(/^2\.25\.\d+$/);
  expect(series).not.toBe(await derivedSeriesUid(page, `ctaw-seg-series/${fx.covid.studyUid}/${fx.covid.seriesUid}/${reader}`));
  await waitForOutboxSent(page, 2);

  await page.reload();
  await expect(page.locator('[data-tool="brush"]')).toBeVisible({ timeout: 90_000 });
  expect(await page.evaluate(() => window.__ctawRead!.ownSegSeriesUid())).toBe(series);
  await showPanel(page, 'segments');
  await paint(page, 0.55);
  await page.getByTestId('submit-read').click();
  await expect(page.getByTestId('submit-message')).toContainText('Queued for the server');
  await waitForOutboxSent(page, 4);
  const stored = await segInstancesOnServer(fx.covid.studyUid, reader);
  expect(stored).toHaveLength(2);
  expect(new Set(stored.map((s) => s.series))).toEqual(new Set([series]));
});

test('a draft saved before the IndexedDB migration (schema version 3) opens after it, byte for byte', async ({ page }) => {
  await nameReader(page, `Migrated Reader ${Date.now()}`);
  await openForContouring(page, fx.covid);
  await paint(page, 0.5);
  const hash = await labelHash(page);

  // Off the app (no code of it running), the database is put back as release 3 left it: the same
  // rows, the schema of version 3 (Dexie's IndexedDB version 30), no table of version 4.
  await page.goto('/study-config.json');
  const before = await page.evaluate(async () => {
    const open = (version?: number, upgrade?: (db: IDBDatabase) => void) =>
      new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('ctaw', version);
        req.onupgradeneeded = () => upgrade?.(req.result);
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    const all = (db: IDBDatabase, store: string) =>
      new Promise<unknown[]>((resolve, reject) => {
        const req = db.transaction(store).objectStore(store).getAll();
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    const current = await open();
    const tables = ['drafts', 'draftSlices', 'segmentLists'];
    const rows = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await all(current, t)] as const)));
    current.close();
    await new Promise((resolve, reject) => {
      const req = indexedDB.deleteDatabase('ctaw');
      req.onsuccess = resolve;
      req.onerror = reject;
    });
    const key = ['caseKey', 'user'];
    const v3 = await open(30, (db) => {
      const store = (name: string, keyPath: string | string[], indexes: Array<[string, string | string[]]>, autoIncrement = false) => {
        const s = db.createObjectStore(name, { keyPath, autoIncrement });
        for (const [index, path] of indexes) s.createIndex(index, path);
      };
      store('drafts', key, [['updatedAt', 'updatedAt']]);
      store('draftSlices', ['caseKey', 'user', 'k'], [['[caseKey+user]', key]]);
      store('segmentLists', key, []);
      store('formAnswers', ['caseKey', 'user', 'itemId'], [['[caseKey+user]', key]]);
      store('outbox', 'id', [['[caseKey+user]', key], ['state', 'state'], ['createdAt', 'createdAt']], true);
      store('syncLog', 'id', [['at', 'at'], ['[caseKey+user]', key]], true);
      store('offlineSeries', ['studyUid', 'seriesUid'], [['savedAt', 'savedAt']]);
      store('measurements', ['caseKey', 'user', 'id'], [['[caseKey+user]', key]]);
    });
    const tx = v3.transaction(tables, 'readwrite');
    for (const t of tables) for (const row of rows[t]) tx.objectStore(t).put(row);
    await new Promise((resolve) => (tx.oncomplete = resolve));
    const state = { version: v3.version, stores: [...v3.objectStoreNames], drafts: rows.drafts.length };
    v3.close();
    return state;
  });
  expect(before).toMatchObject({ version: 30, drafts: 1 });
  expect(before.stores).not.toContain('readSeries');

  await page.goto(viewerUrl(fx.covid));
  await expect(page.locator('[data-tool="brush"]')).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('save-status')).toContainText('Your draft was restored');
  expect(await labelHash(page)).toBe(hash);
  const after = await page.evaluate(
    () =>
      new Promise<{ version: number; stores: string[] }>((resolve) => {
        const req = indexedDB.open('ctaw');
        req.onsuccess = () => {
          resolve({ version: req.result.version, stores: [...req.result.objectStoreNames] });
          req.result.close();
        };
      }),
  );
  // Migrated through every later version (Dexie's version N is IndexedDB's N × 10): 4 added the
  // result series UIDs, 5 the kept lung masks.
  expect(after.version).toBe(50);
  expect(after.stores).toContain('readSeries');
  expect(after.stores).toContain('quant');
});
