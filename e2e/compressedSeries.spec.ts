// Compressed transfer syntaxes give the same HU values as the uncompressed original: JPEG-LS
// lossless and RLE copies (made with dcmtk) of LIDC slices, both when the archive transcodes
// them (Orthanc does, on request) and when it sends them as stored and the app's codec workers
// decode them.
import { expect, test } from '@playwright/test';
import { readCtSlice } from './support/dicomFile.ts';
import { fixtures, viewerUrl, type FixtureSeries } from './support/fixtures.ts';
import { waitForVolumeLoaded } from './support/viewerPage.ts';

const fx = fixtures();
const originals = fx.lidcPart.files.map(readCtSlice);

const cases = [
  ['JPEG-LS lossless', fx.jpegls, '1.2.840.10008.1.2.4.80'],
  ['RLE lossless', fx.rle, '1.2.840.10008.1.2.5'],
] as Array<[string, FixtureSeries, string]>;

for (const [label, series, syntax] of cases) for (const inBrowser of [false, true]) {
  const how = inBrowser ? 'decoded in the browser (fault injected: the archive is asked for the stored syntax, as one that cannot transcode answers)' : 'transcoded by the archive';
  test(`${label} copy ${how} gives the HU values of the uncompressed original`, async ({ page }) => {
    const frameTypes: string[] = [];
    page.on('response', (r) => { if (r.url().includes('/frames/')) frameTypes.push(r.headers()['content-type'] ?? ''); });
    if (inBrowser) {
      await page.route('**/frames/**', (route) => route.continue({
        headers: { ...route.request().headers(), accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' },
      }));
    }
    await page.goto(viewerUrl(series));
    await waitForVolumeLoaded(page);
    const sources = await page.evaluate(() => window.__ctawViewer!.sliceSources());
    expect(sources).toHaveLength(originals.length);
    for (let k = 0; k < sources.length; k++) {
      const original = originals.find((o) => Math.abs(o.positionMm[2] - sources[k]!.positionMm[2]) < 1e-3)!;
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
    expect(frameTypes.length).toBe(originals.length);
    for (const t of frameTypes) expect(t.includes(syntax)).toBe(inBrowser);
  });
}
