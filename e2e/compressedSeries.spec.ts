// Compressed transfer syntaxes decode in the app's workers to the same HU values as the
// uncompressed original: JPEG-LS lossless and RLE copies (made with dcmtk) of LIDC slices.
import { expect, test } from '@playwright/test';
import { readCtSlice } from './support/dicomFile.ts';
import { fixtures, viewerUrl, type FixtureSeries } from './support/fixtures.ts';
import { waitForVolumeLoaded } from './support/viewerPage.ts';

const fx = fixtures();
const originals = fx.lidcPart.files.map(readCtSlice);

for (const [label, series] of [['JPEG-LS lossless', fx.jpegls], ['RLE lossless', fx.rle]] as Array<[string, FixtureSeries]>) {
  test(`${label} copy decodes to the HU values of the uncompressed original`, async ({ page }) => {
    await page.goto(viewerUrl(series));
    await waitForVolumeLoaded(page);
    const sources = await page.evaluate(() => window.__ctawViewer!.sliceSources());
    expect(sources).toHaveLength(originals.length);
    for (let k = 0; k < sources.length; k++) {
      const original = originals.find((o) => Math.abs(o.positionMm[2] - sources[k].positionMm[2]) < 1e-3)!;
      expect(original, `slice ${k} has an original`).toBeTruthy();
      // Every 7th voxel of the slice: ~5,000 values each.
      const step = 7;
      const values = await page.evaluate(({ k, step, n, cols }) => {
        const out: Array<number | null> = [];
        for (let p = 0; p < n; p += step) out.push(window.__ctawViewer!.voxelAt(p % cols, Math.floor(p / cols), k));
        return out;
      }, { k, step, n: original.rows * original.columns, cols: original.columns });
      const expected: number[] = [];
      for (let p = 0; p < original.hu.length; p += step) expected.push(original.hu[p]);
      expect(values).toEqual(expected);
    }
  });
}
