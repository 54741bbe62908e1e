// A radiologist contours lesions on the COVID-19 chest CT with the real mouse: each tool paints
// exactly the voxels its definition says (checked against a reference computed here from the
// stroke path, the radius, the voxel spacing and the CT's HU), undo/redo are exact, and a
// locked segment survives every tool.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { fixtures } from './support/fixtures.ts';
import { canvasStats, pixelAtRgb } from './support/viewerPage.ts';
import {
  axialCapsule, expectSameVoxels, index, labelHash, labelIndices, openForContouring, setToolOptions, stroke, viewBox, worldAt, worldToIjk,
  type Geometry, type PagePoint,
} from './support/contouring.ts';

const fx = fixtures();

/** Points on the axial view as fractions of its box (the COVID CT's right lung is at x≈0.3). */
async function axialPoints(page: Page, ...fractions: Array<[number, number]>): Promise<PagePoint[]> {
  const box = await viewBox(page, 'axial');
  return fractions.map(([fx, fy]) => ({ x: Math.round(box.x + box.width * fx), y: Math.round(box.y + box.height * fy) }));
}

async function strokeReference(page: Page, g: Geometry, from: PagePoint, to: PagePoint, radiusMm: number) {
  const a = worldToIjk(g, await worldAt(page, 'axial', from));
  const b = worldToIjk(g, await worldAt(page, 'axial', to));
  return axialCapsule(g, a, b, radiusMm);
}

test('a brush stroke paints the voxels within the radius of its path on the slice, in the segment colour, with its volume', async ({ page }) => {
  const g = await openForContouring(page, fx.covid);
  const [from, to] = await axialPoints(page, [0.27, 0.48], [0.38, 0.52]);
  const mid = { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 };
  const before = await pixelAtRgb(page, 'axial', mid.x, mid.y);

  await page.keyboard.press('b');
  await expect(page.locator('[data-tool="brush"]')).toHaveAttribute('aria-pressed', 'true');
  await setToolOptions(page, { radiusMm: 6 });
  await stroke(page, from, to);

  const painted = await labelIndices(page, 1);
  const ref = await strokeReference(page, g, from, to, 6);
  expect(ref.inside.size).toBeGreaterThan(500);
  expectSameVoxels(painted, ref);
  expect(await labelIndices(page, 2)).toEqual([]);

  // The panel shows the count and the volume from the real voxel size.
  const voxelMl = (g.spacing[0] * g.spacing[1] * g.spacing[2]) / 1000;
  const stats = page.getByTestId('stats-1');
  await expect(stats).toHaveAttribute('data-voxels', String(painted.length));
  expect(Number(await stats.getAttribute('data-volume-ml'))).toBeCloseTo(painted.length * voxelMl, 2);

  // On screen: the grey lung turned the segment's amber over the stroke.
  await expect.poll(async () => {
    const [r, , b] = await pixelAtRgb(page, 'axial', mid.x, mid.y);
    return r - b;
  }).toBeGreaterThan(40);
  expect(Math.abs(before[0] - before[2])).toBeLessThan(10);
});

test('the threshold brush paints exactly the voxels of the stroke whose HU lies in the range', async ({ page }) => {
  const g = await openForContouring(page, fx.covid);
  // From the chest wall into the lung: soft tissue in range, aerated lung out of it.
  const [from, to] = await axialPoints(page, [0.12, 0.5], [0.3, 0.5]);
  await page.keyboard.press('t');
  await page.getByRole('button', { name: /^Consolidation -300…100/ }).click();
  await setToolOptions(page, { radiusMm: 5 });
  await stroke(page, from, to);

  const ref = await strokeReference(page, g, from, to, 5);
  const candidates = [...ref.inside];
  const hu = await page.evaluate((idx) => window.__ctawViewer!.huAt(idx), candidates);
  const inRange = new Set(candidates.filter((_, n) => hu[n] >= -300 && hu[n] <= 100));
  expect(inRange.size, 'the stroke crosses soft tissue').toBeGreaterThan(50);
  expect(candidates.length - inRange.size, 'the stroke crosses lung').toBeGreaterThan(50);

  const edgeHu = await page.evaluate((idx) => window.__ctawViewer!.huAt(idx), [...ref.edge]);
  const edgeInRange = new Set([...ref.edge].filter((_, n) => edgeHu[n] >= -300 && edgeHu[n] <= 100));
  expectSameVoxels(await labelIndices(page, 1), { inside: inRange, edge: edgeInRange });
});

test('region growing on a slice fills what a reference flood fill from the same seed fills; "?" lists the shortcuts', async ({ page }) => {
  const g = await openForContouring(page, fx.covid);
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('Region growing on this slice / in 3D');
  await expect(help).toContainText('Undo / redo');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  const [seedPoint] = await axialPoints(page, [0.3, 0.5]);
  await page.keyboard.press('g');
  await setToolOptions(page, { growToleranceHu: 120 });
  await page.mouse.click(seedPoint.x, seedPoint.y);
  await expect(page.getByTestId('contour-notice')).toContainText('Region growing filled');

  // Reference: 4-connected flood fill on the axial slice, seed HU ± 120.
  const [si, sj, sk] = worldToIjk(g, await worldAt(page, 'axial', seedPoint)).map(Math.round);
  const [nx, ny] = g.dimensions;
  const slice = await page.evaluate((k) => window.__ctawViewer!.huSlice(k), sk);
  const seedHu = slice[si + nx * sj];
  const inside = (n: number) => slice[n] >= seedHu - 120 && slice[n] <= seedHu + 120;
  const seen = new Uint8Array(nx * ny);
  const queue = [si + nx * sj];
  seen[queue[0]] = 1;
  const expected = new Set<number>();
  while (queue.length) {
    const n = queue.pop()!;
    expected.add(n + nx * ny * sk);
    const i = n % nx;
    const j = (n - i) / nx;
    for (const [di, dj] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
      const ii = i + di, jj = j + dj;
      if (ii < 0 || jj < 0 || ii >= nx || jj >= ny) continue;
      const m = ii + nx * jj;
      if (!seen[m] && inside(m)) {
        seen[m] = 1;
        queue.push(m);
      }
    }
  }
  expect(expected.size, 'the seed lies in a lung region of some size').toBeGreaterThan(2000);
  const painted = await labelIndices(page, 1);
  expect(painted.length).toBe(expected.size);
  expect(painted.every((n) => expected.has(n))).toBe(true);
  expect(index(g, si, sj, sk)).toBe(painted.find((n) => n === index(g, si, sj, sk)));
});

test('undo after three strokes restores the labelmap byte for byte and redo brings each back', async ({ page }) => {
  await openForContouring(page, fx.covid);
  const pts = await axialPoints(page, [0.25, 0.4], [0.35, 0.45], [0.25, 0.55], [0.35, 0.5], [0.3, 0.35], [0.3, 0.6]);
  await page.keyboard.press('b');
  const hashes = [await labelHash(page)];
  await stroke(page, pts[0], pts[1]);
  hashes.push(await labelHash(page));
  await page.keyboard.press('Alt+2');
  await stroke(page, pts[2], pts[3]);
  hashes.push(await labelHash(page));
  await page.keyboard.press('e');
  await stroke(page, pts[4], pts[5]);
  hashes.push(await labelHash(page));
  expect(new Set(hashes).size, 'each stroke changed the labelmap').toBe(4);

  for (let n = 2; n >= 0; n--) {
    await page.keyboard.press('Control+z');
    await expect.poll(() => labelHash(page)).toBe(hashes[n]);
  }
  await expect(page.getByTestId('undo')).toBeDisabled();
  for (let n = 1; n <= 3; n++) {
    await page.getByTestId('redo').click();
    await expect.poll(() => labelHash(page)).toBe(hashes[n]);
  }
  await expect(page.getByTestId('redo')).toBeDisabled();
});

test('a locked segment is never overwritten by the brush, the eraser, region growing or scissors', async ({ page }) => {
  await openForContouring(page, fx.covid);
  const [a, b, c, d, seed] = await axialPoints(page, [0.25, 0.5], [0.35, 0.5], [0.3, 0.42], [0.3, 0.58], [0.32, 0.47]);
  await page.keyboard.press('b');
  await setToolOptions(page, { radiusMm: 8 });
  await stroke(page, a, b);
  const locked = await labelIndices(page, 1);
  expect(locked.length).toBeGreaterThan(500);
  await page.locator('[data-segment="1"] [data-testid="toggle-lock"]').click();
  await expect(page.locator('[data-segment="1"] [data-testid="toggle-lock"]')).toHaveAttribute('aria-pressed', 'true');

  // Another segment painted across it.
  await page.locator('[data-segment="2"] .segment-name').click();
  await expect(page.locator('[data-segment="2"]')).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('Escape');
  await page.keyboard.press('b');
  await stroke(page, c, d);
  const second = await labelIndices(page, 2);
  expect(second.length).toBeGreaterThan(300);
  // Region growing and a rectangle of scissors over it, as segment 2.
  await page.keyboard.press('G');
  await setToolOptions(page, { growToleranceHu: 400, growMaxVoxels: 300_000 });
  await page.mouse.click(seed.x, seed.y);
  await page.keyboard.press('x');
  await stroke(page, { x: a.x - 20, y: c.y }, { x: b.x + 20, y: d.y });
  // The eraser on the locked segment itself.
  await page.keyboard.press('Alt+1');
  await expect(page.locator('[data-segment="1"]')).toHaveAttribute('aria-current', 'true');
  await page.keyboard.press('e');
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('contour-notice')).toContainText('locked');

  expect(await labelIndices(page, 1)).toEqual(locked);
  expect((await labelIndices(page, 2)).length).toBeGreaterThan(second.length);
});

test('a 3D sphere brush stroke shows in the 3D view in the segment colour', async ({ page }) => {
  // A software 3D frame takes tens of seconds, several times longer on a loaded machine.
  test.setTimeout(300_000);
  const g = await openForContouring(page, fx.covid);
  const [from, to] = await axialPoints(page, [0.26, 0.5], [0.34, 0.5]);
  const blueIn3d = async () => (await canvasStats(page, 'volume3d')).blueTinted;
  const before = await blueIn3d();
  await page.keyboard.press('Alt+3');
  await page.keyboard.press('s');
  await setToolOptions(page, { radiusMm: 15 });
  await stroke(page, from, to);

  // The sphere brush reaches slices above and below the one painted on.
  const painted = await labelIndices(page, 3);
  const slices = new Set(painted.map((n) => Math.floor(n / (g.dimensions[0] * g.dimensions[1]))));
  expect(slices.size).toBeGreaterThanOrEqual(2 * Math.floor(15 / g.spacing[2]));

  // Software WebGL here: the 3D view comes up on request, with the segments painted so far.
  await page.getByTestId('show-3d').click();
  await expect.poll(blueIn3d, { timeout: 240_000 }).toBeGreaterThan(before + 200);
  // The README's picture of the segment editor.
  mkdirSync('docs', { recursive: true });
  await page.screenshot({ path: 'docs/contouring.png' });
});
