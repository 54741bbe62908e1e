// Loads the sample CT into Orthanc once: the shared COVID-19 chest CT (and the LIDC nodule slab)
// when ../shared/data is present, otherwise a synthetic chest phantom made here.
// Running it again loads nothing (it checks what Orthanc already holds).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { countSeriesInstances, listDicomFiles, uploadFiles } from './data/orthancUpload.ts';
import { writePhantomSeries } from './data/syntheticCt.ts';
import { readUids } from './data/readUids.ts';

const orthancUrl = process.argv[2] ?? 'http://127.0.0.1:18642';
const root = resolve(import.meta.dirname, '..');
const shared = resolve(root, '../shared/data');

async function loadFolder(label: string, dir: string): Promise<void> {
  const files = await listDicomFiles(dir);
  const { seriesUid } = await readUids(files[0]);
  const have = await countSeriesInstances(orthancUrl, seriesUid);
  if (have >= files.length) {
    console.error(`[data] ${label}: already loaded (${have} images)`);
    return;
  }
  console.error(`[data] ${label}: loading ${files.length} images`);
  await uploadFiles(orthancUrl, files);
}

if (existsSync(resolve(shared, 'COVID-CT-01/dicom'))) {
  await loadFolder('COVID-CT-01 chest CT', resolve(shared, 'COVID-CT-01/dicom'));
  await loadFolder('LIDC-IDRI-0001 nodule slab', resolve(shared, 'LIDC-IDRI-0001-subset/dicom'));
} else {
  const dir = resolve(root, '.data/phantom');
  const series = writePhantomSeries(dir, {
    rows: 512, columns: 512, slices: 120, pixelSpacingMm: 0.7, sliceSpacingMm: 2.5, seed: 'ctaw-sample-phantom',
    patientName: 'PHANTOM^CHEST', patientId: 'PHANTOM-01', studyDescription: 'Synthetic chest CT',
    seriesDescription: 'Chest phantom 2.5 mm',
  });
  await loadFolder('synthetic chest phantom', dir);
  void series;
}
