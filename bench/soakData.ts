// The soak's data (bench/scaleSoak.ts): synthetic CTs made in memory and stored straight into an
// Orthanc, and the results a reader stores, made by the app's own SEG and SR encoders.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derivedUid, writePhantomSeries } from '../scripts/data/syntheticCt.ts';
import { phantomCornerMm } from '../scripts/data/phantomHu.ts';
import { encodeSeg } from '../src/seg/segEncoder.ts';
import { encodeSr } from '../src/sr/srEncoder.ts';
import type { SegSource } from '../src/seg/segModel.ts';

const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
const SEGMENT = { value: 1, label: 'Lesion', color: [255, 0, 0] as [number, number, number], category: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' }, type: { value: '52988006', scheme: 'SCT', meaning: 'Lesion' } };

export interface SoakCt {
  label: string;
  studyUid: string;
  seriesUid: string;
  patientId: string;
  source: SegSource;
  sopUids: string[];
  /** a few painted voxels on the CT's grid, shared by every reader's SEG (read only) */
  labels: Uint8Array;
}

/** `count` CTs of `slices` 512x512 slices, stored into Orthanc at orthancUrl (4 at a time). */
export async function loadCts(orthancUrl: string, count: number, slices: number, runId: string): Promise<SoakCt[]> {
  const cts: SoakCt[] = [];
  for (let c = 0; c < count; c++) {
    const dir = mkdtempSync(join(tmpdir(), 'ctaw-soak-'));
    try {
      const seed = `soak-${runId}-${c}`;
      const geometry = { rows: 512, columns: 512, slices, pixelSpacingMm: 0.7, sliceSpacingMm: 2.5 };
      const patientId = `SOAK-${c}`;
      const made = writePhantomSeries(dir, { ...geometry, seed, patientName: 'SOAK^READER', patientId, studyDescription: 'soak', seriesDescription: `soak CT ${c}` });
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < made.files.length) {
            const res = await fetch(`${orthancUrl}/instances`, { method: 'POST', body: readFileSync(made.files[next++]) });
            if (!res.ok) throw new Error(`Orthanc refused a soak CT slice: ${res.status}`);
          }
        }),
      );
      const [x0, y0] = phantomCornerMm(geometry);
      const sopUids = made.files.map((_, k) => derivedUid(seed, `instance-${k}`));
      const labels = new Uint8Array(512 * 512 * slices);
      for (const k of [Math.floor(slices / 2), Math.floor(slices / 2) + 1]) for (let d = 0; d < 20; d++) labels[k * 512 * 512 + (250 + d) * 512 + 240 + d] = 1;
      cts.push({
        label: `Soak case ${c}`,
        studyUid: made.studyUid,
        seriesUid: made.seriesUid,
        patientId,
        sopUids,
        labels,
        source: {
          studyInstanceUid: made.studyUid,
          seriesInstanceUid: made.seriesUid,
          frameOfReferenceUid: derivedUid(seed, 'frame-of-reference'),
          patientName: 'SOAK^READER',
          patientId,
          grid: { dims: [512, 512, slices], spacing: [0.7, 0.7, 2.5], origin: [x0, y0, slices * 2.5], direction: [1, 0, 0, 0, 1, 0, 0, 0, -1] },
          slices: sopUids.map((sop) => ({ sopInstanceUid: sop, sopClassUid: CT_IMAGE })),
        },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return cts;
}

export interface ReadSeries {
  seg: string;
  sr: string;
}

/** A reader's SEG of a case, version `instanceNumber` in their own series. */
export function segOf(ct: SoakCt, reader: string, series: ReadSeries, instanceNumber: number, sopInstanceUid: string): Uint8Array {
  return encodeSeg({
    source: ct.source,
    labels: ct.labels,
    segments: [SEGMENT],
    reader,
    seriesDescription: `Lesions (${reader})`,
    seriesNumber: 9001,
    instanceNumber,
    sopInstanceUid,
    seriesInstanceUid: series.seg,
    contentDateTime: new Date(),
  }).bytes;
}

/** A reader's form as an SR, referencing their SEG. */
export function srOf(ct: SoakCt, reader: string, series: ReadSeries, instanceNumber: number, sopInstanceUid: string, seg: { sopInstanceUid: string }): Uint8Array {
  return encodeSr({
    source: { ...ct.source, sopClassUid: CT_IMAGE, instanceUids: ct.sopUids },
    seg: { seriesInstanceUid: series.seg, sopInstanceUid: seg.sopInstanceUid, sopClassUid: '1.2.840.10008.5.1.4.1.1.66.4' },
    schema: { id: 'soak', version: '1', title: 'Soak form' },
    answers: [{ itemId: 'paTrunk', concept: { value: '99CTAW-PA', scheme: '99CTAW', meaning: 'PA trunk diameter' }, kind: 'num', value: 30 + (instanceNumber % 7), unit: { code: 'mm', meaning: 'millimeter' } }],
    reader,
    sopInstanceUid,
    seriesInstanceUid: series.sr,
    seriesNumber: 9002,
    instanceNumber,
    contentDateTime: new Date(),
    complete: true,
  });
}
