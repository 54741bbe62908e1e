// Builds and loads the series the integration and e2e tests use, and writes a manifest of
// their UIDs and source files (.data/test-fixtures.json) for the tests to read.
//   tsx scripts/test-fixtures.ts ORTHANC_URL
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { listDicomFiles, uploadFiles } from './data/orthancUpload.ts';
import { derivedUid, writePhantomSeries } from './data/syntheticCt.ts';
import { readUids } from './data/readUids.ts';
import type { FixtureSeries } from '../e2e/support/fixtures.ts';

const orthancUrl = process.argv[2] ?? 'http://127.0.0.1:18643';
const root = resolve(import.meta.dirname, '..');
const shared = resolve(root, '../shared/data');
const out = resolve(root, '.data/fixtures');

async function describe(dir: string, files?: string[]): Promise<FixtureSeries> {
  const list = files ?? (await listDicomFiles(dir));
  return { ...(await readUids(list[0])), dir, files: list };
}

/** A copy of some slices as a new series, compressed with a dcmtk tool (lossless). */
function compressedCopy(label: string, tool: string, toolArgs: string[], sources: string[]): string {
  const dir = join(out, label);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const seriesUid = derivedUid('ctaw-fixtures', `${label}-series`);
  sources.forEach((src, n) => {
    const tmp = join(dir, `tmp-${basename(src)}`);
    copyFileSync(src, tmp);
    execFileSync('dcmodify', ['-nb', '-i', `(0020,000e)=${seriesUid}`, '-i', `(0008,0018)=${derivedUid('ctaw-fixtures', `${label}-${n}`)}`, '-i', `(0008,103e)=${label} copy`, '-i', '(0020,0011)=90', tmp]);
    execFileSync(tool, [...toolArgs, tmp, join(dir, basename(src))]);
    rmSync(tmp);
  });
  return dir;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const manifest: Record<string, FixtureSeries> = {};
if (!existsSync(shared)) throw new Error(`the tests need the shared data at ${shared}`);

manifest.covid = await describe(join(shared, 'COVID-CT-01/dicom'));
manifest.lidc = await describe(join(shared, 'LIDC-IDRI-0001-subset/dicom'));
const lidcSlices = manifest.lidc.files.slice(6, 10);
manifest.jpegls = await describe(compressedCopy('jpeg-ls', 'dcmcjpls', ['--encode-lossless'], lidcSlices));
manifest.rle = await describe(compressedCopy('rle', 'dcmcrle', [], lidcSlices));
manifest.lidcPart = { ...manifest.lidc, files: lidcSlices };

const segDir = join(shared, 'third_party_seg/dcmqi');
manifest.seg = await describe(segDir, [join(segDir, 'liver.dcm')]);
manifest.segSourceCt = await describe(join(segDir, 'ct-3slice'));

const hostileDir = join(out, 'hostile');
writePhantomSeries(hostileDir, {
  rows: 128, columns: 128, slices: 24, pixelSpacingMm: 2.5, sliceSpacingMm: 10, seed: 'ctaw-hostile',
  patientName: '<img src=x onerror=alert(1)>', patientId: 'XSS-01', studyDescription: '<script>alert(2)</script>',
  seriesDescription: '<b>bold</b> series',
});
manifest.hostile = await describe(hostileDir);

const gapDir = join(out, 'gap');
writePhantomSeries(gapDir, {
  rows: 128, columns: 128, slices: 30, pixelSpacingMm: 2.5, sliceSpacingMm: 5, seed: 'ctaw-gap',
  patientName: 'GAP^PHANTOM', patientId: 'GAP-01', studyDescription: 'Phantom with missing slices',
  seriesDescription: 'Two slices missing', omitSlices: [12, 13],
});
manifest.gap = await describe(gapDir);

for (const [name, series] of Object.entries(manifest)) {
  if (name === 'lidcPart') continue;
  await uploadFiles(orthancUrl, series.files);
}
writeFileSync(join(root, '.data/test-fixtures.json'), JSON.stringify(manifest, null, 2));
console.error(`[fixtures] loaded ${Object.keys(manifest).length} series into ${orthancUrl}`);
