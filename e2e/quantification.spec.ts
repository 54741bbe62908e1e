// The quantification as a reader meets it on the COVID-19 chest CT: the lungs are found when the
// case opens (adult volumes, drawn over the views on request), a brush stroke in the right lower
// zone moves that zone's involvement and score on screen to exactly what the pure module computes
// from the labelmap and the lung mask read back from the page, and of a lesion suggestion only the
// component the reader accepts reaches the submitted SEG.
import { expect, test, type Page } from '@playwright/test';
import { measureInvolvement } from '../src/quant/involvement.ts';
import { zoneOfSlice } from '../src/quant/lungZones.ts';
import { LUNG, type CtVolume } from '../src/quant/ctVolume.ts';
import { lesionBiomarkers } from '../src/quant/lesionBiomarkers.ts';
import { readFigures } from '../src/quant/readFigures.ts';
import { decodeSr } from '../src/sr/srDecoder.ts';
import { dciodvfy } from '../src/dicom/dicomTools.testSupport.ts';
import { fixtures } from './support/fixtures.ts';
import { nameReader, segInstancesOnServer } from './support/reader.ts';
import { answerRequiredItems, showPanel } from './support/readForm.ts';
import { labelIndices, openForContouring, setToolOptions, stroke, worldAt, worldToIjk, type Geometry } from './support/contouring.ts';
import { worldToPage } from './support/viewerPage.ts';
import { decodeOnOpenCt, fetchInstance, indicesOf, outboxSops, waitForOutboxSent } from './support/serverSeg.ts';

const base = process.env.CTAW_BASE_URL ?? 'http://127.0.0.1:5181';

/**
 * The page's grid with no HU: the figures compared here (voxels, volume, longest diameter, lung,
 * zone, centroid) depend on the voxels and the lung mask only, and the CT's HU would be a 100 MB
 * copy out of the page.
 */
function gridOnly(g: Geometry): CtVolume {
  const [nx, ny, nz] = g.dimensions;
  return { dims: [nx, ny, nz], spacing: g.spacing as [number, number, number], origin: g.origin as [number, number, number], direction: g.direction, hu: new Int16Array(nx * ny * nz) };
}

function maskOf(voxels: number, indices: number[]): Uint8Array {
  const mask = new Uint8Array(voxels);
  for (const n of indices) mask[n] = 1;
  return mask;
}

const fx = fixtures();

async function showQuant(page: Page): Promise<void> {
  await page.locator('.side-tabs [data-panel="quant"]').click();
  await expect(page.getByTestId('quant-panel')).toBeVisible();
}

/** Pixels any overlay canvas (labelmap, lungs, suggestion) draws on a view. */
async function overlayPixels(page: Page, viewportId: string): Promise<number> {
  return page.evaluate((id) => {
    let n = 0;
    for (const c of document.querySelectorAll<HTMLCanvasElement>(`[data-viewport="${id}"] canvas.labelmap-overlay`)) {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      for (let p = 3; p < d.length; p += 4) if (d[p] !== 0) n++;
    }
    return n;
  }, viewportId);
}

async function lungMask(page: Page, voxels: number): Promise<Uint8Array> {
  const runs = await page.evaluate(() => window.__ctawRead!.quant!.lungRuns());
  const mask = new Uint8Array(voxels);
  let at = 0;
  for (let r = 0; r < runs.length; r += 2) {
    mask.fill(runs[r], at, at + runs[r + 1]);
    at += runs[r + 1];
  }
  expect(at).toBe(voxels);
  return mask;
}

/** A right-lung voxel of a right lower zone slice with lung all around it (margin in mm). */
function rightLowerPoint(g: Geometry, lungs: Uint8Array, marginMm: number): [number, number, number] {
  const [nx, ny, nz] = g.dimensions;
  const thirds = zoneOfSlice(lungs, [nx, ny, nz], g.direction);
  const area = (k: number) => {
    let n = 0;
    for (let p = k * nx * ny; p < (k + 1) * nx * ny; p++) if (lungs[p] === LUNG.right) n++;
    return n;
  };
  const lower = Array.from({ length: nz }, (_, k) => k).filter((k) => thirds.right[k] === 2);
  expect(lower.length).toBeGreaterThan(2);
  // The middle of the lower third: well inside the zone, away from the dome.
  const k = lower.sort((a, b) => a - b)[Math.floor(lower.length / 2)];
  expect(area(k)).toBeGreaterThan(1000);
  const mi = Math.ceil(marginMm / g.spacing[0]);
  const mj = Math.ceil(marginMm / g.spacing[1]);
  let ci = 0, cj = 0, n = 0;
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if (lungs[i + nx * (j + ny * k)] === LUNG.right) { ci += i; cj += j; n++; }
  ci /= n; cj /= n;
  let best: [number, number, number] | null = null;
  let bestD = Infinity;
  for (let j = mj; j < ny - mj; j++) {
    for (let i = mi; i < nx - mi; i++) {
      const d = (i - ci) ** 2 + (j - cj) ** 2;
      if (d >= bestD) continue;
      let inside = true;
      for (let dj = -mj; dj <= mj && inside; dj += 2) for (let di = -mi; di <= mi && inside; di += 2) if (lungs[i + di + nx * (j + dj + ny * k)] !== LUNG.right) inside = false;
      if (inside) { best = [i, j, k]; bestD = d; }
    }
  }
  expect(best, 'a right lower zone point with lung around it').not.toBeNull();
  return best!;
}

function ijkToWorld(g: Geometry, ijk: number[]): [number, number, number] {
  const w = [...g.origin] as [number, number, number];
  for (let a = 0; a < 3; a++) for (let c = 0; c < 3; c++) w[c] += ijk[a] * g.spacing[a] * g.direction[a * 3 + c];
  return w;
}

/** Scrolls the axial view to slice k. */
async function goToAxialSlice(page: Page, g: Geometry, k: number): Promise<void> {
  const box = (await page.locator('[data-viewport="axial"]').boundingBox())!;
  const centre = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  const current = async () => Math.round(worldToIjk(g, await worldAt(page, 'axial', centre))[2]);
  const k0 = await current();
  if (k0 === k) return;
  await page.evaluate(() => window.__ctawViewer!.scroll('axial', 1));
  await expect.poll(current).not.toBe(k0);
  const perStep = (await current()) - k0;
  for (let tries = 0; tries < 5; tries++) {
    const now = await current();
    if (now === k) return;
    await page.evaluate((d) => window.__ctawViewer!.scroll('axial', d), (k - now) * perStep);
    await page.waitForTimeout(150);
  }
  expect(await current()).toBe(k);
}

test('lungs found on open, a stroke in the right lower zone measured live as the pure module measures it, one accepted suggestion submitted', async ({ page }) => {
  test.setTimeout(420_000);
  const reader = `Quant Reader ${Date.now()}`;
  await nameReader(page, reader);
  const g = await openForContouring(page, fx.covid);
  const [nx, ny, nz] = g.dimensions;
  const voxels = nx * ny * nz;

  // The lungs, found by the worker while the reader looks: adult volumes, right larger.
  await showQuant(page);
  const right = page.getByTestId('lung-right-ml');
  await expect(right).toBeVisible({ timeout: 180_000 });
  const rightMl = Number(await right.getAttribute('data-value'));
  const leftMl = Number(await page.getByTestId('lung-left-ml').getAttribute('data-value'));
  for (const v of [rightMl, leftMl]) {
    expect(v).toBeGreaterThan(1000);
    expect(v).toBeLessThan(4500);
  }

  // Hidden until asked for, then drawn over the views; never in the labelmap.
  expect(await overlayPixels(page, 'axial')).toBe(0);
  await page.getByTestId('show-lungs').check();
  await expect.poll(() => overlayPixels(page, 'axial')).toBeGreaterThan(5000);
  await page.screenshot({ path: 'docs/lung-masks.png' });
  expect(await page.evaluate(() => Object.keys(window.__ctawViewer!.labelCounts()).filter((v) => v !== '0'))).toEqual([]);
  await page.getByTestId('show-lungs').uncheck();
  await expect.poll(() => overlayPixels(page, 'axial')).toBe(0);

  // A stroke in the right lower zone, where the lung mask says so.
  const lungs = await lungMask(page, voxels);
  const at = rightLowerPoint(g, lungs, 12);
  await goToAxialSlice(page, g, at[2]);
  const from = await worldToPage(page, 'axial', ijkToWorld(g, at));
  const to = await worldToPage(page, 'axial', ijkToWorld(g, [at[0] + 6, at[1], at[2]]));
  // The keys go to the views, not to the checkbox last clicked.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('b');
  await expect.poll(() => page.evaluate(() => (window.__ctawContouringStore!.getState() as unknown as { tool: string }).tool)).toBe('brush');
  await setToolOptions(page, { radiusMm: 5 });
  await stroke(page, from, to);
  const strokeVoxels = await labelIndices(page, 1);
  expect(strokeVoxels.length).toBeGreaterThan(100);

  const labels = new Uint8Array(voxels);
  for (const n of strokeVoxels) labels[n] = 1;
  const expected = measureInvolvement(lungs, labels, [1, 2, 3], [nx, ny, nz], g.spacing as [number, number, number], g.direction);
  const zone = expected.zones.find((z) => z.name === 'right_lower')!;
  expect(zone.pct).toBeGreaterThan(0);
  const row = page.getByTestId('zone-right_lower');
  await expect.poll(async () => Number(await row.getAttribute('data-pct'))).toBe(zone.pct);
  await expect(row).toHaveAttribute('data-score', String(zone.score));
  await expect(page.getByTestId('severity-6zone')).toHaveAttribute('data-value', String(expected.severity_score_6zone));
  await expect(page.getByTestId('zone-right_upper')).toHaveAttribute('data-pct', '0');

  // The lung masks corrected with the same tools: the eraser on the right lung 10 mm below the
  // stroke; the lung's mL and the involvement follow as the pure module gives them for the edited
  // mask, the read's labelmap is untouched, and undo brings the mask back voxel for voxel.
  await page.getByTestId('edit-right-lung').click();
  await expect(page.getByTestId('editing-lung')).toHaveAttribute('data-value', String(LUNG.right));
  await expect.poll(() => overlayPixels(page, 'axial')).toBeGreaterThan(5000);
  const k2 = at[2] - Math.round(10 / g.spacing[2]);
  await goToAxialSlice(page, g, k2);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('e');
  const eFrom = await worldToPage(page, 'axial', ijkToWorld(g, [at[0], at[1], k2]));
  const eTo = await worldToPage(page, 'axial', ijkToWorld(g, [at[0] + 6, at[1], k2]));
  await stroke(page, eFrom, eTo);
  const edited = await lungMask(page, voxels);
  const count = (m: Uint8Array, v: number) => m.reduce((n, x) => n + (x === v ? 1 : 0), 0);
  expect(count(edited, LUNG.right)).toBeLessThan(count(lungs, LUNG.right));
  expect(count(edited, LUNG.left)).toBe(count(lungs, LUNG.left));
  expect((await labelIndices(page, 1)).length).toBe(strokeVoxels.length);
  const afterErase = measureInvolvement(edited, labels, [1, 2, 3], [nx, ny, nz], g.spacing as [number, number, number], g.direction);
  await expect.poll(async () => Number(await right.getAttribute('data-value'))).toBeCloseTo(afterErase.lungs.right_ml, 6);
  await expect.poll(async () => Number(await page.getByTestId('involvement-right').getAttribute('data-value'))).toBe(afterErase.involvement_pct.right);
  await page.keyboard.press('Control+z');
  await expect.poll(async () => Buffer.from(await lungMask(page, voxels)).equals(Buffer.from(lungs))).toBe(true);
  await expect.poll(async () => Number(await right.getAttribute('data-value'))).toBeCloseTo(expected.lungs.right_ml, 6);
  await page.getByTestId('edit-lungs-done').click();
  await expect(page.getByTestId('edit-right-lung')).toBeVisible();
  await page.getByTestId('show-lungs').uncheck();
  await page.keyboard.press('b');

  // The lesion table, measured in the worker once painting paused: the stroke is one lesion,
  // with the figures the pure module gives for it.
  const strokeLesions = lesionBiomarkers(gridOnly(g), labels, lungs);
  expect(strokeLesions).toHaveLength(1);
  const lesionRows = page.locator('[data-testid="lesion-table"] tr[data-lesion-id]');
  await expect(lesionRows).toHaveCount(1, { timeout: 30_000 });
  await expect(lesionRows.first()).toHaveAttribute('data-volume-ml', String(strokeLesions[0].volume_ml));
  await expect(lesionRows.first()).toHaveAttribute('data-lesion-id', '1');
  await expect(lesionRows.first()).toContainText('Right lower');
  // A click on the row brings the views to the lesion's centroid.
  const centroidK = Math.round(strokeLesions[0].centroid_ijk[2]);
  await goToAxialSlice(page, g, Math.min(nz - 1, centroidK + 8));
  await lesionRows.first().click();
  const axialBox = (await page.locator('[data-viewport="axial"]').boundingBox())!;
  const axialCentre = { x: axialBox.x + axialBox.width / 2, y: axialBox.y + axialBox.height / 2 };
  await expect.poll(async () => Math.round(worldToIjk(g, await worldAt(page, 'axial', axialCentre))[2])).toBe(centroidK);

  // The form shows the measured extent beside the reader's own answer.
  await showPanel(page, 'form');
  await expect(page.getByTestId('measured-extent')).toHaveAttribute('data-value', String(expected.involvement_pct.total));
  await expect(page.locator('input[name="pneumonia_extent"]:checked')).toHaveCount(0);

  // A suggestion, previewed: one component accepted, the rest discarded.
  await showQuant(page);
  await page.getByTestId('suggest-lesions').click();
  const items = page.locator('.suggestion-list li');
  await expect(items.first()).toBeVisible({ timeout: 180_000 });
  const ids = await items.evaluateAll((lis) => lis.map((li) => Number(li.getAttribute('data-testid')!.replace('suggestion-', ''))));
  const chosen = ids[ids.length - 1];
  const componentVoxels = await page.evaluate((id) => Array.from(window.__ctawRead!.quant!.componentVoxels(id)), chosen);
  expect(componentVoxels.length).toBeGreaterThan(0);
  // Nothing of it is in the read before the reader's click.
  expect(await labelIndices(page, 1)).toEqual(strokeVoxels);
  await page.getByTestId(`accept-suggestion-${chosen}`).click();
  const read = [...new Set([...strokeVoxels, ...componentVoxels])].sort((a, b) => a - b);
  await expect.poll(() => labelIndices(page, 1)).toEqual(read);
  await expect(page.getByTestId(`suggestion-${chosen}`)).toHaveCount(0);
  test.info().annotations.push({ type: 'quant', description: `lungs ${rightMl.toFixed(0)}/${leftMl.toFixed(0)} mL; right lower ${zone.pct.toFixed(3)} % (score ${zone.score}); ${ids.length} suggested, accepted ${chosen} (${componentVoxels.length} voxels)` });

  if (ids.length > 1) {
    // A click on another previewed component in the axial view (no paint tool) accepts it, and undo takes it back.
    const other = ids[0];
    const otherVoxels = new Set(await page.evaluate((id) => Array.from(window.__ctawRead!.quant!.componentVoxels(id)), other));
    // On its fullest slice (also the screenshot's), a voxel with the component all around it.
    const perSlice = new Map<number, number>();
    for (const n of otherVoxels) perSlice.set(Math.floor(n / (nx * ny)), (perSlice.get(Math.floor(n / (nx * ny))) ?? 0) + 1);
    const fullest = [...perSlice].sort((a, b) => b[1] - a[1])[0][0];
    const inside = (n: number) => [-2, -1, 1, 2].every((d) => otherVoxels.has(n + d) && otherVoxels.has(n + d * nx));
    const core = [...otherVoxels].find((n) => Math.floor(n / (nx * ny)) === fullest && inside(n)) ?? [...otherVoxels].find(inside)!;
    expect(core, 'a voxel inside the component').toBeDefined();
    const ijk = [core % nx, Math.floor(core / nx) % ny, Math.floor(core / (nx * ny))];
    await page.keyboard.press('Escape');
    await goToAxialSlice(page, g, ijk[2]);
    await page.screenshot({ path: 'docs/quantification.png' });
    const p = await worldToPage(page, 'axial', ijkToWorld(g, ijk));
    await page.mouse.click(p.x, p.y);
    await expect.poll(async () => (await labelIndices(page, 1)).length).toBe(new Set([...read, ...otherVoxels]).size);
    await expect(page.getByTestId(`suggestion-${other}`)).toHaveCount(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => labelIndices(page, 1)).toEqual(read);
  }
  if ((await items.count()) > 0) await page.getByTestId('discard-suggestions').click();
  await expect(items).toHaveCount(0);
  expect(await labelIndices(page, 1)).toEqual(read);

  // Submitted: the stroke and the accepted component, nothing else (no lungs, no other component).
  await answerRequiredItems(page);
  await page.getByTestId('submit-read').click();
  await expect(page.getByTestId('submit-message')).toContainText('Queued for the server');
  await waitForOutboxSent(page, 2);
  const stored = await segInstancesOnServer(fx.covid.studyUid, reader);
  expect(stored).toHaveLength(1);
  const decoded = await decodeOnOpenCt(page, await fetchInstance(fx.covid.studyUid, stored[0].series, stored[0].sop));
  expect(indicesOf(decoded.labels, 1)).toEqual(read);
  expect(decoded.labels.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0)).toBe(read.length);
  expect(decoded.segments.map((s) => s.label)).not.toContain('Right lung');

  // The read form's SR carries the figures of exactly what was submitted.
  const readMask = maskOf(voxels, read);
  const submittedLesions = lesionBiomarkers(gridOnly(g), readMask, lungs);
  const [formSop] = await outboxSops(page, 'form');
  const found = (await (await fetch(`${base}/dicom-web/studies/${fx.covid.studyUid}/instances?SOPInstanceUID=${formSop}`)).json()) as Array<Record<string, { Value?: string[] }>>;
  expect(found).toHaveLength(1);
  const srBytes = await fetchInstance(fx.covid.studyUid, found[0]['0020000E'].Value![0], formSop);
  expect(dciodvfy(srBytes, 'quant-sr.dcm').errors).toEqual([]);
  const q = decodeSr(srBytes).quantification;
  expect(q, 'the SR holds the quantification').toBeDefined();
  expect(q!.lesions.map((l) => l.volumeMl)).toEqual(submittedLesions.map((l) => l.volume_ml));
  expect(q!.lesions.map((l) => l.longestDiameterMm)).toEqual(submittedLesions.map((l) => l.longest_diameter_mm));
  const submittedInvolvement = measureInvolvement(lungs, readMask, [1], [nx, ny, nz], g.spacing as [number, number, number], g.direction);
  expect(q!.involvementPct).toEqual(submittedInvolvement.involvement_pct);
  expect(q!.severityScore6Zone).toBe(submittedInvolvement.severity_score_6zone);

  // Lobes: the reader adds the RLL from the study's lobes and paints it over the lesion's lower
  // edge; the lobe takes in the lesion it touches, and its % is what the pure module gives.
  await showPanel(page, 'segments');
  await page.getByTestId('add-optional-segment').selectOption('RLL (lobe)');
  const lobeValue = await page.evaluate(() => (window.__ctawContouringStore!.getState() as unknown as { activeValue: number }).activeValue);
  await goToAxialSlice(page, g, at[2]);
  const lobeFrom = await worldToPage(page, 'axial', ijkToWorld(g, [at[0], at[1] + 6, at[2]]));
  const lobeTo = await worldToPage(page, 'axial', ijkToWorld(g, [at[0] + 6, at[1] + 6, at[2]]));
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.keyboard.press('b');
  await stroke(page, lobeFrom, lobeTo);
  const lobeVoxels = await labelIndices(page, lobeValue);
  expect(lobeVoxels.length).toBeGreaterThan(100);
  const withLobe = maskOf(voxels, await labelIndices(page, 1));
  for (const n of lobeVoxels) withLobe[n] = lobeValue;
  const lobeFigures = readFigures(gridOnly(g), lungs, { labels: withLobe, lesionValues: [1, 2, 3], lobeValues: [[], [], [lobeValue], [], []] });
  const rllExpected = lobeFigures.lobes![2];
  expect(rllExpected.pct).toBeGreaterThan(0);
  await showQuant(page);
  const rll = page.getByTestId('lobe-RLL');
  await expect.poll(async () => Number(await rll.getAttribute('data-pct')), { timeout: 30_000 }).toBe(rllExpected.pct);
  await expect(rll).toHaveAttribute('data-score', String(rllExpected.score));
  // Four lobes undrawn: no 25-point score yet.
  await expect(page.getByTestId('severity-lobar')).toHaveAttribute('data-value', '');
  await expect(page.getByTestId('lobe-RUL')).toHaveAttribute('data-pct', '0');
});
