// The reader's side of results: naming oneself on the study browser, and asking the archive
// (through the gateway) which SEG instances a reader has stored for a study.
import { expect, type Page } from '@playwright/test';

const base = process.env.CTAW_BASE_URL ?? 'http://127.0.0.1:5181';

type DicomJson = Record<string, { Value?: string[] }>;

export async function nameReader(page: Page, name: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Reader name').fill(name);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('Reader name')).toHaveValue(name);
}

/** SEG instances on the archive whose series description names the reader. */
export async function segInstancesOnServer(studyUid: string, reader: string): Promise<Array<{ series: string; sop: string }>> {
  const response = await fetch(`${base}/dicom-web/studies/${studyUid}/series?Modality=SEG&includefield=0008103E`);
  const series = response.status === 200 ? ((await response.json()) as DicomJson[]) : [];
  const out: Array<{ series: string; sop: string }> = [];
  for (const s of series.filter((x) => x['0008103E']?.Value?.[0]?.includes(reader))) {
    const seriesUid = s['0020000E'].Value![0];
    const instances = (await (await fetch(`${base}/dicom-web/studies/${studyUid}/series/${seriesUid}/instances`)).json()) as DicomJson[];
    for (const i of instances) out.push({ series: seriesUid, sop: i['00080018'].Value![0] });
  }
  return out;
}
