// DICOM-SEGs written by other tools (dcmqi, highdicom), opened from a file onto the CT they were
// made on: the labelmap on screen is what the file holds, voxel for voxel, a file over painted
// work waits for the reader's choice, and a file made on another series is refused in words that
// name that series, the reader's labelmap untouched.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { fixtures } from './support/fixtures.ts';
import { nameReader } from './support/reader.ts';
import { labelHash, labelIndices, openForContouring } from './support/contouring.ts';
import { decodeOnOpenCt, indicesOf } from './support/serverSeg.ts';

const fx = fixtures();
const thirdParty = resolve(import.meta.dirname, '../../shared/data/third_party_seg');
const madeOnCt3Slice = ['dcmqi/liver.dcm', 'dcmqi/partial_overlaps.dcm'];

function segFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return segFiles(path);
    return e.name.startsWith('seg') || ['liver.dcm', 'partial_overlaps.dcm', 'sparse-labelmap-noppv.dcm', 'sparse-labelmap-ppv5.dcm', 'sr-example-seg.dcm'].includes(e.name) ? [path] : [];
  });
}

async function openSegFile(page: Page, path: string): Promise<void> {
  await page.getByTestId('seg-import-file').setInputFiles(path);
}

async function segmentLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => window.__ctawContouringStore!.getState().segments.map((s) => s.label));
}

test('third-party SEGs open on their CT voxel for voxel; over painted work the reader chooses; SEGs of other series are refused by name', async ({ page }) => {
  test.setTimeout(180_000);
  await nameReader(page, `SEG Import Reader ${Date.now()}`);
  await openForContouring(page, fx.segSourceCt);

  // dcmqi liver.dcm on an empty labelmap: loaded at once.
  const liver = join(thirdParty, 'dcmqi/liver.dcm');
  await openSegFile(page, liver);
  await expect(page.getByTestId('seg-import-message')).toContainText('Loaded liver.dcm: 1 segment (Liver)');
  const liverDecoded = await decodeOnOpenCt(page, new Uint8Array(readFileSync(liver)));
  const onScreen = await labelIndices(page, 1);
  expect(onScreen.length).toBeGreaterThan(30_000);
  expect(onScreen).toEqual(indicesOf(liverDecoded.labels, 1));
  expect(await segmentLabels(page)).toEqual(['Liver']);
  await expect(page.getByTestId('save-status')).toHaveAttribute('data-state', 'saved');

  // partial_overlaps.dcm over the liver: nothing changes until the reader says so.
  const overlaps = join(thirdParty, 'dcmqi/partial_overlaps.dcm');
  const before = await labelHash(page);
  await openSegFile(page, overlaps);
  await expect(page.getByTestId('server-choice')).toContainText('Replace your segmentation with partial_overlaps.dcm: 5 segments');
  expect(await labelHash(page)).toBe(before);
  await page.getByRole('button', { name: 'Replace with partial_overlaps.dcm' }).click();
  await expect(page.getByTestId('server-choice')).toHaveCount(0);
  await expect.poll(() => segmentLabels(page)).toHaveLength(5);
  const overlapsDecoded = await decodeOnOpenCt(page, new Uint8Array(readFileSync(overlaps)));
  for (const segment of overlapsDecoded.segments) {
    expect(await labelIndices(page, segment.value), segment.label).toEqual(indicesOf(overlapsDecoded.labels, segment.value));
  }

  // Every other third-party SEG was made on a series this archive does not have.
  const painted = await labelHash(page);
  const others = segFiles(thirdParty).filter((p) => !madeOnCt3Slice.includes(relative(thirdParty, p)));
  expect(others.length).toBeGreaterThanOrEqual(8);
  for (const path of others) {
    await openSegFile(page, path);
    const message = page.getByTestId('seg-import-message');
    await expect(message, relative(thirdParty, path)).toHaveAttribute('role', 'alert');
    await expect(message).toContainText(`${path.split('/').pop()} cannot be opened on this CT`);
    await expect(message).toContainText(/another image series|series/);
    expect(await labelHash(page)).toBe(painted);
  }
});
