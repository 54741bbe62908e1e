// Measures the viewer opening a series in a fresh headless Chromium, by a deep link or as a
// reader opens a case inside the running app: User Timing marks set by the app, bytes received
// (Playwright's network events), peak main-thread JS heap (CDP) and peak PSS of the whole browser
// process tree (/proc/<pid>/smaps_rollup, as ../shared/peers measures it).
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  '--disable-quic', '--disable-dev-shm-usage', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
];

export interface PageLoadMetrics {
  seriesOpenMs: number;
  firstImageMs: number;
  volumeLoadedMs: number;
  bytesMb: number;
  jsHeapMb: number;
  browserPssMb: number;
}

function processTree(rootMarker: string): number[] {
  const pids: number[] = [];
  const parents = new Map<number, number>();
  let root = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(name), ppid);
      if (!root && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(rootMarker) && !readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('--type=')) root = Number(name);
    } catch {
      /* process ended */
    }
  }
  if (!root) return pids;
  const inTree = (pid: number): boolean => {
    for (let p = pid, n = 0; p > 1 && n < 20; p = parents.get(p) ?? 0, n++) if (p === root) return true;
    return false;
  };
  for (const pid of parents.keys()) if (inTree(pid)) pids.push(pid);
  return pids;
}

function treePssKb(rootMarker: string): number {
  let total = 0;
  for (const pid of processTree(rootMarker)) {
    try {
      const m = /^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (m) total += Number(m[1]);
    } catch {
      /* gone */
    }
  }
  return total;
}

/**
 * One page load of `url` in a fresh browser (a deep link: the browser's own start-up counts, and
 * no service worker yet), marks relative to the navigation.
 */
export function measurePageLoad(url: string, timeoutMs = 180_000): Promise<PageLoadMetrics> {
  return measureInFreshBrowser(timeoutMs, async (page, count) => {
    count();
    await page.goto(url);
    return 0;
  }, 'block');
}

/**
 * A case opened the way a reader opens every case after the first: the app already running in
 * the browser (its service worker in control, the browser started), then the case's page reached
 * inside the app (routeStore.navigate: what a click in the worklist does). Marks are relative
 * to that moment.
 */
export function measureCaseOpen(appBase: string, path: string, timeoutMs = 180_000): Promise<PageLoadMetrics> {
  return measureInFreshBrowser(timeoutMs, async (page, count) => {
    await page.goto(`${appBase}/`);
    await page.waitForFunction(() => Boolean(navigator.serviceWorker?.controller), null, { timeout: 30_000 });
    await page.goto(`${appBase}/`); // a later visit: the app from the service worker's cache
    await page.waitForTimeout(3000); // the reader looks at the worklist; the app idles
    count();
    return page.evaluate((p) => {
      const t0 = performance.now();
      history.pushState(null, '', p);
      dispatchEvent(new PopStateEvent('popstate'));
      return t0;
    }, path);
  }, 'allow');
}

/** A browser just started, on a profile of its own (treePssKb finds its processes by it). */
async function freshBrowser(serviceWorkers: 'allow' | 'block') {
  const profile = mkdtempSync(join(tmpdir(), 'ctaw-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1600, height: 900 }, serviceWorkers });
  return { profile, context };
}

/** The first paint of a static page in a fresh browser: what no page can be faster than. */
export async function browserFirstPaintMs(appBase: string): Promise<number> {
  const { profile, context } = await freshBrowser('block');
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${appBase}/favicon.svg`);
    await page.waitForFunction(() => performance.getEntriesByType('paint').length > 0, null, { timeout: 30_000, polling: 20 });
    return await page.evaluate(() => performance.getEntriesByType('paint')[0].startTime);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function measureInFreshBrowser(timeoutMs: number, open: (page: Page, count: () => void) => Promise<number>, serviceWorkers: 'allow' | 'block'): Promise<PageLoadMetrics> {
  const { profile, context } = await freshBrowser(serviceWorkers);
  let peakPssKb = 0;
  let peakHeap = 0;
  let bytes = 0;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    // Playwright's events include the frame worker's requests, which the page's own CDP session
    // does not see; for those it reports no body size, so the declared length stands in.
    const sizes: Array<Promise<void>> = [];
    let counting = false;
    page.on('requestfinished', (request) => {
      if (!counting) return;
      sizes.push(
        Promise.all([request.sizes(), request.response()]).then(
          ([s, response]) => void (bytes += s.responseHeadersSize + (s.responseBodySize || Number(response?.headers()['content-length'] ?? 0))),
          () => undefined,
        ),
      );
    });
    const sampler = setInterval(() => {
      peakPssKb = Math.max(peakPssKb, treePssKb(profile));
      void cdp.send('Performance.getMetrics').then(
        (r: { metrics: Array<{ name: string; value: number }> }) => {
          const heap = r.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
          peakHeap = Math.max(peakHeap, heap);
        },
        () => undefined,
      );
    }, 250);
    let t0 = 0;
    try {
      t0 = await open(page, () => (counting = true));
      await page.waitForFunction(() => performance.getEntriesByName('volume-loaded').length > 0, null, { timeout: timeoutMs, polling: 100 });
      await page.waitForTimeout(1500); // 3D view attaches after loading: let it settle into the peak
    } finally {
      clearInterval(sampler);
    }
    await Promise.all(sizes);
    if (process.env.CTAW_BENCH_MARKS) console.error(await page.evaluate((t) => performance.getEntriesByType('mark').map((m) => `${m.name}=${Math.round(m.startTime - t)}`).join(' '), t0));
    const marks = await page.evaluate(() => ({
      open: performance.getEntriesByName('series-open')[0]?.startTime ?? NaN,
      first: performance.getEntriesByName('first-image')[0]?.startTime ?? NaN,
      loaded: performance.getEntriesByName('volume-loaded')[0]?.startTime ?? NaN,
    }));
    return { seriesOpenMs: marks.open - t0, firstImageMs: marks.first - t0, volumeLoadedMs: marks.loaded - t0, bytesMb: bytes / 2 ** 20, jsHeapMb: peakHeap / 2 ** 20, browserPssMb: peakPssKb / 1024 };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
