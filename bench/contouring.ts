// npm run bench -- contouring: painting latency on a 512x512x300 CT in headless Chromium
// (software WebGL here), through the real app, server and Orthanc. Prints JSON lines.
//   tsx bench/contouring.ts APP_BASE ORTHANC_URL
// Each latency is reported end to end (the pointer event's timestamp -> labelmap updated -> the
// next frame produced), and split: *_input_delay_ms, the event's wait before its handler runs
// (Chromium delivers pointer moves aligned to frames), and *_update_ms, the handler's own work
// (labelmap, undo record, statistics, the slice overlay redrawn).
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from './browserMetrics.ts';
import { synthetic300 } from './datasets.ts';
import { emit, median, quantile } from './report.ts';
import { settle } from './pageSettle.ts';

const [appBase = 'http://127.0.0.1:5182', orthancUrl = 'http://127.0.0.1:18644'] = process.argv.slice(2);
const STROKES = Number(process.env.CTAW_BENCH_STROKES ?? 8);
const ds = await synthetic300(orthancUrl);
const log = (what: string) => process.stderr.write(`[contouring bench] ${what}\n`);
const dataset = ds.name;

interface Timing { tool: string; inputDelayMs: number; updateMs: number; frameMs: number }

type Hooks = {
  __ctawViewer: {
    contouring: {
      timings: Timing[];
      lastGrowMs: number;
      editor: { history: { heldBytes: number; clear(): void; undoDepth: number } };
      undo(): void;
    };
    worldToCanvas(id: string, w: number[]): [number, number];
    volumeGeometry(): { origin: number[]; spacing: number[]; dimensions: number[]; direction: number[] };
    scroll(id: string, d: number): void;
  };
  __ctawContouringStore: { getState(): { set(p: Record<string, unknown>): void } };
};

/** Page position of a point in mm from the volume centre along i and j, on the axial view. */
async function axialPoint(page: Page, dxMm: number, dyMm: number): Promise<{ x: number; y: number }> {
  return page.evaluate(({ dxMm, dyMm }) => {
    const w = window as unknown as Hooks;
    const g = w.__ctawViewer.volumeGeometry();
    const world = [0, 1, 2].map((c) => {
      let v = g.origin[c];
      for (let a = 0; a < 3; a++) v += ((g.dimensions[a] - 1) / 2) * g.spacing[a] * g.direction[a * 3 + c];
      return v + dxMm * g.direction[c] + dyMm * g.direction[3 + c];
    });
    const [cx, cy] = w.__ctawViewer.worldToCanvas('axial', world);
    const rect = document.querySelector('[data-viewport="axial"]')!.getBoundingClientRect();
    return { x: rect.left + cx, y: rect.top + cy };
  }, { dxMm, dyMm });
}

async function stroke(page: Page, from: { x: number; y: number }, to: { x: number; y: number }, steps: number): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps });
  await page.mouse.up();
}

async function takeTimings(page: Page): Promise<Timing[]> {
  return page.evaluate(() => {
    const c = (window as unknown as Hooks).__ctawViewer.contouring;
    const t = [...c.timings];
    c.timings.length = 0;
    return t;
  });
}

async function brushRun(page: Page, key: string, name: string, radiusMm: number): Promise<void> {
  await page.keyboard.press(key);
  await page.evaluate((r) => (window as unknown as Hooks).__ctawContouringStore.getState().set({ radiusMm: r }), radiusMm);
  await takeTimings(page);
  const all: Timing[] = [];
  const frameIntervals: number[] = [];
  for (let s = 0; s < STROKES; s++) {
    await settle(page);
    // Strokes across the left lung, one below the other, each 40 mm long.
    const y = -40 + s * 10;
    const from = await axialPoint(page, 50, y);
    const to = await axialPoint(page, 90, y);
    // How often the page produces a frame while the stroke goes on.
    await page.evaluate(`(() => { window.__frames = []; const tick = (t) => { window.__frames.push(t); if (window.__frames.length < 2000) window.__framesId = requestAnimationFrame(tick); }; window.__framesId = requestAnimationFrame(tick); })()`);
    await stroke(page, from, to, 24);
    const frames = await page.evaluate(`(() => { cancelAnimationFrame(window.__framesId); const f = window.__frames; return f.slice(1).map((t, i) => t - f[i]); })()`) as number[];
    frameIntervals.push(...frames);
    await page.waitForTimeout(300);
    // The first event of a stroke waits for nothing; later ones may queue behind the previous
    // frame, which is what a radiologist feels.
    all.push(...(await takeTimings(page)));
  }
  const frame = all.map((t) => t.frameMs);
  const update = all.map((t) => t.updateMs);
  const input = all.map((t) => t.inputDelayMs);
  emit(`${name}_ms_median`, median(frame), 'ms', dataset, { samples: frame.length, radius_mm: radiusMm });
  emit(`${name}_ms_p95`, quantile(frame, 0.95), 'ms', dataset, { samples: frame.length });
  emit(`${name}_update_ms_median`, median(update), 'ms', dataset, { samples: update.length });
  emit(`${name}_update_ms_p95`, quantile(update, 0.95), 'ms', dataset, { samples: update.length });
  emit(`${name}_input_delay_ms_median`, median(input), 'ms', dataset, { samples: input.length });
  emit(`${name}_frame_interval_ms_median`, median(frameIntervals), 'ms', dataset, { samples: frameIntervals.length });
}

/** Calls a session command and times it: to the labelmap updated, and to the axial frame drawn. */
async function timedCommand(page: Page, command: 'undo'): Promise<{ updateMs: number; frameMs: number }> {
  return page.evaluate(async (command) => {
    const c = (window as unknown as Hooks).__ctawViewer.contouring;
    const t0 = performance.now();
    c[command]();
    const t1 = performance.now();
    // After the next frame: a rAF, then a task queued behind it.
    const t2 = await new Promise<number>((r) => requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => r(performance.now());
      channel.port2.postMessage(null);
    }));
    return { updateMs: t1 - t0, frameMs: t2 - t0 };
  }, command);
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${appBase}/viewer/${ds.studyUid}/${ds.seriesUid}`);
  await page.getByTestId('load-count').filter({ hasText: 'loaded' }).waitFor({ timeout: 180_000 });
  await page.locator('[data-tool="brush"]').waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => Boolean((window as unknown as Hooks).__ctawContouringStore));
  log('opened');
  await settle(page);

  log('brush');
  await brushRun(page, 'b', 'brush', 10);
  log('threshold brush');
  await brushRun(page, 't', 'threshold_brush', 10);
  log('sphere brush');
  await brushRun(page, 's', 'sphere_brush', 10);

  log('undo');
  // Undo of a large stroke: a 20 mm sphere brush swept 60 mm (about 200,000 voxels).
  await settle(page);
  await page.keyboard.press('s');
  await page.evaluate(() => (window as unknown as Hooks).__ctawContouringStore.getState().set({ radiusMm: 20 }));
  await page.keyboard.press('Alt+2');
  await stroke(page, await axialPoint(page, 40, -30), await axialPoint(page, 100, -30), 20);
  await settle(page);
  const voxels = await page.evaluate(() => {
    const h = (window as unknown as Hooks).__ctawViewer.contouring.editor.history;
    return h.heldBytes;
  });
  const undo = await timedCommand(page, 'undo');
  emit('undo_ms', undo.frameMs, 'ms', dataset, { changed_voxels_approx: Math.round(voxels / 6) });
  emit('undo_update_ms', undo.updateMs, 'ms', dataset);

  log('region growing');
  // 3D region growing stopped at 200,000 voxels, seeded in the lung (-850 HU).
  await settle(page);
  await page.keyboard.press('Shift+G');
  await page.evaluate(() => (window as unknown as Hooks).__ctawContouringStore.getState().set({ growToleranceHu: 100, growMaxVoxels: 200_000 }));
  const seed = await axialPoint(page, -70, 40);
  const growTimes: number[] = [];
  for (let r = 0; r < 3; r++) {
    await settle(page);
    await page.mouse.click(seed.x, seed.y);
    await page.waitForTimeout(200);
    growTimes.push(await page.evaluate(() => (window as unknown as Hooks).__ctawViewer.contouring.lastGrowMs));
    await timedCommand(page, 'undo');
  }
  emit('region_grow_ms', median(growTimes), 'ms', dataset, { voxels: 200_000, runs: growTimes.map(Math.round) });

  log('undo memory');
  // Memory of 50 typical strokes in the undo history: 10 mm brush strokes of 30-40 mm.
  await settle(page);
  await page.keyboard.press('b');
  await page.evaluate(() => {
    (window as unknown as Hooks).__ctawContouringStore.getState().set({ radiusMm: 10 });
    (window as unknown as Hooks).__ctawViewer.contouring.editor.history.clear();
  });
  for (let s = 0; s < 50; s++) {
    if (s % 10 === 0) await page.evaluate(() => (window as unknown as Hooks).__ctawViewer.scroll('axial', 3));
    const y = -45 + (s % 10) * 10;
    await stroke(page, await axialPoint(page, 45 + (s % 3) * 5, y), await axialPoint(page, 85, y + 5), 6);
  }
  await settle(page);
  const held = await page.evaluate(() => {
    const h = (window as unknown as Hooks).__ctawViewer.contouring.editor.history;
    return { bytes: h.heldBytes, depth: h.undoDepth };
  });
  emit('undo_memory_mb', held.bytes / 2 ** 20, 'MiB', dataset, { steps: held.depth });
} finally {
  await browser.close();
}
