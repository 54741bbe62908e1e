// Measures one page load of the viewer in a fresh headless Chromium: User Timing marks set by
// the app, bytes received (Playwright's network events), peak main-thread JS heap (CDP) and peak PSS of the whole
// browser process tree (/proc/<pid>/smaps_rollup, as ../shared/peers measures it).
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

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

export async function measurePageLoad(url: string, timeoutMs = 180_000): Promise<PageLoadMetrics> {
  const profile = mkdtempSync(join(tmpdir(), 'ctaw-bench-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1600, height: 900 },
    serviceWorkers: 'block',
  });
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
    page.on('requestfinished', (request) => {
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
    try {
      await page.goto(url);
      await page.waitForFunction(() => performance.getEntriesByName('volume-loaded').length > 0, null, { timeout: timeoutMs, polling: 100 });
      await page.waitForTimeout(1500); // 3D view attaches after loading: let it settle into the peak
    } finally {
      clearInterval(sampler);
    }
    await Promise.all(sizes);
    if (process.env.CTAW_BENCH_MARKS) console.error(await page.evaluate(() => performance.getEntriesByType('mark').map((m) => `${m.name}=${Math.round(m.startTime)}`).join(' ')));
    const marks = await page.evaluate(() => ({
      open: performance.getEntriesByName('series-open')[0]?.startTime ?? NaN,
      first: performance.getEntriesByName('first-image')[0]?.startTime ?? NaN,
      loaded: performance.getEntriesByName('volume-loaded')[0]?.startTime ?? NaN,
    }));
    return { seriesOpenMs: marks.open, firstImageMs: marks.first, volumeLoadedMs: marks.loaded, bytesMb: bytes / 2 ** 20, jsHeapMb: peakHeap / 2 ** 20, browserPssMb: peakPssKb / 1024 };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
