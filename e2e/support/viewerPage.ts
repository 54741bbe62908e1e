// What a test does with the viewer page: open a series, wait for it, read pixels off the
// canvases, ask where a world point lands on screen.
import { expect, type Page } from '@playwright/test';

export async function waitForVolumeLoaded(page: Page): Promise<void> {
  await expect(page.getByTestId('load-count')).toContainText('loaded', { timeout: 90_000 });
  // A small series can be in before the views are.
  await expect.poll(() => page.evaluate(() => window.__ctawViewer?.viewsUp ?? false), { timeout: 60_000 }).toBe(true);
}

export async function worldToPage(page: Page, viewportId: string, world: number[]): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ({ viewportId, world }) => {
      const viewer = window.__ctawViewer!;
      const [cx, cy] = viewer.worldToCanvas(viewportId, world as [number, number, number])!;
      const rect = document.querySelector(`[data-viewport="${viewportId}"]`)!.getBoundingClientRect();
      return { x: rect.left + cx, y: rect.top + cy };
    },
    { viewportId, world },
  );
}

/** Grey level (0-255) of the on-screen canvas of a view at a page position. */
export async function pixelAt(page: Page, viewportId: string, pageX: number, pageY: number): Promise<number> {
  return page.evaluate(
    ({ viewportId, pageX, pageY }) => {
      const canvas = document.querySelector(`[data-viewport="${viewportId}"] canvas`) as HTMLCanvasElement;
      const rect = canvas.getBoundingClientRect();
      const sx = canvas.width / rect.width;
      const sy = canvas.height / rect.height;
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const ctx = copy.getContext('2d')!;
      ctx.drawImage(canvas, 0, 0);
      const d = ctx.getImageData(Math.round((pageX - rect.left) * sx), Math.round((pageY - rect.top) * sy), 1, 1).data;
      return Math.round((d[0] + d[1] + d[2]) / 3);
    },
    { viewportId, pageX, pageY },
  );
}

/**
 * Mean and standard deviation of the grey levels of a view's canvas, a hash of its pixels, and
 * how many pixels are clearly blue (blue above red by more than 60: a blue segment over the CT).
 */
export async function canvasStats(page: Page, viewportId: string): Promise<{ mean: number; sd: number; hash: number; blueTinted: number }> {
  return page.evaluate((viewportId) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-viewport="${viewportId}"] canvas`);
    // A view not put up yet (the 3D view before it is asked for) shows nothing.
    if (!canvas) return { mean: 0, sd: 0, hash: 0, blueTinted: 0 };
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(canvas, 0, 0);
    const d = ctx.getImageData(0, 0, copy.width, copy.height).data;
    let sum = 0;
    let sum2 = 0;
    let hash = 2166136261;
    let blueTinted = 0;
    const n = d.length / 4;
    for (let p = 0; p < d.length; p += 4) {
      const g = (d[p] + d[p + 1] + d[p + 2]) / 3;
      sum += g;
      sum2 += g * g;
      hash = Math.imul(hash ^ d[p], 16777619) >>> 0;
      if (d[p + 2] - d[p] > 60) blueTinted++;
    }
    const mean = sum / n;
    return { mean, sd: Math.sqrt(Math.max(0, sum2 / n - mean * mean)), hash, blueTinted };
  }, viewportId);
}

/**
 * Colour [r, g, b] (0-255) at a page position of a view as the screen shows it: the view's
 * canvases (the CT, then the labelmap overlay) composited in their stacking order.
 */
export async function pixelAtRgb(page: Page, viewportId: string, pageX: number, pageY: number): Promise<[number, number, number]> {
  return page.evaluate(
    ({ viewportId, pageX, pageY }) => {
      const canvases = [...document.querySelectorAll(`[data-viewport="${viewportId}"] canvas`)] as HTMLCanvasElement[];
      const canvas = canvases[0];
      const rect = canvas.getBoundingClientRect();
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const ctx = copy.getContext('2d')!;
      for (const c of canvases) ctx.drawImage(c, 0, 0, copy.width, copy.height);
      const d = ctx.getImageData(Math.round((pageX - rect.left) * (canvas.width / rect.width)), Math.round((pageY - rect.top) * (canvas.height / rect.height)), 1, 1).data;
      return [d[0], d[1], d[2]] as [number, number, number];
    },
    { viewportId, pageX, pageY },
  );
}
