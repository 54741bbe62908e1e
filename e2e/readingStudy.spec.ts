// A double-blind read on the gateway that asks for a login: two readers and a lead, each in a
// browser of their own. Each reader sees only their own contours (the server refuses the other's
// result, not just the UI); the lead sees who has submitted, and both reads only once both have.
// Reader A's session is revoked while A works offline: the app asks for the password again and
// the waiting result goes out after, nothing lost.
import { expect, test, type Browser, type Page } from '@playwright/test';
import { fixtures } from './support/fixtures.ts';
import { loginAs as login } from './support/login.ts';
import { labelHash, stroke, viewBox } from './support/contouring.ts';
import { answerRequiredItems } from './support/readForm.ts';
import { waitForVolumeLoaded } from './support/viewerPage.ts';
import { waitForOutboxSent } from './support/serverSeg.ts';
import { adminSession, createUser, TEST_PASSWORD, type ApiSession } from './support/studyAdmin.ts';

const fx = fixtures();
const base = process.env.CTAW_LOGIN_BASE_URL ?? 'http://127.0.0.1:5183';
test.use({ baseURL: base });

const run = Date.now().toString(36);
const names = { a: `reader-a-${run}`, b: `reader-b-${run}`, lead: `lead-${run}` };
let admin: ApiSession;
let caseId = 0;
let readerA = 0;

test.beforeAll(async () => {
  admin = await adminSession();
  readerA = await createUser(admin, names.a, 'reader', 'Ann Reader');
  const readerB = await createUser(admin, names.b, 'reader', 'Ben Reader');
  await createUser(admin, names.lead, 'lead', 'Lena Lead');
  const { study } = await admin.ok<{ study: { id: number } }>('POST', '/api/studies', { name: `COVID double read ${run}`, readersPerCase: 2 });
  const { cases } = await admin.ok<{ cases: Array<{ id: number }> }>('POST', `/api/studies/${study.id}/cases`, { cases: [{ studyInstanceUid: fx.covid.studyUid, seriesInstanceUid: fx.covid.seriesUid, label: 'COVID-CT-01' }] });
  caseId = cases[0].id;
  for (const userId of [readerA, readerB]) await admin.ok('POST', `/api/cases/${caseId}/assignments`, { userId });
});

const loginAs = (browser: Browser, username: string, password?: string) => login(browser, base, username, password);

/** From the worklist: open the case, paint a stroke where asked, answer the form. */
async function readTheCase(page: Page, where: { x: number; y: number }): Promise<string> {
  await page.locator(`[data-testid="worklist"] tr[data-case-id="${caseId}"]`).getByRole('button', { name: 'Open' }).click();
  await waitForVolumeLoaded(page);
  await expect(page.locator('[data-tool="brush"]')).toBeVisible();
  // Nothing painted: another reader's contours never arrive here.
  expect(await page.evaluate(() => window.__ctawViewer!.labelCounts())).toEqual({});
  const box = await viewBox(page, 'axial');
  await page.keyboard.press('b');
  await stroke(page, { x: box.x + box.width * where.x, y: box.y + box.height * where.y }, { x: box.x + box.width * (where.x + 0.08), y: box.y + box.height * where.y });
  await answerRequiredItems(page);
  return labelHash(page);
}

/** What the page's own session gets from the gateway for a DICOMweb path. */
async function statusOf(page: Page, path: string): Promise<number> {
  return page.evaluate((p) => fetch(p).then((r) => r.status), path);
}

test('two readers and a lead: each reader sees only their own contours, the lead sees both reads only once both submitted', async ({ browser }) => {
  test.setTimeout(420_000);
  const a = await loginAs(browser, names.a);
  await expect(a.locator(`tr[data-case-id="${caseId}"]`)).toHaveAttribute('data-state', 'new');
  const hashA = await readTheCase(a, { x: 0.26, y: 0.45 });

  // A submits offline; meanwhile the admin revokes A's sessions. Back online, A is asked to log
  // in again, and the waiting read goes out after: nothing lost.
  await a.context().setOffline(true);
  await a.getByTestId('submit-read').click();
  await expect(a.getByTestId('submit-message')).toContainText('Queued for the server');
  await admin.ok('POST', `/api/admin/users/${readerA}/revoke-sessions`);
  await a.context().setOffline(false);
  const dialog = a.getByRole('dialog', { name: 'Log in again' });
  await expect(dialog).toBeVisible({ timeout: 90_000 });
  await expect(a.getByTestId('sync-status')).toContainText('waiting');
  await dialog.getByLabel('Password').fill(TEST_PASSWORD);
  await dialog.getByRole('button', { name: 'Log in' }).click();
  await waitForOutboxSent(a, 2);
  await expect(a.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced');
  expect(await labelHash(a)).toBe(hashA);

  // The lead: A has submitted, B not; no read is shown, and A's SEG is not reachable yet.
  const lead = await loginAs(browser, names.lead);
  await lead.getByTestId('tab-studies').click();
  const leadCase = lead.locator(`tr[data-case-id="${caseId}"]`);
  await expect(leadCase).toContainText('1 / 2');
  await leadCase.getByRole('button', { name: 'Reads' }).click();
  const reads = lead.getByTestId('case-reads');
  await expect(reads).toHaveAttribute('data-complete', 'false');
  await expect(reads.locator(`[data-reader="${names.a}"]`)).toHaveAttribute('data-submitted', 'true');
  await expect(reads.locator(`[data-reader="${names.b}"]`)).toHaveAttribute('data-submitted', 'false');
  await expect(reads.getByRole('button', { name: 'View read' })).toHaveCount(0);
  const segSeriesA = await a.evaluate(() => window.__ctawRead!.ownSegSeriesUid());
  expect(await statusOf(lead, `/dicom-web/studies/${fx.covid.studyUid}/series/${segSeriesA}/metadata`)).toBe(404);

  // B opens the same case: an empty labelmap (A's contours are nowhere), A's SEG answers 404.
  const b = await loginAs(browser, names.b);
  const hashB = await readTheCase(b, { x: 0.6, y: 0.55 });
  expect(hashB).not.toBe(hashA);
  expect(await statusOf(b, `/dicom-web/studies/${fx.covid.studyUid}/series/${segSeriesA}/metadata`)).toBe(404);
  const segSeriesSeenByB = await b.evaluate((study) => fetch(`/dicom-web/studies/${study}/series?Modality=SEG`).then((r) => (r.status === 200 ? r.json() : [])), fx.covid.studyUid);
  expect(JSON.stringify(segSeriesSeenByB)).not.toContain(segSeriesA);
  await b.getByTestId('submit-read').click();
  await expect(b.getByTestId('submit-message')).toContainText('Queued for the server');
  await waitForOutboxSent(b, 2);
  // No case left: "Next case" leads back to the worklist, which has the case as submitted.
  await b.getByTestId('next-case-after-submit').click();
  await expect(b.locator(`[data-testid="worklist"] tr[data-case-id="${caseId}"]`)).toHaveAttribute('data-state', 'submitted');

  // Both submitted: the lead sees both reads, and A's opens on the CT as A drew it.
  await lead.reload();
  await lead.getByTestId('tab-studies').click();
  await expect(leadCase).toContainText('2 / 2');
  await leadCase.getByRole('button', { name: 'Reads' }).click();
  await expect(reads).toHaveAttribute('data-complete', 'true');
  await expect(reads.getByRole('button', { name: 'View read' })).toHaveCount(2);
  await reads.locator(`[data-reader="${names.a}"]`).getByRole('button', { name: 'View read' }).click();
  await waitForVolumeLoaded(lead);
  await expect(lead.getByTestId('restored-message')).toContainText('Reviewing the read of Ann Reader');
  expect(await labelHash(lead)).toBe(hashA);

  for (const p of [a, b, lead]) await p.context().close();
});

test('the admin screen creates an account (its password shown once), a reading study with an archive CT as its case, and assigns readers', async ({ browser }) => {
  test.setTimeout(120_000);
  const page = await loginAs(browser, 'admin', process.env.CTAW_TEST_ADMIN_PASSWORD!);
  await expect(page.getByRole('heading', { name: 'Study administration' })).toBeVisible();

  const username = `reader-c-${run}`;
  await page.getByLabel('New user name').fill(username);
  await page.getByLabel('Display name').fill('Cleo <b>Reader</b>');
  await page.getByRole('button', { name: 'Create account' }).click();
  const notice = page.getByTestId('admin-notice');
  await expect(notice).toContainText(`Created ${username}. Their password (shown once): `);
  // Display names are text, never markup.
  await expect(page.locator(`tr[data-user="${username}"]`)).toContainText('Cleo <b>Reader</b>');
  const password = (await notice.textContent())!.split('(shown once): ')[1].trim();
  const asC = await browser.newContext({ baseURL: base });
  const login = await asC.request.post('/api/auth/login', { data: { username, password } });
  expect(login.status()).toBe(200);
  await asC.close();

  const study = `Admin screen study ${run}`;
  await page.getByLabel('Study name').fill(study);
  await page.getByRole('button', { name: 'Create study' }).click();
  const section = page.locator('.lead-study', { has: page.getByRole('heading', { name: study }) });
  await section.getByRole('button', { name: 'Add CT series…' }).click();
  // The COVID CT itself, not its compressed copies (same description, a few slices).
  await section.locator('.series-picker label').filter({ hasText: 'COVID-CT-MD' }).filter({ hasText: `(${fx.covid.files.length} images)` }).getByRole('checkbox').check();
  await section.getByRole('button', { name: 'Add 1 as cases' }).click();
  await expect(section.getByRole('status')).toContainText('1 cases added');
  await section.getByRole('button', { name: 'Assign readers' }).click();
  await expect(section.getByRole('status')).toContainText('2 assignments made');
  await expect(section.locator('.progress-tables')).toContainText('0 / 2');
  await page.context().close();
});
