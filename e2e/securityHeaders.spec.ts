// The app works under the gateway's Content-Security-Policy (server/http/securityHeaders.ts):
// the study browser, a viewer decoding JPEG-LS frames in its WebAssembly codec workers, a brush
// stroke (the tools' cursors are blob: images), and the service worker, without one violation.
import { expect, test, type ConsoleMessage, type Page } from '@playwright/test';
import { labelIndices, stroke, viewBox } from './support/contouring.ts';
import { fixtures, viewerUrl } from './support/fixtures.ts';
import { waitForVolumeLoaded } from './support/viewerPage.ts';

const fx = fixtures();

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

/** Every CSP violation the page reports (the event) or logs (Chromium's console message), from its first script on. */
async function watchCsp(page: Page): Promise<() => Promise<string[]>> {
  const logged: string[] = [];
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations!.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const onConsole = (m: ConsoleMessage) => {
    if (/content security policy|content-security-policy|wasm-unsafe-eval|unsafe-eval/i.test(m.text())) logged.push(`console ${m.type()}: ${m.text()}`);
  };
  page.on('console', onConsole);
  page.on('pageerror', (err) => {
    if (/EvalError|content security policy/i.test(String(err))) logged.push(`page error: ${String(err)}`);
  });
  return async () => [...logged, ...(await page.evaluate(() => window.__cspViolations ?? []))];
}

test('the study browser and a viewer decoding JPEG-LS in the browser, with a brush stroke, run with no CSP violation', async ({ page }) => {
  const violations = await watchCsp(page);
  const home = await page.goto('/');
  const csp = home!.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+')+;/);
  expect(csp).not.toContain("'unsafe-eval'");
  expect(home!.headers()['x-content-type-options']).toBe('nosniff');
  await expect(page.locator(`[data-study-uid="${fx.covid.studyUid}"]`)).toBeVisible();
  expect(await violations()).toEqual([]);

  // The archive asked for the stored syntax (as one that cannot transcode answers): the frames
  // are JPEG-LS, decoded by the image loader's WebAssembly codec in a worker.
  const frameTypes: string[] = [];
  page.on('response', (r) => { if (r.url().includes('/frames/')) frameTypes.push(r.headers()['content-type'] ?? ''); });
  await page.route('**/frames/**', (route) => route.continue({
    headers: { ...route.request().headers(), accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' },
  }));
  const viewer = await page.goto(viewerUrl(fx.jpegls));
  expect(viewer!.headers()['content-security-policy']).toBe(csp);
  await waitForVolumeLoaded(page);
  expect(frameTypes.length).toBeGreaterThan(0);
  for (const t of frameTypes) expect(t).toContain('1.2.840.10008.1.2.4.80');
  expect(await page.evaluate(() => window.__ctawViewer!.voxelAt(10, 10, 0))).not.toBeNull();

  await expect(page.locator('[data-tool="brush"]')).toBeVisible();
  await page.keyboard.press('b');
  const box = await viewBox(page, 'axial');
  await stroke(page, { x: box.x + box.width * 0.4, y: box.y + box.height * 0.5 }, { x: box.x + box.width * 0.6, y: box.y + box.height * 0.5 });
  expect((await labelIndices(page, 1)).length).toBeGreaterThan(0);
  expect(await violations()).toEqual([]);
});

test.describe('with the service worker', () => {
  test.use({ serviceWorkers: 'allow' });

  test('the service worker installs, takes the page over and caches the assets with no CSP violation', async ({ page }) => {
    const violations = await watchCsp(page);
    await page.goto('/');
    await page.waitForFunction(() => navigator.serviceWorker.ready.then(() => true));
    await page.reload();
    await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
    await expect(page.locator(`[data-study-uid="${fx.covid.studyUid}"]`)).toBeVisible();
    // The asset list the page hands the worker is fetched into Cache Storage.
    await expect.poll(() => page.evaluate(async () => (await (await caches.open('ctaw-assets-v1')).keys()).length), { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await violations()).toEqual([]);
  });
});
