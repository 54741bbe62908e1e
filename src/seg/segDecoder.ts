// Reads a DICOM Segmentation (BINARY, FRACTIONAL or the Label Map SEG class) onto the open CT's
// grid. The parser is our own (src/dicom/part10Reader.ts): a SEG needs only a few dozen attributes,
// and reading just those (values decoded on demand, pixel data addressed in place) keeps a
// 300-slice SEG fast and lets every way a file can be wrong end in a SegDecodeError with a message
// a reader can act on.
import { IMPLICIT_VRS, TAG as T } from '../dicom/dicomDictionary.ts';
import { dicomLabToRgb } from './cielab.ts';
import type { CodedConcept } from '../model/codedConcept.ts';
import type { Rgb } from '../model/color.ts';
import { EXTRA_COLORS, type Segment } from '../model/segment.ts';
import type { DecodedSeg, SegDecodeTarget } from './segModel.ts';
import { DAMAGED, type DataSet, DicomParseError, type DicomReader, describeSopClass, first, items, type ParsedFile, parsePart10 } from '../dicom/part10Reader.ts';

/** A file that cannot be placed on the open CT; the message is meant for the user. */
export class SegDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SegDecodeError';
  }
}

const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';
const LABEL_MAP_SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.7';


// ---- geometry ----

type Vec3 = [number, number, number];

function dot(a: readonly number[], b: readonly number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function cross(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Maps a patient position to continuous grid (i, j, k), for any non-degenerate grid axes. */
function worldToGrid(target: SegDecodeTarget): (p: readonly number[]) => Vec3 {
  const { origin, spacing, direction: d } = target.grid;
  const a = [0, 1, 2].map((n) => [d[3 * n] * spacing[n], d[3 * n + 1] * spacing[n], d[3 * n + 2] * spacing[n]]);
  // Rows of the inverse of the matrix whose columns are a[0..2]: cross products over the determinant.
  const det = dot(a[0], cross(a[1], a[2]));
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new Error('the target grid has degenerate directions');
  const r = [cross(a[1], a[2]), cross(a[2], a[0]), cross(a[0], a[1])].map((v) => v.map((x) => x / det));
  return (p) => {
    const q = [p[0] - origin[0], p[1] - origin[1], p[2] - origin[2]];
    return [dot(r[0], q), dot(r[1], q), dot(r[2], q)];
  };
}

function fmt(v: readonly number[], digits = 3): string {
  return v.map((x) => +x.toFixed(digits)).join(', ');
}

function close(a: number, b: number, relative: number, absolute: number): boolean {
  return Math.abs(a - b) <= Math.max(absolute, relative * Math.abs(b));
}

// ---- the segmentation ----

interface FrameInfo {
  index: number;
  segmentNumber: number;
  k: number;
}

function concept(reader: DicomReader, item: DataSet | undefined): CodedConcept | undefined {
  if (!item) return undefined;
  const value = reader.string(item, T.CodeValue) || reader.string(item, T.LongCodeValue) || reader.string(item, T.URNCodeValue);
  if (!value) return undefined;
  return { value, scheme: reader.string(item, T.CodingSchemeDesignator) ?? '', meaning: reader.string(item, T.CodeMeaning) ?? '' };
}

const MISSING_CONCEPT: CodedConcept = { value: '', scheme: '', meaning: '' };

function checkReferences(reader: DicomReader, ds: DataSet, perFrame: DataSet[], target: SegDecodeTarget): void {
  const referencedSeries = items(ds, T.ReferencedSeriesSequence)
    .map((item) => reader.string(item, T.SeriesInstanceUID))
    .filter((uid): uid is string => !!uid);
  if (referencedSeries.length > 0 && !referencedSeries.includes(target.seriesInstanceUid)) {
    const which = `series ${referencedSeries.join(', ')}`;
    throw new SegDecodeError(`This segmentation was made on another image series (${which}), not on the open CT series (${target.seriesInstanceUid}).`);
  }
  const frameOfReference = reader.string(ds, T.FrameOfReferenceUID);
  if (frameOfReference && frameOfReference !== target.frameOfReferenceUid) {
    throw new SegDecodeError(
      `This segmentation is in another frame of reference (${frameOfReference}) than the open CT series (${target.frameOfReferenceUid}), so its voxels cannot be placed on this CT.`,
    );
  }
  if (referencedSeries.length === 0) {
    // Without a series reference, the frames' source images are the only link to the CT.
    const known = new Set(target.slices.filter((s) => s !== null).map((s) => s.sopInstanceUid));
    const sources = perFrame.map((f) => sourceImageUid(reader, f)).filter((uid): uid is string => !!uid);
    if (sources.length > 0 && !sources.some((uid) => known.has(uid))) {
      throw new SegDecodeError(`This segmentation was made on images that are not in the open CT series (for example image ${sources[0]}).`);
    }
  }
}

function sourceImageUid(reader: DicomReader, frame: DataSet): string | undefined {
  for (const derivation of items(frame, T.DerivationImageSequence)) {
    for (const source of items(derivation, T.SourceImageSequence)) {
      const uid = reader.string(source, T.ReferencedSOPInstanceUID);
      if (uid) return uid;
    }
  }
  return undefined;
}

function checkGeometry(reader: DicomReader, ds: DataSet, shared: DataSet | undefined, perFrame: DataSet[], target: SegDecodeTarget): void {
  const [nx, ny] = target.grid.dims;
  const rows = reader.number(ds, T.Rows);
  const columns = reader.number(ds, T.Columns);
  if (rows === undefined || columns === undefined) throw new SegDecodeError('The segmentation has no Rows or Columns; the file is incomplete.');
  if (rows !== ny || columns !== nx) {
    throw new SegDecodeError(`The segmentation's frames are ${columns}×${rows} pixels, but the CT images are ${nx}×${ny}; it does not fit this series.`);
  }
  const d = target.grid.direction;
  const orientations = [first(shared, T.PlaneOrientationSequence), ...perFrame.map((f) => first(f, T.PlaneOrientationSequence))];
  for (const item of orientations) {
    const iop = reader.numbers(item, T.ImageOrientationPatient);
    if (!iop || iop.length === 0) continue;
    const expected = [d[0], d[1], d[2], d[3], d[4], d[5]];
    if (iop.length !== 6 || iop.some((v, n) => !(Math.abs(v - expected[n]) <= 1e-3))) {
      throw new SegDecodeError(`The segmentation's image orientation (${fmt(iop, 4)}) differs from the CT's (${fmt(expected, 4)}).`);
    }
  }
  const measures = [first(shared, T.PixelMeasuresSequence), ...perFrame.map((f) => first(f, T.PixelMeasuresSequence))];
  for (const item of measures) {
    const spacing = reader.numbers(item, T.PixelSpacing);
    if (!spacing || spacing.length === 0) continue;
    const expected = [target.grid.spacing[1], target.grid.spacing[0]];
    if (spacing.length !== 2 || !close(spacing[0], expected[0], 1e-4, 1e-6) || !close(spacing[1], expected[1], 1e-4, 1e-6)) {
      throw new SegDecodeError(`The segmentation's pixel spacing (${fmt(spacing, 4)} mm) differs from the CT's (${fmt(expected, 4)} mm).`);
    }
  }
}

function readSegments(reader: DicomReader, ds: DataSet, labelMap: boolean, warnings: string[]): { segments: Segment[]; numbers: number[] } {
  const described = items(ds, T.SegmentSequence).map((item) => ({ item, number: reader.number(item, T.SegmentNumber) }));
  if (described.length === 0) throw new SegDecodeError('The segmentation lists no segments (its Segment Sequence is empty); the file is incomplete.');
  if (described.some((s) => s.number === undefined || !Number.isInteger(s.number))) throw new SegDecodeError('A segment of this segmentation has no Segment Number; the file is incomplete.');
  // Label map SEGs describe the background (pixel value 0) as segment 0; it is not a segment here.
  const kept = described.filter((s) => !(labelMap && s.number === 0)).sort((a, b) => a.number! - b.number!);
  for (let n = 1; n < kept.length; n++) {
    if (kept[n].number === kept[n - 1].number) throw new SegDecodeError(`Segment Number ${kept[n].number} is used twice in this segmentation; the file is inconsistent.`);
  }
  if (kept.length > 255) throw new SegDecodeError(`This segmentation has ${kept.length} segments; at most 255 fit the viewer's labelmap.`);
  let noCodes = 0;
  const segments = kept.map(({ item, number }, n) => {
    const lab = reader.numbers(item, T.RecommendedDisplayCIELabValue);
    const category = concept(reader, first(item, T.SegmentedPropertyCategoryCodeSequence));
    const type = concept(reader, first(item, T.SegmentedPropertyTypeCodeSequence));
    if (!category || !type) noCodes++;
    return {
      value: n + 1,
      label: reader.string(item, T.SegmentLabel) || `Segment ${number}`,
      color: lab && lab.length === 3 ? dicomLabToRgb(lab) : ([...EXTRA_COLORS[n % EXTRA_COLORS.length]] as Rgb),
      category: category ?? { ...MISSING_CONCEPT },
      type: type ?? { ...MISSING_CONCEPT },
    };
  });
  if (noCodes > 0) warnings.push(`${noCodes} segment(s) have no category or type code; they were loaded with empty codes.`);
  return { segments, numbers: kept.map((s) => s.number!) };
}

/**
 * Decodes a DICOM-SEG onto the target CT grid. Throws SegDecodeError (message meant for the user)
 * when the file is not a segmentation, is damaged, or does not belong to / fit the target series.
 */
export function decodeSeg(bytes: ArrayBuffer | Uint8Array, target: SegDecodeTarget): DecodedSeg {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let file: ParsedFile;
  try {
    file = parsePart10(data, { implicitVrs: IMPLICIT_VRS, objectName: 'segmentation', allowMissingFileMeta: true });
  } catch (e) {
    if (e instanceof DicomParseError) throw new SegDecodeError(e.message);
    throw new SegDecodeError(`${DAMAGED} (${e instanceof Error ? e.message : String(e)}).`);
  }
  const { reader, ds } = file;
  const sopClass = reader.string(ds, T.SOPClassUID) ?? file.mediaSopClass;
  if (sopClass !== SEGMENTATION_STORAGE && sopClass !== LABEL_MAP_SEGMENTATION_STORAGE) {
    throw new SegDecodeError(`This file is not a DICOM segmentation; it is ${describeSopClass(sopClass)}.`);
  }
  const labelMapClass = sopClass === LABEL_MAP_SEGMENTATION_STORAGE;
  const declaredType = (reader.string(ds, T.SegmentationType) ?? '').toUpperCase();
  const type = labelMapClass || declaredType === 'LABELMAP' ? 'LABELMAP' : declaredType === 'FRACTIONAL' ? 'FRACTIONAL' : declaredType === 'BINARY' ? 'BINARY' : undefined;
  if (!type) throw new SegDecodeError(`This segmentation's type "${declaredType || '(none)'}" is not one this viewer reads (BINARY, FRACTIONAL or LABELMAP).`);

  const shared = first(ds, T.SharedFunctionalGroupsSequence);
  const frameCount = reader.number(ds, T.NumberOfFrames) ?? 1;
  if (!Number.isInteger(frameCount) || frameCount < 1) throw new SegDecodeError('The segmentation has no frames.');
  // A single frame may be described by the shared functional groups alone.
  const described = items(ds, T.PerFrameFunctionalGroupsSequence);
  const perFrame: DataSet[] = described.length === 0 && frameCount === 1 ? [new Map()] : described;
  if (perFrame.length !== frameCount) {
    throw new SegDecodeError(`The segmentation declares ${frameCount} frame(s) but describes ${perFrame.length}; the file is inconsistent.`);
  }

  checkReferences(reader, ds, perFrame, target);
  checkGeometry(reader, ds, shared, perFrame, target);

  const warnings: string[] = [];
  const { segments, numbers } = readSegments(reader, ds, type === 'LABELMAP', warnings);
  const valueOfNumber = new Map<number, number>(numbers.map((n, i) => [n, i + 1]));

  // Where each frame goes: by its position when it has one, else by the image it was made from.
  const [nx, ny, nz] = target.grid.dims;
  const plane = nx * ny;
  const toGrid = worldToGrid(target);
  const kOfSource = new Map<string, number>();
  target.slices.forEach((s, k) => {
    if (s) kOfSource.set(s.sopInstanceUid, k);
  });
  const sharedPosition = reader.numbers(first(shared, T.PlanePositionSequence), T.ImagePositionPatient);
  const sharedSegment = reader.number(first(shared, T.SegmentIdentificationSequence), T.ReferencedSegmentNumber);
  let offSlice = 0;
  let worstOffSlice = 0;
  let disagreeing = 0;
  let onMissingSlices = 0;
  let unknownSegmentFrames = 0;
  const frames: FrameInfo[] = [];
  perFrame.forEach((item, index) => {
    const position = reader.numbers(first(item, T.PlanePositionSequence), T.ImagePositionPatient) ?? sharedPosition;
    const sourceUid = sourceImageUid(reader, item);
    let k: number;
    if (position && position.length === 3 && position.every(Number.isFinite)) {
      const [u, v, w] = toGrid(position);
      if (Math.abs(u) > 0.5 || Math.abs(v) > 0.5) {
        throw new SegDecodeError(
          `Frame ${index + 1} of the segmentation is shifted within the slice plane by ${fmt([u, v], 1)} pixels relative to the CT images; it does not fit this series.`,
        );
      }
      k = Math.round(w);
      if (k < 0 || k >= nz) {
        const beyond = (k < 0 ? -w : w - (nz - 1)) * target.grid.spacing[2];
        throw new SegDecodeError(`Frame ${index + 1} of the segmentation lies outside the CT volume (at ${fmt(position, 1)} mm, ${beyond.toFixed(1)} mm beyond the ${k < 0 ? 'first' : 'last'} slice).`);
      }
      const off = Math.abs(w - k);
      if (off > 0.1) {
        offSlice++;
        worstOffSlice = Math.max(worstOffSlice, off * target.grid.spacing[2]);
      }
      if (sourceUid !== undefined && kOfSource.has(sourceUid) && kOfSource.get(sourceUid) !== k) disagreeing++;
    } else if (sourceUid !== undefined) {
      const found = kOfSource.get(sourceUid);
      if (found === undefined) throw new SegDecodeError(`Frame ${index + 1} of the segmentation was made on an image (${sourceUid}) that is not in the open CT series.`);
      k = found;
    } else {
      throw new SegDecodeError(`Frame ${index + 1} of the segmentation has neither a position nor a source image, so it cannot be placed.`);
    }
    if (target.slices[k] === null) onMissingSlices++;
    let segmentNumber = 0;
    if (type !== 'LABELMAP') {
      const n = reader.number(first(item, T.SegmentIdentificationSequence), T.ReferencedSegmentNumber) ?? sharedSegment;
      if (n === undefined) throw new SegDecodeError(`Frame ${index + 1} of the segmentation does not say which segment it belongs to.`);
      if (!valueOfNumber.has(n)) {
        unknownSegmentFrames++;
        return;
      }
      segmentNumber = n;
    }
    frames.push({ index, segmentNumber, k });
  });
  if (offSlice > 0) warnings.push(`${offSlice} frame(s) lie between CT slices (up to ${worstOffSlice.toFixed(2)} mm away); each was put on the nearest slice.`);
  if (disagreeing > 0) warnings.push(`${disagreeing} frame(s) have a position that is not that of the image they were made from; the position was used.`);
  if (onMissingSlices > 0) warnings.push(`${onMissingSlices} frame(s) lie on slices missing from the open CT series.`);
  if (unknownSegmentFrames > 0) warnings.push(`${unknownSegmentFrames} frame(s) belong to segments the file does not describe and were skipped.`);

  // In place: a 300-frame SEG's pixel data are not copied.
  const px = reader.bulk(ds, T.PixelData);
  if (!px) throw new SegDecodeError('The segmentation has no pixel data; the file is incomplete.');
  const bitsAllocated = reader.number(ds, T.BitsAllocated) ?? (type === 'BINARY' ? 1 : 8);
  const allowedBits = type === 'BINARY' ? [1, 8] : type === 'FRACTIONAL' ? [8] : [8, 16];
  if (!allowedBits.includes(bitsAllocated)) throw new SegDecodeError(`A ${type} segmentation with ${bitsAllocated} bits per pixel is not valid.`);
  const neededBytes = Math.ceil((frameCount * plane * bitsAllocated) / 8);
  if (px.length < neededBytes) {
    throw new SegDecodeError(`The segmentation's pixel data are too short for ${frameCount} frames (${px.length} of ${neededBytes} bytes); the file is truncated.`);
  }
  const labels = new Uint8Array(plane * nz);
  const words = new Int32Array(labels.buffer, 0, labels.length >> 2);

  if (type === 'FRACTIONAL') {
    const max = reader.number(ds, T.MaximumFractionalValue) ?? 255;
    warnings.push(`This is a fractional segmentation; voxels above 50% (more than ${max / 2} of ${max}) were taken as inside.`);
  }

  if (type === 'LABELMAP') {
    const lut = new Uint8Array(bitsAllocated === 16 ? 0x10000 : 0x100);
    for (const [n, v] of valueOfNumber) if (n < lut.length) lut[n] = v;
    let unknown = 0;
    const view = new DataView(px.buffer, px.byteOffset, px.byteLength);
    for (const f of frames) {
      const base = f.k * plane;
      for (let p = 0; p < plane; p++) {
        const s = bitsAllocated === 16 ? view.getUint16((f.index * plane + p) * 2, true) : px[f.index * plane + p];
        if (s === 0) continue;
        const v = lut[s];
        if (v === 0) unknown++;
        else labels[base + p] = v;
      }
    }
    if (unknown > 0) warnings.push(`${unknown} voxel(s) carry segment numbers the file does not describe and were left empty.`);
  } else {
    // Later segments win where segments overlap: frames are applied in Segment Number order.
    frames.sort((a, b) => a.segmentNumber - b.segmentNumber || a.index - b.index);
    const overlaps = new Uint32Array(256 * 256); // previous value * 256 + new value
    const threshold = type === 'FRACTIONAL' ? (reader.number(ds, T.MaximumFractionalValue) ?? 255) / 2 : 0;
    for (const f of frames) {
      const v = valueOfNumber.get(f.segmentNumber)!;
      const base = f.k * plane;
      if (bitsAllocated === 8) {
        const start = f.index * plane;
        for (let p = 0; p < plane; p++) {
          if (px[start + p] <= threshold) continue;
          const old = labels[base + p];
          if (old !== 0 && old !== v) overlaps[old * 256 + v]++;
          labels[base + p] = v;
        }
        continue;
      }
      // Frames follow each other bit by bit, so a frame may begin inside a byte.
      const startBit = f.index * plane;
      const endByte = (startBit + plane + 7) >> 3;
      const fill = Math.imul(v, 0x01010101);
      for (let byte = startBit >> 3; byte < endByte; byte++) {
        const bits = px[byte];
        if (bits === 0) continue;
        const p0 = byte * 8 - startBit;
        // Inside a region (eight set bits over eight still-empty voxels) write two words at once.
        const at = base + p0;
        if (bits === 0xff && (at & 3) === 0 && p0 >= 0 && p0 + 8 <= plane && (words[at >> 2] | words[(at >> 2) + 1]) === 0) {
          words[at >> 2] = fill;
          words[(at >> 2) + 1] = fill;
          continue;
        }
        for (let b = 0; b < 8; b++) {
          const p = p0 + b;
          if (((bits >> b) & 1) === 0 || p < 0 || p >= plane) continue;
          const old = labels[base + p];
          if (old !== 0 && old !== v) overlaps[old * 256 + v]++;
          labels[base + p] = v;
        }
      }
    }
    let overlapTotal = 0;
    const pairs: Array<[number, number]> = [];
    overlaps.forEach((count, key) => {
      if (count === 0) return;
      overlapTotal += count;
      pairs.push([key, count]);
    });
    if (overlapTotal > 0) {
      const worst = pairs
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([key, count]) => `"${segments[(key & 0xff) - 1].label}" over "${segments[(key >> 8) - 1].label}" (${count})`);
      warnings.push(`${overlapTotal} voxel(s) belong to more than one segment; each was given to the later segment: ${worst.join(', ')}.`);
    }
  }

  return {
    labels,
    segments,
    segmentNumbers: numbers,
    contentCreatorName: reader.string(ds, T.ContentCreatorName) ?? '',
    seriesDescription: reader.string(ds, T.SeriesDescription) ?? '',
    sopInstanceUid: reader.string(ds, T.SOPInstanceUID) ?? '',
    seriesInstanceUid: reader.string(ds, T.SeriesInstanceUID) ?? '',
    segmentationType: type,
    frames: frameCount,
    warnings,
  };
}
