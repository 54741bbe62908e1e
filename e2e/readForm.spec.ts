// The read form beside the images: answered with the mouse and the keyboard (number keys pick a
// choice), the pulmonary artery measured with the length tool straight into its field, everything
// back after a reload, and, submitted offline, the archive holding the read's SR once, whose every
// item equals what was entered.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { dciodvfy } from '../src/dicom/dicomTools.testSupport.ts';
import { expect, test, type Page } from '@playwright/test';
import { fixtures } from './support/fixtures.ts';
import { nameReader } from './support/reader.ts';
import { openForContouring, stroke, viewBox, worldAt } from './support/contouring.ts';
import { showPanel } from './support/readForm.ts';
import { outboxSops, fetchInstance } from './support/serverSeg.ts';
import { waitForVolumeLoaded } from './support/viewerPage.ts';
import { decodeSr } from '../src/sr/srDecoder.ts';

const fx = fixtures();
const base = process.env.CTAW_BASE_URL ?? 'http://127.0.0.1:5181';
const schema = JSON.parse(readFileSync(resolve(import.meta.dirname, '../public/forms/chest-ct-comorbidity.v1.json'), 'utf8')) as {
  sections: Array<{ items: Array<{ id: string; concept: { value: string }; choices?: Array<{ value: string; code: { value: string; scheme: string; meaning: string } }> }> }>;
};
const item = (id: string) => schema.sections.flatMap((s) => s.items).find((i) => i.id === id)!;
const code = (id: string, value: string) => item(id).choices!.find((c) => c.value === value)!.code;

const radio = (page: Page, id: string, value: string) => page.locator(`input[name="${id}"][value="${value}"]`);
const DESCRIPTION = 'Subpleural reticulation <b>basal</b> & "honeycombing"? – ünïcode';

test('the read form is answered by mouse and keyboard, the PA measured into its field, kept over a reload, and stored on the server as an SR equal to what was entered', async ({ page, context }) => {
  test.setTimeout(240_000);
  await nameReader(page, `Form Reader ${Date.now()}`);
  await openForContouring(page, fx.covid);
  await page.keyboard.press('b');
  const axial = await viewBox(page, 'axial');
  await stroke(page, { x: axial.x + axial.width * 0.26, y: axial.y + axial.height * 0.45 }, { x: axial.x + axial.width * 0.33, y: axial.y + axial.height * 0.48 });
  // Submitting before the required answers are given is refused, naming them in the form.
  await page.getByTestId('submit-read').click();
  await expect(page.getByTestId('submit-message')).toContainText('Not submitted: the read form needs 2 more answers');
  await expect(page.getByTestId('read-form')).toBeVisible();
  await expect(page.getByTestId('form-summary')).toContainText('COVID-19 CT pattern');
  await expect(page.getByTestId('form-item-covid_pattern')).toContainText('Required');
  expect(await outboxSops(page, 'seg')).toEqual([]);

  // Mouse.
  await radio(page, 'covid_pattern', 'indeterminate').check();
  await radio(page, 'emphysema', 'mild').check();
  await radio(page, 'fibrosis', 'present').check();
  await radio(page, 'pleural_effusion', 'both').check();
  // Keyboard: focus a choice group and press the choice's number.
  await radio(page, 'pneumonia_extent', 'none').focus();
  await page.keyboard.press('3');
  await expect(radio(page, 'pneumonia_extent', '10to25')).toBeChecked();
  await radio(page, 'coronary_calcification', 'none').focus();
  await page.keyboard.press('2');
  await expect(radio(page, 'coronary_calcification', 'mild')).toBeChecked();
  // A conditional item appears once its condition holds.
  await radio(page, 'emphysema_type', 'centrilobular').focus();
  await page.keyboard.press('2');
  await expect(radio(page, 'emphysema_type', 'paraseptal')).toBeChecked();
  await page.locator('#form-input-fibrosis_description').fill(DESCRIPTION);
  await page.locator('#form-input-aorta_diameter').focus();
  await page.keyboard.type('33.5');

  // The pulmonary artery trunk, measured on the axial view into its field.
  await page.getByRole('button', { name: 'Measure Pulmonary artery trunk diameter' }).click();
  await expect(page.getByTestId('measure-hint')).toBeVisible();
  const from = { x: axial.x + axial.width * 0.45, y: axial.y + axial.height * 0.4 };
  const to = { x: axial.x + axial.width * 0.52, y: axial.y + axial.height * 0.43 };
  const [a, b] = [await worldAt(page, 'axial', from), await worldAt(page, 'axial', to)];
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 8 });
  await page.mouse.up();
  const expectedPa = Math.round(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]) * 10) / 10;
  await expect(page.locator('#form-input-pa_diameter')).toHaveValue(String(expectedPa));
  await expect(page.getByTestId('form-item-pa_diameter')).toContainText('from length 1');
  await expect(page.locator('[data-measure-layer="axial"] .measurement text')).toHaveText(`${expectedPa.toFixed(1)} mm`);

  const entered = async () => ({
    checked: await page.locator('.read-form input[type="radio"]:checked').evaluateAll((els) => els.map((e) => `${(e as HTMLInputElement).name}=${(e as HTMLInputElement).value}`).sort()),
    description: await page.locator('#form-input-fibrosis_description').inputValue(),
    aorta: await page.locator('#form-input-aorta_diameter').inputValue(),
    pa: await page.locator('#form-input-pa_diameter').inputValue(),
    measurements: await page.getByTestId('measurement').allTextContents(),
  });
  const before = await entered();
  expect(before.checked).toEqual(['coronary_calcification=mild', 'covid_pattern=indeterminate', 'emphysema=mild', 'emphysema_type=paraseptal', 'fibrosis=present', 'pleural_effusion=both', 'pneumonia_extent=10to25']);

  await page.reload();
  await waitForVolumeLoaded(page);
  await showPanel(page, 'form');
  await expect(page.getByTestId('read-form')).toBeVisible();
  expect(await entered()).toEqual(before);
  // Clicking the field's link jumps to the measurement and selects it.
  await page.getByTestId('form-item-pa_diameter').getByRole('button', { name: /from length 1/ }).click();
  await expect(page.getByTestId('measurement').first()).toHaveAttribute('aria-current', 'true');
  await expect(page.locator('[data-measure-layer="axial"] .measurement.selected')).toHaveCount(1);
  // The README's picture of the read form beside the images.
  await page.screenshot({ path: 'docs/read-form.png' });

  await context.setOffline(true);
  await page.getByTestId('submit-read').click();
  await expect(page.getByTestId('submit-message')).toContainText('with the read form');
  await context.setOffline(false);
  await expect(page.getByTestId('sync-status')).toHaveAttribute('data-state', 'synced', { timeout: 60_000 });

  const [sop] = await outboxSops(page, 'form');
  const found = (await (await fetch(`${base}/dicom-web/studies/${fx.covid.studyUid}/instances?SOPInstanceUID=${sop}`)).json()) as Array<Record<string, { Value?: string[] }>>;
  expect(found).toHaveLength(1);
  const seriesUid = found[0]['0020000E'].Value![0];
  const inSeries = (await (await fetch(`${base}/dicom-web/studies/${fx.covid.studyUid}/series/${seriesUid}/instances`)).json()) as unknown[];
  expect(inSeries).toHaveLength(1);
  const srBytes = await fetchInstance(fx.covid.studyUid, seriesUid, sop);
  expect(dciodvfy(srBytes, 'sr.dcm').errors).toEqual([]);
  const sr = decodeSr(srBytes);

  const byId = Object.fromEntries(sr.answers.map((x) => [x.itemId, x]));
  expect(Object.keys(byId).sort()).toEqual(['aorta_diameter', 'coronary_calcification', 'covid_pattern', 'emphysema', 'emphysema_type', 'fibrosis', 'fibrosis_description', 'pa_diameter', 'pleural_effusion', 'pneumonia_extent']);
  for (const [id, value] of [['covid_pattern', 'indeterminate'], ['pneumonia_extent', '10to25'], ['coronary_calcification', 'mild'], ['emphysema', 'mild'], ['emphysema_type', 'paraseptal'], ['fibrosis', 'present'], ['pleural_effusion', 'both']]) {
    expect(byId[id], id).toMatchObject({ kind: 'code', concept: { value: item(id).concept.value }, value: code(id, value) });
  }
  expect(byId.fibrosis_description).toMatchObject({ kind: 'text', value: DESCRIPTION });
  expect(byId.aorta_diameter).toMatchObject({ kind: 'num', value: 33.5, unit: { code: 'mm' } });
  expect(byId.aorta_diameter).not.toHaveProperty('measurement');
  const pa = byId.pa_diameter as { kind: 'num'; value: number; measurement?: { graphicType: string; points: number[][] } };
  expect(pa.value).toBe(expectedPa);
  expect(pa.measurement?.graphicType).toBe('POLYLINE');
  const [p, q] = pa.measurement!.points;
  expect(Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2])).toBeCloseTo(expectedPa, 0);
  expect(sr.seg?.sopInstanceUid).toBe((await outboxSops(page, 'seg'))[0]);
});
