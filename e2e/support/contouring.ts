// What the contouring tests do with the page: open a series ready to paint, stroke with the
// real mouse, read the labelmap back, and compute from the stroke path, the radius and the
// voxel geometry which voxels a stroke must paint (a reference independent of the app's code).
import { expect, type Page } from '@playwright/test';
import type { FixtureSeries } from './fixtures.ts';
import { viewerUrl } from './fixtures.ts';
import { waitForVolumeLoaded } from './viewerPage.ts';

export interface Geometry { origin: number[]; spacing: number[]; dimensions: number[]; direction: number[] }
export interface PagePoint { x: number; y: number }

export async function openForContouring(page: Page, series: FixtureSeries): Promise<Geometry> {
  await page.goto(viewerUrl(series));
  await waitForVolumeLoaded(page);
  await expect(page.locator('[data-tool="brush"]')).toBeVisible();
  return (await page.evaluate(() => window.__ctawViewer!.volumeGeometry()))!;
}

export async function setToolOptions(page: Page, patch: Record<string, unknown>): Promise<void> {
  await page.evaluate((p) => window.__ctawContouringStore!.getState().set(p), patch);
}

export async function viewBox(page: Page, viewportId: string): Promise<{ x: number; y: number; width: number; height: number }> {
  return (await page.locator(`[data-viewport="${viewportId}"]`).boundingBox())!;
}

/** A straight stroke with the left button: press at `from`, move in steps, release at `to`. */
export async function stroke(page: Page, from: PagePoint, to: PagePoint, steps = 12): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps });
  await page.mouse.up();
  await waitForEditsSettled(page);
}

/** Statistics are published a moment after the last edit; wait until the numbers agree. */
export async function waitForEditsSettled(page: Page): Promise<void> {
  await page.waitForTimeout(250);
}

/** The world point (mm) under a page position on a view, as the app computes it. */
export async function worldAt(page: Page, viewportId: string, p: PagePoint): Promise<number[]> {
  return page.evaluate(({ viewportId, p }) => {
    const rect = document.querySelector(`[data-viewport="${viewportId}"]`)!.getBoundingClientRect();
    return window.__ctawViewer!.canvasToWorld(viewportId, [p.x - rect.left, p.y - rect.top])!;
  }, { viewportId, p });
}

export function worldToIjk(g: Geometry, w: number[]): number[] {
  return [0, 1, 2].map((a) => {
    let dot = 0;
    for (let c = 0; c < 3; c++) dot += (w[c] - g.origin[c]) * g.direction[a * 3 + c];
    return dot / g.spacing[a];
  });
}

export function index(g: Geometry, i: number, j: number, k: number): number {
  return i + g.dimensions[0] * (j + g.dimensions[1] * k);
}

/**
 * Voxels of axial slice k whose centres lie within r mm of the segment a-b (in-plane), split
 * into those clearly inside and those within 1 µm of the edge, where rounding may go either way.
 */
export function axialCapsule(g: Geometry, a: number[], b: number[], rMm: number): { inside: Set<number>; edge: Set<number> } {
  const [sx, sy] = g.spacing;
  const k = Math.round(a[2]);
  const inside = new Set<number>();
  const edge = new Set<number>();
  const ax = a[0] * sx, ay = a[1] * sy, bx = b[0] * sx, by = b[1] * sy;
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  for (let j = 0; j < g.dimensions[1]; j++) {
    for (let i = 0; i < g.dimensions[0]; i++) {
      const px = i * sx, py = j * sy;
      const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
      const d = Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
      if (Math.abs(d - rMm) < 1e-3) edge.add(index(g, i, j, k));
      else if (d < rMm) inside.add(index(g, i, j, k));
    }
  }
  return { inside, edge };
}

export async function labelIndices(page: Page, value: number): Promise<number[]> {
  return page.evaluate((v) => window.__ctawViewer!.labelIndices(v), value);
}

export async function labelHash(page: Page): Promise<string> {
  return page.evaluate(() => window.__ctawViewer!.labelHash());
}

/** Checks a painted set against a reference: every sure voxel painted, nothing outside it. */
export function expectSameVoxels(painted: number[], ref: { inside: Set<number>; edge: Set<number> }): void {
  const got = new Set(painted);
  const missing = [...ref.inside].filter((n) => !got.has(n));
  const extra = painted.filter((n) => !ref.inside.has(n) && !ref.edge.has(n));
  expect(missing, 'voxels the stroke covers that were not painted').toEqual([]);
  expect(extra, 'voxels painted outside the stroke').toEqual([]);
}
