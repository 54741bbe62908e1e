import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import dcmjs from 'dcmjs';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { encodeSeg, generateUid } from './segEncoder.ts';
import { decodeSeg, SegDecodeError } from './segDecoder.ts';
import { handleSegRequest } from '../../workers/seg.worker.ts';
import { SegWorkerClient } from './segWorkerClient.ts';
import { cross, onPath, SEGMENTS, slicesFor, tiltedGrid } from './segTestData.ts';
import type { DecodedSeg, SegDecodeTarget, SegEncodeInput, SegEncodeResult, SegWorkerRequest } from './segModel.ts';

type Nat = Record<string, unknown>;

// CI has ../shared beside the repository; clean clones elsewhere may not.
const SHARED = fileURLToPath(new URL('../../../shared/data', import.meta.url));
const THIRD_PARTY = join(SHARED, 'third_party_seg');
const DCMQI = join(THIRD_PARTY, 'dcmqi');
const HIGHDICOM = join(THIRD_PARTY, 'highdicom');
const HAVE_THIRD_PARTY = existsSync(THIRD_PARTY);
const CT_3SLICE = ['01.dcm', '02.dcm', '03.dcm'].map((f) => join(DCMQI, 'ct-3slice', f));
const HAVE_CT_3SLICE = CT_3SLICE.every((f) => existsSync(f));


// dcmjs logs every odd VR it meets in these files; the tests say what matters.
dcmjs.log.setLevel('error');

const workDir = mkdtempSync(join(tmpdir(), 'seg-decoder-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

// ---- synthetic SEGs ----





/** Two painted segments (no paint on the slice without an image) and one empty segment. */
function syntheticInput(nx = 64, ny = 48, nz = 20, missing = [7]): SegEncodeInput {
  const grid = tiltedGrid(nx, ny, nz);
  const slices = slicesFor(nz, missing, '1.2.826.0.1.3680043.8.498.2');
  const labels = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) {
    if (!slices[k]) continue;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const r2 = (i - nx / 2) ** 2 + (j - ny / 2) ** 2;
        if (r2 < (nx / 4) ** 2 + k) labels[i + nx * (j + ny * k)] = (i + 2 * j + k) % 5 === 0 ? 2 : 1;
      }
    }
  }
  return {
    source: { studyInstanceUid: '1.2.826.0.1.3680043.8.498.20', seriesInstanceUid: '1.2.826.0.1.3680043.8.498.21', frameOfReferenceUid: '1.2.826.0.1.3680043.8.498.22', patientName: 'Test^Patient', patientId: 'T1', grid, slices },
    labels,
    segments: SEGMENTS,
    reader: 'Łukasz^Zoë',
    seriesDescription: 'Contours',
    seriesNumber: 900,
    instanceNumber: 1,
    sopInstanceUid: generateUid(),
    seriesInstanceUid: generateUid(),
    contentDateTime: new Date(2025, 5, 1, 12, 0, 0),
  };
}

function targetOf(input: SegEncodeInput): SegDecodeTarget {
  const { grid, slices, seriesInstanceUid, frameOfReferenceUid } = input.source;
  return { grid, slices, seriesInstanceUid, frameOfReferenceUid };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

function expectDecodeError(run: () => unknown, message: RegExp): SegDecodeError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(SegDecodeError);
    expect((e as Error).message).toMatch(message);
    return e as SegDecodeError;
  }
  throw new Error('expected a SegDecodeError');
}

describe('decodeSeg on SEGs this app writes', () => {
  const input = syntheticInput();
  const encoded = encodeSeg(input);

  it('gives back the labelmap byte for byte', () => {
    const decoded = decodeSeg(encoded.bytes, targetOf(input));
    expect(sameBytes(decoded.labels, input.labels)).toBe(true);
    expect(decoded.warnings).toEqual([]);
    expect(decoded.frames).toBe(encoded.frames);
    expect(decoded.segmentationType).toBe('BINARY');
  });

  it('gives back every segment (the empty one too) with its codes and colour', () => {
    const decoded = decodeSeg(encoded.bytes, targetOf(input));
    expect(decoded.segments).toHaveLength(3);
    decoded.segments.forEach((s, n) => {
      const original = SEGMENTS[n];
      expect(s.value).toBe(n + 1);
      expect(s.label).toBe(original.label);
      expect(s.category).toEqual(original.category);
      expect(s.type).toEqual(original.type);
      s.color.forEach((c, a) => expect(Math.abs(c - original.color[a])).toBeLessThanOrEqual(1));
    });
    expect(decoded.segmentNumbers).toEqual([1, 2, 3]);
    expect(decoded.contentCreatorName).toBe('Łukasz^Zoë');
    expect(decoded.seriesDescription).toBe('Contours');
    expect(decoded.sopInstanceUid).toBe(input.sopInstanceUid);
    expect(decoded.seriesInstanceUid).toBe(input.seriesInstanceUid);
  });

  it('accepts the bytes as an ArrayBuffer or as a view into a larger buffer', () => {
    const padded = new Uint8Array(encoded.bytes.length + 13);
    padded.set(encoded.bytes, 5);
    const view = padded.subarray(5, 5 + encoded.bytes.length);
    expect(sameBytes(decodeSeg(view, targetOf(input)).labels, input.labels)).toBe(true);
    const buffer = encoded.bytes.slice().buffer;
    expect(sameBytes(decodeSeg(buffer, targetOf(input)).labels, input.labels)).toBe(true);
  });

  it('numbers segments 1..N in list order whatever their label values were', () => {
    const base = syntheticInput();
    const labels = base.labels.map((v) => (v === 1 ? 7 : v === 2 ? 4 : 0));
    const segments = [{ ...SEGMENTS[0], value: 7 }, { ...SEGMENTS[1], value: 4 }, { ...SEGMENTS[2], value: 200 }];
    const decoded = decodeSeg(encodeSeg({ ...base, labels, segments }).bytes, targetOf(base));
    expect(sameBytes(decoded.labels, base.labels)).toBe(true);
    expect(decoded.segments.map((s) => s.value)).toEqual([1, 2, 3]);
    expect(decoded.segments.map((s) => s.label)).toEqual(SEGMENTS.map((s) => s.label));
  });

  it('reads frames that do not start on a byte boundary (13x7 images)', () => {
    const odd = syntheticInput(13, 7, 6, [2]);
    expect(odd.labels.some((v) => v === 2)).toBe(true);
    const decoded = decodeSeg(encodeSeg(odd).bytes, targetOf(odd));
    expect(sameBytes(decoded.labels, odd.labels)).toBe(true);
  });

  it('decodes an all-empty segmentation to an empty labelmap with its segments', () => {
    const empty = { ...syntheticInput(), labels: new Uint8Array(64 * 48 * 20) };
    const decoded = decodeSeg(encodeSeg(empty).bytes, targetOf(empty));
    expect(decoded.labels.every((v) => v === 0)).toBe(true);
    expect(decoded.segments).toHaveLength(3);
  });

  it.skipIf(!onPath('dcmconv'))('reads the same object re-encoded as Implicit VR Little Endian (dcmtk dcmconv)', () => {
    const explicitPath = join(workDir, 'explicit.dcm');
    const implicitPath = join(workDir, 'implicit.dcm');
    writeFileSync(explicitPath, encoded.bytes);
    execFileSync('dcmconv', ['+ti', explicitPath, implicitPath]);
    const implicit = readFileSync(implicitPath);
    expect(execFileSync('dcmdump', ['-q', '-M', implicitPath], { encoding: 'utf8' })).toContain('LittleEndianImplicit');
    const decoded = decodeSeg(implicit, targetOf(input));
    expect(sameBytes(decoded.labels, input.labels)).toBe(true);
    expect(decoded.segments.map((s) => s.label)).toEqual(SEGMENTS.map((s) => s.label));
    expect(decoded.contentCreatorName).toBe('Łukasz^Zoë');
  });

  it('places frames by source image when they carry no position', () => {
    // Blank out ImagePositionPatient's tag in every frame (the value stays, now under a private tag).
    const bytes = encoded.bytes.slice();
    let removed = 0;
    for (let p = 132; p + 4 < bytes.length; p++) {
      if (bytes[p] === 0x20 && bytes[p + 1] === 0x00 && bytes[p + 2] === 0x32 && bytes[p + 3] === 0x00 && bytes[p + 4] === 0x44 && bytes[p + 5] === 0x53) {
        bytes[p + 2] = 0x31; // (0020,0031): unknown to the reader, sorts before (0020,0032)
        removed++;
      }
    }
    expect(removed).toBe(encoded.frames);
    const decoded = decodeSeg(bytes, targetOf(input));
    expect(sameBytes(decoded.labels, input.labels)).toBe(true);
  });

  describe('refuses what does not fit the open CT', () => {
    it('another series', () => {
      expectDecodeError(() => decodeSeg(encoded.bytes, { ...targetOf(input), seriesInstanceUid: '1.2.3.999' }), /another image series \(series 1\.2\.826\.0\.1\.3680043\.8\.498\.21\).*1\.2\.3\.999/);
    });
    it('another frame of reference', () => {
      expectDecodeError(() => decodeSeg(encoded.bytes, { ...targetOf(input), frameOfReferenceUid: '1.2.3.998' }), /frame of reference \(1\.2\.826\.0\.1\.3680043\.8\.498\.22\).*1\.2\.3\.998/);
    });
    it('other image size', () => {
      const t = targetOf(input);
      expectDecodeError(() => decodeSeg(encoded.bytes, { ...t, grid: { ...t.grid, dims: [64, 50, 20] } }), /64×48 pixels.*64×50/);
    });
    it('other orientation', () => {
      const t = targetOf(input);
      expectDecodeError(() => decodeSeg(encoded.bytes, { ...t, grid: { ...t.grid, direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] } }), /orientation/);
    });
    it('other pixel spacing', () => {
      const t = targetOf(input);
      expectDecodeError(() => decodeSeg(encoded.bytes, { ...t, grid: { ...t.grid, spacing: [0.7, 0.8, 2.5] } }), /pixel spacing \(0\.9, 0\.7 mm\).*\(0\.8, 0\.7 mm\)/);
    });
    it('a frame outside the volume', () => {
      const t = targetOf(input);
      expectDecodeError(() => decodeSeg(encoded.bytes, { ...t, grid: { ...t.grid, dims: [64, 48, 10] }, slices: t.slices.slice(0, 10) }), /outside the CT volume/);
    });
    it('a frame shifted within the slice plane', () => {
      const t = targetOf(input);
      const d = t.grid.direction;
      const origin = [0, 1, 2].map((a) => t.grid.origin[a] + 3 * t.grid.spacing[0] * d[a]) as [number, number, number];
      expectDecodeError(() => decodeSeg(encoded.bytes, { ...t, grid: { ...t.grid, origin } }), /shifted within the slice plane/);
    });
  });

  describe('refuses files that are not a SEG or are damaged', () => {
    it('a truncated file', () => {
      expectDecodeError(() => decodeSeg(encoded.bytes.subarray(0, encoded.bytes.length - 100), targetOf(input)), /truncated/);
      expectDecodeError(() => decodeSeg(encoded.bytes.subarray(0, 2000), targetOf(input)), /damaged or truncated/);
    });
    it('random bytes and empty files', () => {
      const noise = new Uint8Array(4096).map((_, n) => (n * 7919) % 251);
      expectDecodeError(() => decodeSeg(noise, targetOf(input)), /not a DICOM file|damaged/);
      expectDecodeError(() => decodeSeg(new Uint8Array(0), targetOf(input)), /not a DICOM file/);
    });
    it.skipIf(!HAVE_CT_3SLICE)('a CT image', () => {
      expectDecodeError(() => decodeSeg(readFileSync(CT_3SLICE[0]), targetOf(input)), /not a DICOM segmentation; it is a CT image/);
    });
    it.skipIf(!existsSync(join(SHARED, 'odd_dicom')))('odd and malformed files from pydicom', () => {
      for (const name of ['no_meta.dcm', 'rtplan_truncated.dcm', 'MR_truncated.dcm', 'badVR.dcm', 'image_dfl.dcm', 'MR_small_bigendian.dcm', 'UN_sequence.dcm', 'nested_priv_SQ.dcm']) {
        const path = join(SHARED, 'odd_dicom', 'pydicom', name);
        if (!existsSync(path)) continue;
        expect(() => decodeSeg(readFileSync(path), targetOf(input)), name).toThrow(SegDecodeError);
      }
    });
  });

  it('serves encode and decode through the worker\'s message handler', () => {
    const enc = handleSegRequest({ id: 1, op: 'encode', input });
    expect(enc.response.ok).toBe(true);
    const bytes = (enc.response as { result: SegEncodeResult }).result.bytes;
    expect(enc.transfer).toEqual([bytes.buffer]);
    const dec = handleSegRequest({ id: 2, op: 'decode', bytes: bytes.slice().buffer, target: targetOf(input) });
    expect(dec.response).toMatchObject({ id: 2, ok: true });
    expect(sameBytes((dec.response as { result: DecodedSeg }).result.labels, input.labels)).toBe(true);
    const bad = handleSegRequest({ id: 3, op: 'decode', bytes: bytes.slice().buffer, target: { ...targetOf(input), seriesInstanceUid: '1.2.3' } });
    expect(bad.response).toMatchObject({ id: 3, ok: false, error: { name: 'SegDecodeError' } });
  });
});

// Node has no module workers: a stand-in runs the worker's handler behind a structured clone with
// the same transfer list, so detaching and copying behave as in the browser.
class StandInWorker {
  static created = 0;
  private listener: ((event: { data: unknown }) => void) | null = null;

  constructor(url: URL, options: { type: string }) {
    StandInWorker.created++;
    expect(url.pathname).toMatch(/workers\/seg\.worker\.ts$/);
    expect(options.type).toBe('module');
  }

  addEventListener(type: string, listener: (event: { data: unknown }) => void): void {
    if (type === 'message') this.listener = listener;
  }

  postMessage(message: SegWorkerRequest, transfer: ArrayBuffer[]): void {
    const received = structuredClone(message, { transfer });
    setTimeout(() => {
      const { response, transfer: back } = handleSegRequest(received);
      this.listener?.({ data: structuredClone(response, { transfer: back }) });
    }, 0);
  }

  terminate(): void {}
}

describe('SegWorkerClient (with a stand-in worker)', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('encodes without detaching the live labelmap and decodes, moving the file bytes', async () => {
    vi.stubGlobal('Worker', StandInWorker);
    const client = new SegWorkerClient();
    const input = syntheticInput();
    const encoded = await client.encode(input);
    expect(input.labels.byteLength).toBeGreaterThan(0);
    expect(encoded.frames).toBeGreaterThan(0);
    const bytes = encoded.bytes;
    const decoded = await client.decode(bytes, targetOf(input));
    expect(bytes.byteLength).toBe(0);
    expect(sameBytes(decoded.labels, input.labels)).toBe(true);
    const again = await client.decode(encodeSeg(input).bytes, targetOf(input), { copy: true });
    expect(again.segments).toHaveLength(3);
    expect(StandInWorker.created).toBe(1);
    client.terminate();
  });

  it('rejects with SegDecodeError for a file that does not fit', async () => {
    vi.stubGlobal('Worker', StandInWorker);
    const client = new SegWorkerClient();
    const input = syntheticInput();
    const bytes = encodeSeg(input).bytes;
    await expect(client.decode(bytes, { ...targetOf(input), seriesInstanceUid: '1.2.3.4' })).rejects.toBeInstanceOf(SegDecodeError);
    await expect(client.encode({ ...input, labels: new Uint8Array(3) })).rejects.toThrow(/voxels/);
    client.terminate();
  });
});

// ---- third-party SEGs ----

function readNat(path: string): Nat {
  const b = readFileSync(path);
  const buffer = b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(buffer).dict);
}

function first(ds: Nat | undefined, key: string): Nat | undefined {
  const v = ds?.[key];
  return Array.isArray(v) ? (v[0] as Nat) : undefined;
}

function numbers(v: unknown): number[] {
  return (Array.isArray(v) ? v : [v]).map(Number);
}

/** The grid the app would build for a CT series: sorted along the normal, gaps left null. */
function ctTarget(paths: string[]): SegDecodeTarget {
  const images = paths.map(readNat);
  const iop = numbers(images[0].ImageOrientationPatient);
  const normal = cross(iop.slice(0, 3), iop.slice(3, 6));
  const at = (ds: Nat): number => numbers(ds.ImagePositionPatient).reduce((s, v, a) => s + v * normal[a], 0);
  images.sort((a, b) => at(a) - at(b));
  const steps = images.slice(1).map((ds, n) => at(ds) - at(images[n]));
  const step = steps.length > 0 ? Math.min(...steps) : Number(images[0].SliceThickness ?? 1);
  const nz = Math.round((at(images[images.length - 1]) - at(images[0])) / step) + 1;
  const slices: SegDecodeTarget['slices'] = new Array(nz).fill(null);
  for (const ds of images) slices[Math.round((at(ds) - at(images[0])) / step)] = { sopInstanceUid: String(ds.SOPInstanceUID) };
  const ps = numbers(images[0].PixelSpacing);
  return {
    grid: {
      dims: [Number(images[0].Columns), Number(images[0].Rows), nz],
      spacing: [ps[1], ps[0], step],
      origin: numbers(images[0].ImagePositionPatient) as [number, number, number],
      direction: [...iop, ...normal],
    },
    slices,
    seriesInstanceUid: String(images[0].SeriesInstanceUID),
    frameOfReferenceUid: String(images[0].FrameOfReferenceUID),
  };
}

/** For a SEG whose CT is not here: the CT grid its own frames describe, slices named after their source images. */
function targetFromSeg(seg: Nat): SegDecodeTarget {
  const shared = first(seg, 'SharedFunctionalGroupsSequence');
  const perFrame = seg.PerFrameFunctionalGroupsSequence as Nat[];
  const iop = numbers(first(shared, 'PlaneOrientationSequence')?.ImageOrientationPatient);
  const measures = first(shared, 'PixelMeasuresSequence')!;
  const ps = numbers(measures.PixelSpacing);
  const normal = cross(iop.slice(0, 3), iop.slice(3, 6));
  const frames = perFrame.map((f) => ({
    position: numbers(first(f, 'PlanePositionSequence')!.ImagePositionPatient),
    uid: String(first(first(f, 'DerivationImageSequence'), 'SourceImageSequence')!.ReferencedSOPInstanceUID),
  }));
  const at = (p: number[]): number => p.reduce((s, v, a) => s + v * normal[a], 0);
  frames.sort((a, b) => at(a.position) - at(b.position));
  const step = Number(measures.SpacingBetweenSlices ?? measures.SliceThickness);
  const nz = Math.round((at(frames[frames.length - 1].position) - at(frames[0].position)) / step) + 1;
  const slices: SegDecodeTarget['slices'] = new Array(nz).fill(null);
  for (const f of frames) slices[Math.round((at(f.position) - at(frames[0].position)) / step)] = { sopInstanceUid: f.uid };
  return {
    grid: { dims: [Number(seg.Columns), Number(seg.Rows), nz], spacing: [ps[1], ps[0], step], origin: frames[0].position as [number, number, number], direction: [...iop, ...normal] },
    slices,
    seriesInstanceUid: String(first(seg, 'ReferencedSeriesSequence')!.SeriesInstanceUID),
    frameOfReferenceUid: String(seg.FrameOfReferenceUID),
  };
}

/**
 * What the labelmap should be, worked out from dcmjs's reading of the file and each frame's source
 * image (not its position): segment values 1..N by Segment Number, the highest number winning.
 */
function expectedLabels(seg: Nat, target: SegDecodeTarget): Uint8Array {
  const [nx, ny, nz] = target.grid.dims;
  const plane = nx * ny;
  const labelMap = seg.SOPClassUID === '1.2.840.10008.5.1.4.1.1.66.7';
  const segmentNumbers = (seg.SegmentSequence as Nat[]).map((s) => Number(s.SegmentNumber)).filter((n) => !labelMap || n !== 0).sort((a, b) => a - b);
  const value = (n: number): number => segmentNumbers.indexOf(n) + 1;
  const bitsAllocated = Number(seg.BitsAllocated);
  const pixels = new Uint8Array((seg.PixelData as ArrayBuffer[])[0]);
  const max = Number(seg.MaximumFractionalValue ?? 255);
  const winner = new Uint16Array(plane * nz);
  (seg.PerFrameFunctionalGroupsSequence as Nat[]).forEach((f, index) => {
    const uid = first(first(f, 'DerivationImageSequence'), 'SourceImageSequence')!.ReferencedSOPInstanceUID;
    const k = target.slices.findIndex((s) => s?.sopInstanceUid === uid);
    expect(k, `frame ${index + 1}'s source image is on the grid`).toBeGreaterThanOrEqual(0);
    const number = labelMap ? 0 : Number(first(f, 'SegmentIdentificationSequence')!.ReferencedSegmentNumber);
    for (let p = 0; p < plane; p++) {
      const n = index * plane + p;
      let hit: number;
      if (labelMap) hit = bitsAllocated === 16 ? pixels[2 * n] | (pixels[2 * n + 1] << 8) : pixels[n];
      else if (bitsAllocated === 1) hit = (pixels[n >> 3] >> (n & 7)) & 1 ? number : 0;
      else hit = pixels[n] > max / 2 ? number : 0;
      if (hit > winner[k * plane + p]) winner[k * plane + p] = hit;
    }
  });
  return Uint8Array.from(winner, (n) => (n === 0 ? 0 : value(n)));
}

function countsPerSlice(labels: Uint8Array, target: SegDecodeTarget): number[] {
  const [nx, ny, nz] = target.grid.dims;
  return Array.from({ length: nz }, (_, k) => labels.subarray(k * nx * ny, (k + 1) * nx * ny).reduce((s, v) => s + (v ? 1 : 0), 0));
}

function referencedSeries(seg: Nat): string {
  return String(first(seg, 'ReferencedSeriesSequence')!.SeriesInstanceUID);
}

describe.skipIf(!HAVE_THIRD_PARTY)('decodeSeg on third-party SEGs (shared/data/third_party_seg)', () => {
  const ct3 = HAVE_CT_3SLICE ? ctTarget(CT_3SLICE) : (null as unknown as SegDecodeTarget);

  describe.skipIf(!HAVE_CT_3SLICE)('dcmqi, on its 3-slice CT', () => {
    const target = ct3;

    it('builds the expected grid from the CT files', () => {
      expect(target.grid.dims).toEqual([512, 512, 3]);
      expect(target.grid.spacing[2]).toBeCloseTo(1, 4);
      expect(target.slices.every((s) => s !== null)).toBe(true);
    });

    it('liver.dcm: one segment, three frames, each on the slice of its source image', () => {
      const path = join(DCMQI, 'liver.dcm');
      const seg = readNat(path);
      const decoded = decodeSeg(readFileSync(path), target);
      expect(decoded.segments).toHaveLength(1);
      expect(decoded.segments[0]).toMatchObject({ value: 1, label: 'Liver', type: { value: 'T-62000', scheme: 'SRT', meaning: 'Liver' }, category: { meaning: 'Tissue' } });
      const [r, g, b] = decoded.segments[0].color;
      expect(Math.abs(r - 221) + Math.abs(g - 130) + Math.abs(b - 101)).toBeLessThanOrEqual(3);
      expect(decoded.warnings).toEqual([]);
      expect(sameBytes(decoded.labels, expectedLabels(seg, target))).toBe(true);
      const counts = countsPerSlice(decoded.labels, target);
      console.log(`liver.dcm voxels per slice (inferior to superior): ${counts.join(', ')}`);
      // A liver cross-section on a 0.81 mm grid: tens of thousands of pixels on every slice.
      for (const c of counts) {
        expect(c).toBeGreaterThan(10_000);
        expect(c).toBeLessThan(512 * 512 * 0.5);
      }
    });

    it('partial_overlaps.dcm: five segments, overlaps go to the later segment with a warning', () => {
      const path = join(DCMQI, 'partial_overlaps.dcm');
      const seg = readNat(path);
      const decoded = decodeSeg(readFileSync(path), target);
      expect(decoded.segments).toHaveLength(5);
      expect(decoded.segmentNumbers).toEqual([1, 2, 3, 4, 5]);
      expect(sameBytes(decoded.labels, expectedLabels(seg, target))).toBe(true);
      expect(decoded.warnings.join('\n')).toMatch(/belong to more than one segment; each was given to the later segment/);
      console.log(`partial_overlaps.dcm: ${decoded.warnings.join(' | ')}; voxels per slice ${countsPerSlice(decoded.labels, target).join(', ')}`);
      const perValue = decoded.segments.map((s) => decoded.labels.reduce((n, v) => n + (v === s.value ? 1 : 0), 0));
      expect(perValue.every((n) => n > 0)).toBe(true);
    });
  });

  it.skipIf(!existsSync(join(HIGHDICOM, 'ct_image.dcm')))('highdicom seg_image_ct_binary_single_frame.dcm (Implicit VR) on ct_image.dcm', () => {
    const target = ctTarget([join(HIGHDICOM, 'ct_image.dcm')]);
    const path = join(HIGHDICOM, 'seg_image_ct_binary_single_frame.dcm');
    const decoded = decodeSeg(readFileSync(path), target);
    expect(decoded.segments.map((s) => s.label)).toEqual(['first segment']);
    expect(decoded.segments[0].type).toEqual({ value: '272673000', scheme: 'SCT', meaning: 'Bone' });
    const expected = expectedLabels(readNat(path), target);
    expect(sameBytes(decoded.labels, expected)).toBe(true);
    const count = countsPerSlice(decoded.labels, target)[0];
    console.log(`seg_image_ct_binary_single_frame.dcm: ${count} voxels on the one CT slice`);
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThan(128 * 128);
  });

  // Their CT series are not in the repository: they must be refused on a CT they do not belong to,
  // naming the series they were made on. On a grid built from their own frames they decode.
  const withoutCt: Array<{ file: string; type: DecodedSeg['segmentationType']; warning?: RegExp; rebuild: boolean }> = [
    { file: 'highdicom/seg_image_ct_binary.dcm', type: 'BINARY', rebuild: true },
    { file: 'highdicom/seg_image_ct_binary_overlap.dcm', type: 'BINARY', warning: /more than one segment/, rebuild: true },
    { file: 'highdicom/seg_image_ct_binary_fractional.dcm', type: 'FRACTIONAL', warning: /fractional segmentation; voxels above 50%/, rebuild: true },
    { file: 'highdicom/seg_image_ct_true_fractional.dcm', type: 'FRACTIONAL', warning: /fractional segmentation; voxels above 50%/, rebuild: true },
    { file: 'highdicom/seg_image_sm_control_labelmap.dcm', type: 'LABELMAP', rebuild: false },
    { file: 'dcmqi/sparse-labelmap-noppv.dcm', type: 'LABELMAP', rebuild: true },
    { file: 'dcmqi/sparse-labelmap-ppv5.dcm', type: 'LABELMAP', rebuild: true },
    { file: 'dcmqi/sr-example-seg.dcm', type: 'BINARY', rebuild: true },
  ];
  const sparse = join(DCMQI, 'sparse-labelmap-noppv.dcm');
  it.skipIf(!existsSync(sparse))('reads 16-bit label maps with segment numbers above 255 (dcmqi sparse label map rewritten by dcmjs)', () => {
    const original = readFileSync(sparse);
    const file = dcmjs.data.DicomMessage.readFile(original.buffer.slice(original.byteOffset, original.byteOffset + original.byteLength) as ArrayBuffer);
    const seg = dcmjs.data.DicomMetaDictionary.naturalizeDataset(file.dict);
    const eight = new Uint8Array((seg.PixelData as ArrayBuffer[])[0]);
    const sixteen = Uint16Array.from(eight, (v) => (v === 1 ? 300 : v));
    (seg.SegmentSequence as Nat[]).forEach((s) => {
      if (s.SegmentNumber === 1) s.SegmentNumber = 300;
    });
    Object.assign(seg, { BitsAllocated: 16, BitsStored: 16, HighBit: 15, PixelData: [sixteen.buffer] });
    (seg._vrMap as Record<string, string>).PixelData = 'OW';
    const dict = new dcmjs.data.DicomDict(file.meta);
    dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(seg);
    const rewritten = new Uint8Array(dict.write());
    const target = targetFromSeg(seg);
    const decoded = decodeSeg(rewritten, target);
    expect(decoded.segmentNumbers).toEqual([300]);
    expect(decoded.segments[0].label).toBe('Liver');
    const count = decoded.labels.reduce((n, v) => n + (v === 1 ? 1 : 0), 0);
    expect(count).toBe(eight.reduce((n, v) => n + (v === 1 ? 1 : 0), 0));
    expect(count).toBeGreaterThan(0);
  });

  for (const { file, type, warning, rebuild } of withoutCt) {
    const path = join(THIRD_PARTY, file);
    describe.skipIf(!existsSync(path))(file, () => {
      it.skipIf(!HAVE_CT_3SLICE)('is refused on another CT, naming the series it was made on', () => {
        const seg = readNat(path);
        const error = expectDecodeError(() => decodeSeg(readFileSync(path), ct3), /another image series/);
        expect(error.message).toContain(referencedSeries(seg));
      });
      // The slide-microscopy label map has no patient-space planes to rebuild a CT grid from.
      if (!rebuild) return;
      it(`decodes (${type}) on the grid its frames describe`, () => {
        const seg = readNat(path);
        const target = targetFromSeg(seg);
        const decoded = decodeSeg(readFileSync(path), target);
        expect(decoded.segmentationType).toBe(type);
        expect(sameBytes(decoded.labels, expectedLabels(seg, target))).toBe(true);
        if (warning) expect(decoded.warnings.join('\n')).toMatch(warning);
        const counts = countsPerSlice(decoded.labels, target);
        expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
        console.log(`${file}: ${decoded.segments.length} segment(s) [${decoded.segments.map((s) => s.label).join(', ')}], ${decoded.frames} frame(s), voxels per sourced slice ${counts.filter((_, k) => target.slices[k]).join(', ')}${decoded.warnings.length ? `; warnings: ${decoded.warnings.join(' | ')}` : ''}`);
      });
    });
  }
});
