// A lead settles where two blinded readers disagree, on the gateway that asks for a login: the
// readers contour the same case differently and answer the form differently; the lead's queue
// shows the case with the Dice the metric functions give for those labelmaps; the lead overlays
// the reads, steps through the disagreements, builds a union consensus, erases part of it, takes
// a reader's answer for the item they differ on, and submits; the consensus SEG on the archive is
// the labelmap on screen and passes dciodvfy; each reader still sees only their own read.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { pairAgreement } from '../src/metrics/pairAgreement.ts';
import { firstPart } from '../src/dicomweb/multipart.ts';
import { dciodvfy } from '../src/dicom/dicomTools.testSupport.ts';
import { fixtures } from './support/fixtures.ts';
import { loginAs as login } from './support/login.ts';
import { labelIndices, stroke, viewBox } from './support/contouring.ts';
import { showPanel } from './support/readForm.ts';
import { waitForVolumeLoaded } from './support/viewerPage.ts';
import { decodeOnOpenCt, indicesOf, waitForOutboxSent } from './support/serverSeg.ts';
import { adminSession, createUser } from './support/studyAdmin.ts';

const fx = fixtures();
const base = process.env.CTAW_LOGIN_BASE_URL ?? 'http://127.0.0.1:5183';
test.use({ baseURL: base });

const run = `${Date.now().toString(36)}r`;
const names = { a: `review-a-${run}`, b: `review-b-${run}`, lead: `review-lead-${run}` };
const ids = { a: 0, b: 0 };
let caseId = 0;

test.beforeAll(async () => {
  const admin = await adminSession();
  ids.a = await createUser(admin, names.a, 'reader', 'Ada Reader');
  ids.b = await createUser(admin, names.b, 'reader', 'Bo Reader');
  await createUser(admin, names.lead, 'lead', 'Lee Lead');
  const { study } = await admin.ok<{ study: { id: number } }>('POST', '/api/studies', { name: `Review ${run}`, readersPerCase: 2 });
  const { cases } = await admin.ok<{ cases: Array<{ id: number }> }>('POST', `/api/studies/${study.id}/cases`, { cases: [{ studyInstanceUid: fx.covid.studyUid, seriesInstanceUid: fx.covid.seriesUid, label: `Review case ${run}` }] });
  caseId = cases[0].id;
  for (const userId of [ids.a, ids.b]) await admin.ok('POST', `/api/cases/${caseId}/assignments`, { userId });
});

const loginAs = (browser: Browser, username: string, password?: string) => login(browser, base, username, password);

async function paint(page: Page, strokes: Array<[number, number, number]>): Promise<void> {
  const box = await viewBox(page, 'axial');
  await page.keyboard.press('b');
  for (const [x0, x1, y] of strokes) await stroke(page, { x: box.x + box.width * x0, y: box.y + box.height * y }, { x: box.x + box.width * x1, y: box.y + box.height * y });
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');
}

/** A reader reads the case: their strokes, their extent answer, submitted and sent. */
async function readAndSubmit(page: Page, strokes: Array<[number, number, number]>, extent: string): Promise<void> {
  await page.locator(`[data-testid="worklist"] tr[data-case-id="${caseId}"]`).getByRole('button', { name: 'Open' }).click();
  await waitForVolumeLoaded(page);
  await expect(page.locator('[data-tool="brush"]')).toBeVisible();
  await paint(page, strokes);
  await showPanel(page, 'form');
  await page.locator('input[name="covid_pattern"][value="typical"]').check();
  await page.locator(`input[name="pneumonia_extent"][value="${extent}"]`).check();
  await showPanel(page, 'segments');
  await page.getByTestId('submit-read').click();
  await expect(page.getByTestId('submit-message')).toContainText('Queued for the server');
  await waitForOutboxSent(page, 2);
}

/** A result instance's bytes through the page's own session (the gateway decides what it may see). */
async function instanceBytes(page: Page, seriesUid: string, sop: string): Promise<Uint8Array> {
  const { type, bytes } = await page.evaluate(
    async ([study, series, instance]) => {
      const r = await fetch(`/dicom-web/studies/${study}/series/${series}/instances/${instance}`, { headers: { Accept: 'multipart/related; type="application/dicom"' } });
      return { type: r.headers.get('content-type') ?? '', bytes: Array.from(new Uint8Array(await r.arrayBuffer())) };
    },
    [fx.covid.studyUid, seriesUid, sop],
  );
  return firstPart(Uint8Array.from(bytes), type).body;
}

/** The latest SEG of a series as the page may fetch it. */
async function latestSeg(page: Page, seriesUid: string): Promise<Uint8Array> {
  const sops = await page.evaluate(
    async ([study, series]) => {
      const rows = (await (await fetch(`/dicom-web/studies/${study}/series/${series}/instances?includefield=00200013`)).json()) as Array<Record<string, { Value?: unknown[] }>>;
      return rows.map((r) => ({ sop: String(r['00080018'].Value![0]), n: Number(r['00200013']?.Value?.[0] ?? 0) })).sort((x, y) => y.n - x.n);
    },
    [fx.covid.studyUid, seriesUid],
  );
  return instanceBytes(page, seriesUid, sops[0].sop);
}

/** How many pixels of each read's colour the labelmap overlay of a view shows (A only, B only, both). */
async function overlayColours(page: Page, viewportId: string): Promise<{ a: number; b: number; both: number }> {
  return page.evaluate((id) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`[data-viewport="${id}"] canvas.labelmap-overlay`);
    if (!canvas) return { a: -1, b: -1, both: -1 };
    const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const out = { a: 0, b: 0, both: 0 };
    // The review's colours (src/read/compareRead.ts COLOR): A orange, B blue, both green.
    for (let n = 0; n < px.length; n += 4) {
      const [r, g, b, alpha] = [px[n], px[n + 1], px[n + 2], px[n + 3]];
      if (alpha < 40) continue;
      if (r > g + 40 && g > b + 40) out.a++;
      else if (b > r + 100 && b > g + 40) out.b++;
      else if (g > r + 80 && g > b + 50) out.both++;
    }
    return out;
  }, viewportId);
}

test('a lead reviews two readers who disagree, builds a union consensus, edits and submits it; readers never see it', async ({ browser }) => {
  test.setTimeout(600_000);
  const a = await loginAs(browser, names.a);
  await readAndSubmit(a, [[0.26, 0.34, 0.45]], 'under10');
  const b = await loginAs(browser, names.b);
  await readAndSubmit(b, [[0.3, 0.38, 0.45], [0.6, 0.66, 0.6]], '10to25');

  // The lead's queue: the case, its agreement computed in the background.
  const lead = await loginAs(browser, names.lead);
  const row = lead.locator(`[data-testid="review-queue"] tr[data-case-id="${caseId}"]`);
  await expect(row).toBeVisible({ timeout: 60_000 });
  const diceCell = row.getByTestId('lowest-dice');
  await expect(diceCell).toHaveAttribute('data-value', /\d/, { timeout: 180_000 });
  const queueDice = Number(await diceCell.getAttribute('data-value'));

  // The review: the reads overlaid.
  await row.getByTestId('open-review').click();
  await waitForVolumeLoaded(lead);
  const panel = lead.getByTestId('review-panel');
  await expect(panel).toHaveAttribute('data-phase', 'ready', { timeout: 120_000 });

  // The figures are the metric functions' on the two SEGs as stored.
  const reads = await lead.evaluate((id) => fetch(`/api/cases/${id}/reads`).then((r) => r.json()), caseId) as { reads: Array<{ userId: number; results: Array<{ kind: string; seriesInstanceUid: string }> }> };
  const segOf = (userId: number) => reads.reads.find((r) => r.userId === userId)!.results.find((r) => r.kind === 'seg')!.seriesInstanceUid;
  const decodedA = await decodeOnOpenCt(lead, await latestSeg(lead, segOf(ids.a)));
  const decodedB = await decodeOnOpenCt(lead, await latestSeg(lead, segOf(ids.b)));
  const g = await lead.evaluate(() => window.__ctawViewer!.volumeGeometry()!);
  const expected = pairAgreement(decodedA.labels, decodedB.labels, g.dimensions as [number, number, number], g.spacing as [number, number, number]);
  expect(expected.dice).toBeGreaterThan(0);
  expect(expected.dice).toBeLessThan(1);
  expect(queueDice).toBeCloseTo(expected.dice, 9);
  expect(Number(await lead.getByTestId('figure-dice').getAttribute('data-value'))).toBeCloseTo(expected.dice, 9);

  // The overlay holds A only, B only and both; the modes and the disagreements.
  const union = new Set([...indicesOf(decodedA.labels, 1), ...indicesOf(decodedB.labels, 1)]);
  const counts = await lead.evaluate(() => window.__ctawViewer!.labelCounts());
  expect((counts[1] ?? 0) + (counts[2] ?? 0) + (counts[3] ?? 0)).toBe(union.size);
  expect(counts[3]).toBe(indicesOf(decodedA.labels, 1).filter((n) => decodedB.labels[n] === 1).length);
  await panel.locator('[data-mode="disagree"]').click();
  await expect(panel.locator('[data-mode="disagree"]')).toHaveAttribute('aria-pressed', 'true');
  const next = lead.getByTestId('next-disagreement');
  await next.click();
  await expect(next).toHaveAttribute('data-region', '0');
  await next.click();
  await expect(next).toHaveAttribute('data-region', '1');
  // The form answers side by side: the extent differs, the pattern does not.
  await expect(lead.locator('[data-testid="review-form"] tr[data-item="pneumonia_extent"]')).toHaveAttribute('data-differ', 'true');
  await expect(lead.locator('[data-testid="review-form"] tr[data-item="covid_pattern"]')).toHaveAttribute('data-differ', 'false');

  const before = (await lead.evaluate(() => window.__ctawViewer!.viewState('axial')))!;
  // Side by side: A's read in the first column, B's in the second, the views linked.
  await lead.getByTestId('layout-side-by-side').click();
  await expect(lead.getByTestId('layout-side-by-side')).toHaveAttribute('aria-pressed', 'true');
  await expect(lead.locator('[data-viewport="axial-b"]')).toBeVisible();
  await expect.poll(() => overlayColours(lead, 'axial-b').then((c) => c.b > 0 && c.both > 0)).toBe(true);
  await lead.screenshot({ path: test.info().outputPath('side-by-side.png') });
  const left = await overlayColours(lead, 'axial');
  const right = await overlayColours(lead, 'axial-b');
  expect(left.a).toBeGreaterThan(0);
  expect(left.both).toBeGreaterThan(0);
  expect(left.b).toBe(0);
  expect(right.a).toBe(0);
  // Scrolling, zooming and windowing one column moves the other.
  const axialBox = await viewBox(lead, 'axial');
  await lead.mouse.move(axialBox.x + axialBox.width / 2, axialBox.y + axialBox.height / 2);
  await lead.mouse.wheel(0, 300);
  const linkedBox = await viewBox(lead, 'axial-b');
  await lead.mouse.move(linkedBox.x + linkedBox.width / 2, linkedBox.y + linkedBox.height / 2);
  await lead.mouse.down({ button: 'right' });
  await lead.mouse.move(linkedBox.x + linkedBox.width / 2, linkedBox.y + linkedBox.height / 2 + 60, { steps: 5 });
  await lead.mouse.up({ button: 'right' });
  await lead.mouse.down();
  await lead.mouse.move(linkedBox.x + linkedBox.width / 2 + 80, linkedBox.y + linkedBox.height / 2 + 60, { steps: 5 });
  await lead.mouse.up();
  const views = () => lead.evaluate(() => ['axial', 'axial-b'].map((id) => window.__ctawViewer!.viewState(id)!));
  const gap = ([x, y]: Awaited<ReturnType<typeof views>>) =>
    Math.max(...x.focalPoint.map((v, n) => Math.abs(v - y.focalPoint[n])), Math.abs(x.parallelScale - y.parallelScale), Math.abs(x.voiRange!.lower - y.voiRange!.lower), Math.abs(x.voiRange!.upper - y.voiRange!.upper));
  await expect.poll(async () => gap(await views())).toBeLessThan(1e-6);
  const [moved] = await views();
  expect(moved.voiRange).not.toEqual(before.voiRange);
  expect(moved.parallelScale).not.toBe(before.parallelScale);
  expect(moved.focalPoint[2]).not.toBe(before.focalPoint[2]);
  await lead.getByTestId('layout-overlay').click();
  await expect(lead.locator('[data-viewport="axial-b"]')).toHaveCount(0);
  await expect(panel.locator('[data-mode="all"]')).toHaveAttribute('aria-pressed', 'true');

  // A union consensus, part of it erased, A's extent taken, submitted.
  await lead.getByTestId('consensus-from-union').click();
  await waitForVolumeLoaded(lead);
  await expect(lead.getByTestId('review-panel')).toHaveAttribute('data-phase', 'ready', { timeout: 120_000 });
  await expect(lead.getByTestId('save-status')).toContainText('Consensus started from the union');
  expect(new Set(await labelIndices(lead, 1))).toEqual(union);
  const box = await viewBox(lead, 'axial');
  await lead.keyboard.press('e');
  await stroke(lead, { x: box.x + box.width * 0.58, y: box.y + box.height * 0.6 }, { x: box.x + box.width * 0.68, y: box.y + box.height * 0.6 });
  await expect(lead.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');
  const edited = await labelIndices(lead, 1);
  expect(edited.length).toBeLessThan(union.size);
  await lead.getByTestId(`use-answer-pneumonia_extent-${ids.a}`).click();
  await showPanel(lead, 'form');
  await expect(lead.locator('input[name="covid_pattern"][value="typical"]')).toBeChecked();
  await expect(lead.locator('input[name="pneumonia_extent"][value="under10"]')).toBeChecked();
  await showPanel(lead, 'segments');
  await lead.getByTestId('submit-read').click();
  await expect(lead.getByTestId('submit-message')).toContainText('Queued for the server');
  await waitForOutboxSent(lead, 2);

  // The consensus on the archive is the labelmap on screen, and a valid SEG.
  const consensusSeries = await lead.evaluate(() => window.__ctawRead!.ownSegSeriesUid());
  const stored = await latestSeg(lead, consensusSeries);
  expect(indicesOf((await decodeOnOpenCt(lead, stored)).labels, 1)).toEqual(edited);
  expect(dciodvfy(stored, 'consensus.dcm').errors).toEqual([]);

  // The readers: their own read only, the consensus nowhere.
  for (const [page, own] of [[a, segOf(ids.a)], [b, segOf(ids.b)]] as const) {
    const seen = await page.evaluate((study) => fetch(`/dicom-web/studies/${study}/series?Modality=SEG`).then((r) => (r.status === 200 ? r.json() : [])), fx.covid.studyUid);
    const text = JSON.stringify(seen);
    expect(text).toContain(own);
    expect(text).not.toContain(consensusSeries);
    expect(await page.evaluate(([study, s]) => fetch(`/dicom-web/studies/${study}/series/${s}/metadata`).then((r) => r.status), [fx.covid.studyUid, consensusSeries])).toBe(404);
  }

  // Back on the queue, the case is adjudicated.
  await lead.goto('/');
  await expect(lead.locator(`[data-testid="review-queue"] tr[data-case-id="${caseId}"]`)).toHaveAttribute('data-state', 'adjudicated', { timeout: 60_000 });
  for (const p of [a, b, lead]) await p.context().close();
});
