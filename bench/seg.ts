// npm run bench -- seg: DICOM-SEG encode and decode of a 512x512x300 labelmap with two
// segments painted on 120 slices (blobs of a chest CT's lesion sizes), in Node, as the worker
// runs them. Prints JSON lines.
import { encodeSeg } from '../src/seg/segEncoder.ts';
import { decodeSeg } from '../src/seg/segDecoder.ts';
import type { SegEncodeInput, SegSource } from '../src/seg/segModel.ts';
import { emit, median } from './report.ts';

const dims = [512, 512, 300] as const;
const [nx, ny, nz] = dims;
const dataset = 'synthetic-512x512x300';
const RUNS = Number(process.env.CTAW_BENCH_RUNS ?? 5);

const labels = new Uint8Array(nx * ny * nz);
for (let k = 90; k < 210; k++) {
  for (const [value, ci, cj, r] of [[1, 160, 250, 60], [2, 350, 270, 45]] as const) {
    const rk = r * Math.sqrt(Math.max(0, 1 - ((k - 150) / 70) ** 2));
    for (let j = Math.floor(cj - rk); j <= cj + rk; j++) {
      for (let i = Math.floor(ci - rk); i <= ci + rk; i++) {
        if ((i - ci) ** 2 + (j - cj) ** 2 <= rk * rk) labels[i + nx * (j + ny * k)] = value;
      }
    }
  }
}

const source: SegSource = {
  studyInstanceUid: '2.25.1', seriesInstanceUid: '2.25.2', frameOfReferenceUid: '2.25.3', patientName: 'BENCH^SEG', patientId: 'B1',
  grid: { dims, spacing: [0.7, 0.7, 1], origin: [-179, -179, -300], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] },
  slices: Array.from({ length: nz }, (_, k) => ({ sopInstanceUid: `2.25.100${k}`, sopClassUid: '1.2.840.10008.5.1.4.1.1.2' })),
};
const input: SegEncodeInput = {
  source, labels,
  segments: [
    { value: 1, label: 'Ground-glass opacity', color: [255, 190, 40], category: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' }, type: { value: '112120', scheme: 'DCM', meaning: 'Ground glass opacity' } },
    { value: 2, label: 'Consolidation', color: [230, 60, 60], category: { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' }, type: { value: '95436008', scheme: 'SCT', meaning: 'Lung consolidation' } },
  ],
  reader: 'Bench^Reader', seriesDescription: 'bench', seriesNumber: 1, instanceNumber: 1, sopInstanceUid: '2.25.4', seriesInstanceUid: '2.25.5', contentDateTime: new Date(),
};

const encodeMs: number[] = [];
const decodeMs: number[] = [];
let bytes: Uint8Array = new Uint8Array(0);
for (let r = 0; r < RUNS; r++) {
  const t0 = performance.now();
  bytes = encodeSeg(input).bytes;
  encodeMs.push(performance.now() - t0);
  const t1 = performance.now();
  decodeSeg(bytes, { grid: source.grid, slices: source.slices, seriesInstanceUid: source.seriesInstanceUid, frameOfReferenceUid: source.frameOfReferenceUid });
  decodeMs.push(performance.now() - t1);
}
emit('seg_encode_ms', median(encodeMs), 'ms', dataset, { runs: encodeMs.map(Math.round), runtime: 'node' });
emit('seg_decode_ms', median(decodeMs), 'ms', dataset, { runs: decodeMs.map(Math.round), runtime: 'node' });
emit('seg_bytes', bytes.length, 'bytes', dataset, { frames: 240 });
