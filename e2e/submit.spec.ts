// Submitting a read: the labelmap becomes a DICOM-SEG that the archive stores exactly once, that
// dciodvfy accepts and that decodes back to the labelmap on screen. Submitted while offline
// (the browser's network cut), it waits in the outbox and goes out when the network is back.
import { expect, test } from '@playwright/test';
import { answerRequiredItems } from './support/readForm.ts';
import { dciodvfy } from '../src/dicom/dicomTools.testSupport.ts';
import { fixtures } from './support/fixtures.ts';
import { nameReader, segInstancesOnServer } from './support/reader.ts';
import { labelIndices, openForContouring, stroke, viewBox } from './support/contouring.ts';
import { decodeOnOpenCt, fetchInstance, indicesOf, waitForOutboxSent } from './support/serverSeg.ts';

const fx = fixtures();
const base = process.env.CTAW_BASE_URL ?? 'http://127.0.0.1:5181';

test('a read submitted offline (network cut in the browser) reaches the archive once when the network is back, as a SEG dciodvfy accepts that decodes to the labelmap', async ({ page, context }) => {
  const reader = `Offline Reader ${Date.now()}`;
  await nameReader(page, reader);
  const g = await openForContouring(page, fx.covid);
  const box = await viewBox(page, 'axial');
  const at = (x: number, y: number) => ({ x: box.x + box.width * x, y: box.y + box.height * y });
  await page.keyboard.press('b');
  await stroke(page, at(0.26, 0.45), at(0.36, 0.5));
  await page.keyboard.press('Alt+2');
  await stroke(page, at(0.6, 0.5), at(0.7, 0.55));
  await answerRequiredItems(page);

  await context.setOffline(true);
  await page.getByTestId('submit-read').click();
  await expect(page.getByTestId('submit-message')).toContainText('Queued for the server');
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'offline');
  // The SEG and the read form's SR, one read.
  await expect(page.getByTestId('sync-status')).toContainText('2 waiting');
  expect(await segInstancesOnServer(fx.covid.studyUid, reader)).toEqual([]);

  await context.setOffline(false);
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced', { timeout: 60_000 });
  const stored = await segInstancesOnServer(fx.covid.studyUid, reader);
  expect(stored).toHaveLength(1);

  const bytes = await fetchInstance(fx.covid.studyUid, stored[0].series, stored[0].sop);
  expect(dciodvfy(bytes, 'seg.dcm').errors).toEqual([]);

  const decoded = await decodeOnOpenCt(page, bytes);
  expect(decoded.segments.map((s) => s.label)).toEqual(['Ground-glass opacity', 'Consolidation', 'Other lesion']);
  for (const value of [1, 2]) {
    const onScreen = await labelIndices(page, value);
    const fromServer = indicesOf(decoded.labels, value);
    expect(fromServer.length, `segment ${value}`).toBe(onScreen.length);
    expect(fromServer).toEqual(onScreen);
  }
  expect(g.dimensions[0] * g.dimensions[1] * g.dimensions[2]).toBe(decoded.labels.length);
});

test('a reader who submitted on one machine finds the result on another (a fresh browser profile, no local draft) and the next submission there is numbered after it', async ({ page, browser }) => {
  // Two profiles open the CT in software WebGL, and each submits.
  test.setTimeout(240_000);
  const reader = `Travelling Reader ${Date.now()}`;
  await nameReader(page, reader);
  await openForContouring(page, fx.covid);
  const box = await viewBox(page, 'axial');
  await page.keyboard.press('b');
  await stroke(page, { x: box.x + box.width * 0.26, y: box.y + box.height * 0.45 }, { x: box.x + box.width * 0.36, y: box.y + box.height * 0.5 });
  await page.keyboard.press('Alt+3');
  await stroke(page, { x: box.x + box.width * 0.6, y: box.y + box.height * 0.5 }, { x: box.x + box.width * 0.7, y: box.y + box.height * 0.5 });
  const hash = await page.evaluate(() => window.__ctawViewer!.labelHash());
  await answerRequiredItems(page);
  await page.getByTestId('submit-read').click();
  await expect(page.getByTestId('submit-message')).toContainText('Queued for the server');
  await waitForOutboxSent(page, 2);

  const other = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
  const page2 = await other.newPage();
  await nameReader(page2, reader);
  await openForContouring(page2, fx.covid);
  await expect(page2.getByTestId('restored-message')).toContainText('loaded from the server');
  expect(await page2.evaluate(() => window.__ctawViewer!.labelHash())).toBe(hash);
  await expect(page2.locator('[data-segment="3"] .segment-name')).toHaveValue('Other lesion');

  // Submitting again there numbers the new SEG after the one the archive holds.
  await answerRequiredItems(page2);
  await page2.getByTestId('submit-read').click();
  await expect(page2.getByTestId('submit-message')).toContainText('Queued for the server');
  // This profile's outbox: the new SEG and its form, both sent.
  await waitForOutboxSent(page2, 2);
  const stored = await segInstancesOnServer(fx.covid.studyUid, reader);
  expect(stored).toHaveLength(2);
  const numbers = await Promise.all(stored.map(async (s) => {
    const json = (await (await fetch(`${base}/dicom-web/studies/${fx.covid.studyUid}/series/${s.series}/instances?SOPInstanceUID=${s.sop}&includefield=00200013`)).json()) as Array<Record<string, { Value?: number[] }>>;
    return json[0]['00200013'].Value![0];
  }));
  expect(numbers.sort()).toEqual([1, 2]);
  await other.close();
});
