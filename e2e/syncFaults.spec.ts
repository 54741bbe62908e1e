// The sync engine under faults, injected by a proxy of our own between the browser and the
// gateway (e2e/support/faultProxy.ts): error answers, an upload that hangs, an upload cut off in
// the middle, an answer lost after the archive stored the result, and Orthanc stopped and started
// again while the result is on its way. Each ends with the result stored exactly once, the status
// saying all synced, and the reader's labelmap untouched. (The SEG goes first; the read form's SR
// follows it as a last, unfaulted upload.)
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { answerRequiredItems } from './support/readForm.ts';
import { fixtures } from './support/fixtures.ts';
import { nameReader, segInstancesOnServer } from './support/reader.ts';
import { labelHash, openForContouring, stroke, viewBox } from './support/contouring.ts';
import { startFaultProxy, type FaultProxy } from './support/faultProxy.ts';
import { waitForOutboxSent } from './support/serverSeg.ts';

const fx = fixtures();
const PROXY_PORT = Number(process.env.CTAW_FAULT_PROXY_PORT ?? 5191);
const gateway = process.env.CTAW_BASE_URL ?? 'http://127.0.0.1:5181';
const orthancUrl = new URL(process.env.CTAW_ORTHANC_URL ?? 'http://127.0.0.1:18643');
const orthancDir = process.env.CTAW_ORTHANC_DIR ?? resolve(import.meta.dirname, '../.data/test-orthanc');
const orthancScript = resolve(import.meta.dirname, '../scripts/orthanc.sh');

let proxy: FaultProxy;
test.beforeAll(async () => {
  proxy = await startFaultProxy(gateway, PROXY_PORT);
});
test.afterAll(async () => proxy.close());
test.use({ baseURL: `http://127.0.0.1:${PROXY_PORT}` });

async function paintAndSubmit(page: Page, reader: string): Promise<string> {
  await nameReader(page, reader);
  await openForContouring(page, fx.covid);
  const box = await viewBox(page, 'axial');
  await page.keyboard.press('b');
  await stroke(page, { x: box.x + box.width * 0.26, y: box.y + box.height * 0.45 }, { x: box.x + box.width * 0.36, y: box.y + box.height * 0.5 });
  const painted = await labelHash(page);
  await answerRequiredItems(page);
  await page.getByTestId('submit-read').click();
  await expect(page.getByTestId('submit-message')).toContainText('Queued for the server');
  return painted;
}

test('STOW answered 503, then 500, then hanging past the time-out, then stored with its answer lost (fault-injecting proxy): stored once, shown as synced', async ({ page }) => {
  // One request waits out the sync engine's 30 s time-out, plus backoff between the tries.
  test.setTimeout(240_000);
  proxy.queueStowFaults({ kind: 'status', status: 503 }, { kind: 'status', status: 500 }, { kind: 'hang' }, { kind: 'lose-answer' });
  const before = proxy.attempts.length;
  const reader = `Faulty Network Reader ${Date.now()}`;
  const painted = await paintAndSubmit(page, reader);
  await waitForOutboxSent(page, 2, 150_000);
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced');
  expect(proxy.attempts.slice(before).map((a) => a.fault)).toEqual(['status', 'status', 'hang', 'lose-answer', 'pass', 'pass']);
  expect(await segInstancesOnServer(fx.covid.studyUid, reader)).toHaveLength(1);
  expect(await labelHash(page)).toBe(painted);
});

test('STOW cut off in the middle of the upload, then Orthanc stopped and started again while the result is on its way (fault-injecting proxy): stored once, nothing lost', async ({ page }) => {
  test.setTimeout(180_000);
  const restartOrthanc = {
    kind: 'around' as const,
    before: async () => {
      execFileSync('bash', [orthancScript, 'stop', orthancDir], { stdio: 'ignore' });
    },
    after: async () => {
      execFileSync('bash', [orthancScript, 'start', orthancDir, orthancUrl.port], { stdio: 'ignore' });
    },
  };
  proxy.queueStowFaults({ kind: 'cut-upload', afterBytes: 20_000 }, restartOrthanc);
  const before = proxy.attempts.length;
  const reader = `Restarted Archive Reader ${Date.now()}`;
  const painted = await paintAndSubmit(page, reader);
  await waitForOutboxSent(page, 2, 120_000);
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced');
  const tried = proxy.attempts.slice(before);
  // The last is the read form's SR, sent after its SEG.
  expect(tried.map((a) => a.fault)).toEqual(['cut-upload', 'around', 'pass', 'pass']);
  // With Orthanc down the gateway answers an error; the next try stores the result.
  expect(tried[1].status).toBeGreaterThanOrEqual(500);
  expect(await segInstancesOnServer(fx.covid.studyUid, reader)).toHaveLength(1);
  expect(await labelHash(page)).toBe(painted);
});
