// The series the benchmarks open: the shared COVID CT (when ../shared is there) and a synthetic
// 512x512x300 chest phantom, uploaded to the bench Orthanc once.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { countSeriesInstances, listDicomFiles, uploadFiles } from '../scripts/data/orthancUpload.ts';
import { writePhantomSeries } from '../scripts/data/syntheticCt.ts';
import { readUids } from '../scripts/data/readUids.ts';

export interface Dataset { name: string; dir: string; studyUid: string; seriesUid: string; count: number }

const root = resolve(import.meta.dirname, '..');

async function prepare(orthancUrl: string, name: string, dir: string): Promise<Dataset> {
  const files = await listDicomFiles(dir);
  const { studyUid, seriesUid } = await readUids(files[0]);
  if ((await countSeriesInstances(orthancUrl, seriesUid)) < files.length) await uploadFiles(orthancUrl, files, 4);
  return { name, dir, studyUid, seriesUid, count: files.length };
}

export async function sharedCovid(orthancUrl: string): Promise<Dataset | null> {
  const shared = resolve(root, '../shared/data/COVID-CT-01/dicom');
  return existsSync(shared) ? prepare(orthancUrl, 'shared-covid', shared) : null;
}

export async function synthetic300(orthancUrl: string): Promise<Dataset> {
  const synth = resolve(root, '.data/bench/synthetic-300');
  if (!existsSync(resolve(synth, 'IM0300.dcm'))) {
    writePhantomSeries(synth, {
      rows: 512, columns: 512, slices: 300, pixelSpacingMm: 0.7, sliceSpacingMm: 1, seed: 'ctaw-bench-300',
      patientName: 'BENCH^SYNTHETIC', patientId: 'BENCH-300', studyDescription: 'Synthetic chest CT 300', seriesDescription: '512x512x300 uncompressed',
    });
  }
  return prepare(orthancUrl, 'synthetic-300', synth);
}
