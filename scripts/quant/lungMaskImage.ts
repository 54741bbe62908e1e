// tsx scripts/quant/lungMaskImage.ts [DIR | --phantom] [--out docs/lung-masks.png] [--at i,j,k]:
// the lung masks (src/quant/lungMask.ts) drawn as outlines over the CT (lung window) in three
// orthogonal views, for checking them by eye: axial and coronal through the middle of the lungs,
// sagittal through the middle of the right lung. Right lung green, left lung orange. DIR defaults
// to the shared COVID-19 CT. 1 px per mm, so the views keep their proportions.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateSync } from 'node:zlib';
import { ctSeriesFromPart10 } from '../../src/quant/ctFromPart10.ts';
import { LUNG, type CtVolume } from '../../src/quant/ctVolume.ts';
import { segmentLungs } from '../../src/quant/lungMask.ts';
import { chestPhantom } from '../../src/quant/phantom.testSupport.ts';
import { readDicomDir } from '../quant.ts';
import { crc32 } from '../../src/export/storedZip.ts';

const here = dirname(fileURLToPath(import.meta.url));
const DEFAULT_DIR = resolve(here, '../../../shared/data/COVID-CT-01/dicom');
const WINDOW = { centerHu: -600, widthHu: 1500 };
const COLOURS: Record<number, [number, number, number]> = { [LUNG.right]: [40, 230, 60], [LUNG.left]: [255, 140, 0] };


/** An 8-bit RGB PNG (PNG spec: signature, IHDR, one IDAT, IEND; filter 0 on every row). */
export function encodePng(rgb: Uint8Array, width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = new Uint8Array(height * (1 + 3 * width));
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * 3 * width, (y + 1) * 3 * width), y * (1 + 3 * width) + 1);
  const parts = [new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

interface View {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/**
 * One plane: `u` and `v` are the grid axes along the image's x and y, `w` the fixed axis at `at`;
 * v is drawn top-down in the direction given (so the head is up and the patient's right on the left).
 */
function renderPlane(ct: CtVolume, labels: Uint8Array, u: 0 | 1 | 2, v: 0 | 1 | 2, w: 0 | 1 | 2, at: number, flipV: boolean): View {
  const dims = ct.dims;
  const width = Math.max(1, Math.round(dims[u] * ct.spacing[u]));
  const height = Math.max(1, Math.round(dims[v] * ct.spacing[v]));
  const stride = [1, dims[0], dims[0] * dims[1]];
  const label = new Uint8Array(width * height);
  const rgb = new Uint8Array(width * height * 3);
  const lo = WINDOW.centerHu - WINDOW.widthHu / 2;
  for (let y = 0; y < height; y++) {
    let iv = Math.min(dims[v] - 1, Math.floor(y / ct.spacing[v]));
    if (flipV) iv = dims[v] - 1 - iv;
    for (let x = 0; x < width; x++) {
      const iu = Math.min(dims[u] - 1, Math.floor(x / ct.spacing[u]));
      const p = iu * stride[u] + iv * stride[v] + at * stride[w];
      const g = Math.max(0, Math.min(255, Math.round(((ct.hu[p] - lo) / WINDOW.widthHu) * 255)));
      const o = 3 * (x + width * y);
      rgb[o] = rgb[o + 1] = rgb[o + 2] = g;
      label[x + width * y] = labels[p];
    }
  }
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const l = label[x + width * y];
      if (l === 0) continue;
      const edge = x === 0 || y === 0 || x === width - 1 || y === height - 1 || label[x - 1 + width * y] !== l || label[x + 1 + width * y] !== l || label[x + width * (y - 1)] !== l || label[x + width * (y + 1)] !== l;
      if (!edge) continue;
      const o = 3 * (x + width * y);
      rgb.set(COLOURS[l] ?? [255, 0, 255], o);
    }
  return { width, height, rgb };
}

function centroid(labels: Uint8Array, dims: readonly number[], value?: number): [number, number, number] {
  const s = [0, 0, 0];
  let n = 0;
  for (let k = 0, p = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++, p++)
        if (labels[p] !== 0 && (value === undefined || labels[p] === value)) {
          s[0] += i;
          s[1] += j;
          s[2] += k;
          n++;
        }
  if (n === 0) return [dims[0] >> 1, dims[1] >> 1, dims[2] >> 1];
  return [Math.round(s[0] / n), Math.round(s[1] / n), Math.round(s[2] / n)];
}

/** The three views side by side on black, as PNG bytes. */
export function lungMaskViews(ct: CtVolume, labels: Uint8Array, at?: [number, number, number]): Uint8Array {
  const c = at ?? centroid(labels, ct.dims);
  const sagittalI = at ? at[0] : centroid(labels, ct.dims, LUNG.right)[0];
  // Head up: flip the slice axis when k runs towards the feet (LPS +z is the head).
  const kTowardsHead = ct.direction[8] >= 0;
  const views = [renderPlane(ct, labels, 0, 1, 2, c[2], false), renderPlane(ct, labels, 0, 2, 1, c[1], kTowardsHead), renderPlane(ct, labels, 1, 2, 0, sagittalI, kTowardsHead)];
  const gap = 8;
  const width = views.reduce((n, v) => n + v.width, 0) + gap * (views.length - 1);
  const height = Math.max(...views.map((v) => v.height));
  const rgb = new Uint8Array(width * height * 3);
  let x0 = 0;
  for (const v of views) {
    for (let y = 0; y < v.height; y++) rgb.set(v.rgb.subarray(y * v.width * 3, (y + 1) * v.width * 3), 3 * (x0 + width * y));
    x0 += v.width + gap;
  }
  return encodePng(rgb, width, height);
}

function main(argv: string[]): void {
  let dir = DEFAULT_DIR;
  let out = resolve(here, '../../docs/lung-masks.png');
  let phantom = false;
  let at: [number, number, number] | undefined;
  for (let n = 0; n < argv.length; n++) {
    if (argv[n] === '--out') out = resolve(argv[++n]);
    else if (argv[n] === '--phantom') phantom = true;
    else if (argv[n] === '--at') at = argv[++n].split(',').map(Number) as [number, number, number];
    else dir = argv[n];
  }
  const ct = phantom ? chestPhantom().ct : ctSeriesFromPart10(...Object.values(readDicomDir(dir)) as [Uint8Array[], string[]]).ct;
  const mask = segmentLungs(ct);
  process.stderr.write(`lung masks: right ${mask.rightMl.toFixed(0)} mL, left ${mask.leftMl.toFixed(0)} mL, ${mask.timingsMs.total} ms\n`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, lungMaskViews(ct, mask.labels, at));
  process.stderr.write(`wrote ${out}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main(process.argv.slice(2));
