import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs from 'dcmjs';
import { dciodvfy } from '../dicom/dicomTools.testSupport.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeSeg, formatDs, generateUid } from './segEncoder.ts';
import { decodeSeg } from './segDecoder.ts';
import { dicomLabToRgb } from './cielab.ts';
import { CT_IMAGE, onPath, SEGMENTS, slicesFor, tiltedGrid } from './segTestData.ts';
import type { SegEncodeInput, SegGrid } from './segModel.ts';

type Nat = Record<string, unknown>;

const HAVE_DCIODVFY = onPath('dciodvfy');
const HAVE_DCMDUMP = onPath('dcmdump');
if (!HAVE_DCIODVFY) console.warn('SEG validation tests skipped: dciodvfy is not on PATH (Debian package dicom3tools).');
if (!HAVE_DCMDUMP) console.warn('SEG dcmdump test skipped: dcmdump is not on PATH (Debian package dcmtk).');

const workDir = mkdtempSync(join(tmpdir(), 'seg-encoder-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));



const NULL_SLICE = 7;


/** 64x48x20, segments 1 and 2 painted (also on the slice without a source image), segment 3 empty. */
function syntheticInput(): SegEncodeInput {
  const grid = tiltedGrid(64, 48, 20);
  const [nx, ny, nz] = grid.dims;
  const labels = new Uint8Array(nx * ny * nz);
  for (let k = 2; k < 15; k++) {
    for (let j = 5; j < 30; j++) for (let i = 3 + k; i < 40; i++) labels[i + nx * (j + ny * k)] = (i * j) % 7 === 0 ? 2 : 1;
  }
  return {
    source: {
      studyInstanceUid: '1.2.826.0.1.3680043.8.498.10',
      seriesInstanceUid: '1.2.826.0.1.3680043.8.498.11',
      frameOfReferenceUid: '1.2.826.0.1.3680043.8.498.12',
      patientName: 'Müller^Jürgen',
      patientId: 'SYN-001',
      patientBirthDate: '19600101',
      patientSex: 'M',
      studyDate: '20240102',
      studyTime: '101010',
      studyId: 'S1',
      accessionNumber: 'ACC1',
      referringPhysicianName: 'Ref^Doc',
      studyDescription: 'Chest CT',
      grid,
      slices: slicesFor(nz, [NULL_SLICE]),
    },
    labels,
    segments: SEGMENTS,
    reader: 'Dœ^Jane',
    seriesDescription: 'Lesion contours (Dœ)',
    seriesNumber: 901,
    instanceNumber: 1,
    sopInstanceUid: generateUid(),
    seriesInstanceUid: generateUid(),
    contentDateTime: new Date(2024, 0, 2, 3, 4, 5),
  };
}

function countPairs(input: SegEncodeInput): { frames: number; dropped: number } {
  const [nx, ny, nz] = input.source.grid.dims;
  const plane = nx * ny;
  let frames = 0;
  let dropped = 0;
  for (let k = 0; k < nz; k++) {
    const values = new Set<number>();
    for (let p = k * plane; p < (k + 1) * plane; p++) {
      if (input.labels[p] === 0) continue;
      if (input.source.slices[k] === null) dropped++;
      else values.add(input.labels[p]);
    }
    frames += values.size;
  }
  return { frames, dropped };
}

function readBack(bytes: Uint8Array): Nat {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage.readFile(buffer).dict);
}

function item(ds: Nat, key: string): Nat {
  return (ds[key] as Nat[])[0];
}

describe('encodeSeg', () => {
  const input = syntheticInput();
  const result = encodeSeg(input);

  it('writes one frame per painted (slice, segment), dropping the slice without a source image', () => {
    const expected = countPairs(input);
    expect(expected.dropped).toBeGreaterThan(0);
    expect(result.frames).toBe(expected.frames);
    expect(result.droppedVoxels).toBe(expected.dropped);
    expect(result.unlistedVoxels).toBe(0);
    // Part 10: preamble, DICM, then the file meta group.
    expect(new TextDecoder().decode(result.bytes.subarray(128, 132))).toBe('DICM');
    expect(result.bytes.length % 2).toBe(0);
  });

  it.skipIf(!HAVE_DCIODVFY)('passes dciodvfy without errors (needs dicom3tools)', () => {
    const { errors, warnings } = dciodvfy(result.bytes, 'synthetic.dcm');
    if (warnings.length > 0) console.log(`dciodvfy warnings (synthetic SEG):\n${warnings.join('\n')}`);
    else console.log('dciodvfy: no warnings (synthetic SEG)');
    expect(errors).toEqual([]);
  });

  it.skipIf(!HAVE_DCMDUMP)('is read by dcmdump (needs dcmtk)', () => {
    const path = join(workDir, 'dump.dcm');
    writeFileSync(path, result.bytes);
    const dump = execFileSync('dcmdump', ['-q', path], { encoding: 'utf8' });
    expect(dump).toContain('=SegmentationStorage');
    expect(dump).toContain('=LittleEndianExplicit');
    expect(dump).toContain(`(0028,0008) IS [${result.frames}]`);
    expect(dump).not.toMatch(/error|warn/i);
  });

  it('writes the geometry, segments and references that dcmjs reads back', () => {
    const ds = readBack(result.bytes);
    const { grid, slices } = input.source;
    expect(ds.SOPClassUID).toBe('1.2.840.10008.5.1.4.1.1.66.4');
    expect(ds.Modality).toBe('SEG');
    expect(ds.SegmentationType).toBe('BINARY');
    expect(ds.Rows).toBe(48);
    expect(ds.Columns).toBe(64);
    expect(ds.BitsAllocated).toBe(1);
    expect(Number(ds.NumberOfFrames)).toBe(result.frames);
    expect(ds.StudyInstanceUID).toBe(input.source.studyInstanceUid);
    expect(ds.FrameOfReferenceUID).toBe(input.source.frameOfReferenceUid);
    expect(ds.SeriesInstanceUID).toBe(input.seriesInstanceUid);
    expect(ds.SpecificCharacterSet).toBe('ISO_IR 192');
    expect(JSON.stringify(ds.ContentCreatorName)).toContain('Dœ^Jane');
    expect(JSON.stringify(ds.PatientName)).toContain('Müller^Jürgen');

    const segments = ds.SegmentSequence as Nat[];
    expect(segments.map((s) => s.SegmentNumber)).toEqual([1, 2, 3]);
    expect(segments.map((s) => s.SegmentLabel)).toEqual(SEGMENTS.map((s) => s.label));
    expect(segments.every((s) => s.SegmentAlgorithmType === 'MANUAL')).toBe(true);
    segments.forEach((s, n) => {
      expect(item(s, 'SegmentedPropertyTypeCodeSequence').CodeValue).toBe(SEGMENTS[n].type.value);
      expect(item(s, 'SegmentedPropertyCategoryCodeSequence').CodingSchemeDesignator).toBe('SCT');
      const rgb = dicomLabToRgb(s.RecommendedDisplayCIELabValue as number[]);
      rgb.forEach((c, a) => expect(Math.abs(c - SEGMENTS[n].color[a])).toBeLessThanOrEqual(1));
    });

    const shared = item(ds, 'SharedFunctionalGroupsSequence');
    expect(item(shared, 'PixelMeasuresSequence').PixelSpacing).toEqual([0.9, 0.7]);
    const iop = item(shared, 'PlaneOrientationSequence').ImageOrientationPatient as number[];
    iop.forEach((v, n) => expect(v).toBeCloseTo(grid.direction[n], 10));

    const perFrame = ds.PerFrameFunctionalGroupsSequence as Nat[];
    expect(perFrame).toHaveLength(result.frames);
    let previous = [0, 0];
    for (const frame of perFrame) {
      const [segmentNumber, position] = item(frame, 'FrameContentSequence').DimensionIndexValues as number[];
      expect(item(frame, 'SegmentIdentificationSequence').ReferencedSegmentNumber).toBe(segmentNumber);
      expect(segmentNumber).not.toBe(3);
      // Sorted by segment, then position.
      expect(segmentNumber * 1000 + position).toBeGreaterThan(previous[0] * 1000 + previous[1]);
      previous = [segmentNumber, position];
      const derivation = item(frame, 'DerivationImageSequence');
      expect(item(derivation, 'DerivationCodeSequence').CodeValue).toBe('113076');
      const source = item(derivation, 'SourceImageSequence');
      expect(source.ReferencedSOPClassUID).toBe(CT_IMAGE);
      expect(source.ReferencedFrameNumber).toBeUndefined();
      expect(item(source, 'PurposeOfReferenceCodeSequence').CodeValue).toBe('121322');
      const k = slices.findIndex((s) => s?.sopInstanceUid === source.ReferencedSOPInstanceUID);
      expect(k).toBeGreaterThanOrEqual(0);
      expect(k).not.toBe(NULL_SLICE);
      const ipp = item(frame, 'PlanePositionSequence').ImagePositionPatient as number[];
      ipp.forEach((v, a) => expect(v).toBeCloseTo(grid.origin[a] + k * grid.spacing[2] * grid.direction[6 + a], 8));
    }

    const referenced = item(ds, 'ReferencedSeriesSequence');
    expect(referenced.SeriesInstanceUID).toBe(input.source.seriesInstanceUid);
    expect((referenced.ReferencedInstanceSequence as Nat[]).length).toBeGreaterThan(0);

    // The first frame's bits are the first plane-sized run of pixel data.
    const pixels = new Uint8Array((ds.PixelData as ArrayBuffer[])[0]);
    expect(pixels.length).toBe(Math.ceil((result.frames * 64 * 48) / 8) + ((Math.ceil((result.frames * 64 * 48) / 8)) % 2));
    const first = item(perFrame[0], 'DerivationImageSequence');
    const k0 = slices.findIndex((s) => s?.sopInstanceUid === item(first, 'SourceImageSequence').ReferencedSOPInstanceUID);
    for (let p = 0; p < 64 * 48; p++) {
      const bit = (pixels[p >> 3] >> (p & 7)) & 1;
      expect(bit).toBe(input.labels[k0 * 64 * 48 + p] === 1 ? 1 : 0);
    }
  });

  it.skipIf(!HAVE_DCIODVFY)('writes a valid object when every segment is empty: one all-zero frame', () => {
    const empty = { ...syntheticInput(), labels: new Uint8Array(64 * 48 * 20) };
    const r = encodeSeg(empty);
    expect(r.frames).toBe(1);
    const ds = readBack(r.bytes);
    expect((ds.SegmentSequence as Nat[]).length).toBe(3);
    expect(new Uint8Array((ds.PixelData as ArrayBuffer[])[0]).every((b) => b === 0)).toBe(true);
    const { errors, warnings } = dciodvfy(r.bytes, 'empty.dcm');
    if (warnings.length > 0) console.log(`dciodvfy warnings (empty SEG):\n${warnings.join('\n')}`);
    expect(errors).toEqual([]);
  });

  it.skipIf(!HAVE_DCIODVFY)('packs frames of odd-sized images contiguously (not byte aligned) and still validates', () => {
    const grid = tiltedGrid(13, 7, 5);
    const labels = new Uint8Array(13 * 7 * 5).map((_, n) => (n % 3 === 0 ? 1 : n % 5 === 0 ? 2 : 0));
    const r = encodeSeg({ ...syntheticInput(), source: { ...syntheticInput().source, grid, slices: slicesFor(5) }, labels });
    expect(r.frames).toBe(10);
    expect(r.bytes.length % 2).toBe(0);
    const { errors } = dciodvfy(r.bytes, 'odd.dcm');
    expect(errors).toEqual([]);
  });

  it.skipIf(!HAVE_DCIODVFY)('writes codes longer than 16 characters as Long Code Value', () => {
    const long = { value: '123456789.12345679', scheme: 'SCT', meaning: 'A long SNOMED CT identifier' };
    const base = syntheticInput();
    const r = encodeSeg({ ...base, segments: [{ ...SEGMENTS[0], type: long }, SEGMENTS[1], SEGMENTS[2]] });
    const ds = readBack(r.bytes);
    const type = item((ds.SegmentSequence as Nat[])[0], 'SegmentedPropertyTypeCodeSequence');
    expect(type.LongCodeValue).toBe(long.value);
    expect(type.CodeValue).toBeUndefined();
    expect(dciodvfy(r.bytes, 'long-code.dcm').errors).toEqual([]);
  });

  it('counts voxels whose value is not in the segment list', () => {
    const base = syntheticInput();
    const labels = base.labels.slice();
    labels[5 + 64 * (5 + 48 * 3)] = 9;
    const r = encodeSeg({ ...base, labels });
    expect(r.unlistedVoxels).toBe(1);
  });

  it('refuses inconsistent input', () => {
    const base = syntheticInput();
    expect(() => encodeSeg({ ...base, labels: new Uint8Array(10) })).toThrow(/voxels/);
    expect(() => encodeSeg({ ...base, segments: [SEGMENTS[0], { ...SEGMENTS[1], value: 1 }] })).toThrow(/label value 1/);
    expect(() => encodeSeg({ ...base, segments: [] })).toThrow(/at least one segment/);
    expect(() => encodeSeg({ ...base, sopInstanceUid: 'not-a-uid' })).toThrow(/UID/);
    expect(() => encodeSeg({ ...base, source: { ...base.source, slices: slicesFor(20, Array.from({ length: 20 }, (_, k) => k)) } })).toThrow(/no source images/);
  });

  it('formats decimals within the 16 characters DS allows', () => {
    for (const x of [0.8660254037844387, -0.49240387650610395, -235.199997, 1e-20, 123456789.12345679, -0.0000123456789]) {
      const s = formatDs(x);
      expect(s.length).toBeLessThanOrEqual(16);
      expect(Math.abs(Number(s) - x)).toBeLessThanOrEqual(Math.abs(x) * 1e-9 + 1e-15);
    }
    expect(formatDs(-0)).toBe('0');
  });

  it('makes 2.25 UIDs of at most 64 characters', () => {
    const uid = generateUid();
    expect(uid).toMatch(/^2\.25\.[1-9][0-9]*$/);
    expect(uid.length).toBeLessThanOrEqual(64);
  });
});

describe('SEG performance (512x512x300, two segments on 120 slices)', () => {
  it('encodes and decodes a chest-CT-sized labelmap', () => {
    const nx = 512;
    const ny = 512;
    const nz = 300;
    const plane = nx * ny;
    const grid: SegGrid = { dims: [nx, ny, nz], spacing: [0.7, 0.7, 1.25], origin: [-180, -180, -400], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
    const labels = new Uint8Array(plane * nz);
    for (let k = 90; k < 210; k++) {
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          if ((i - 200) ** 2 + (j - 256) ** 2 < 90 ** 2) labels[k * plane + j * nx + i] = 1;
          else if ((i - 330) ** 2 + (j - 260) ** 2 < 50 ** 2) labels[k * plane + j * nx + i] = 2;
        }
      }
    }
    const base = syntheticInput();
    const input: SegEncodeInput = { ...base, source: { ...base.source, grid, slices: slicesFor(nz) }, labels, segments: SEGMENTS.slice(0, 2) };
    const target = { grid, slices: input.source.slices, seriesInstanceUid: input.source.seriesInstanceUid, frameOfReferenceUid: input.source.frameOfReferenceUid };
    const encodeMs: number[] = [];
    const decodeMs: number[] = [];
    let decoded;
    for (let run = 0; run < 3; run++) {
      const t0 = performance.now();
      const r = encodeSeg(input);
      const t1 = performance.now();
      decoded = decodeSeg(r.bytes, target);
      const t2 = performance.now();
      encodeMs.push(t1 - t0);
      decodeMs.push(t2 - t1);
      expect(r.frames).toBe(240);
    }
    expect(Buffer.compare(decoded!.labels, labels)).toBe(0);
    const fmt = (xs: number[]): string => xs.map((x) => x.toFixed(0)).join(' / ');
    console.log(`SEG 512x512x300, 240 frames: encode ${fmt(encodeMs)} ms, decode ${fmt(decodeMs)} ms (runs 1-3)`);
  }, 120_000);
});
