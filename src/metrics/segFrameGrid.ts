// The voxel grid of a DICOM-SEG read from the SEG alone, for comparing segmentations without
// their CT. decodeSeg (src/seg/segDecoder.ts) places frames on a target CT grid it is given; a SEG
// holds enough to rebuild that grid over the slices its frames cover (PS3.3 C.7.6.16, Multi-frame
// Functional Groups): the frames' Columns and Rows, Pixel Measures (Pixel Spacing, Spacing Between
// Slices, Slice Thickness), Plane Orientation (Image Orientation (Patient)) and each frame's Plane
// Position (Image Position (Patient)). It does not say how far the CT goes beyond them, which no
// agreement figure depends on (outside the grid counts as outside the mask, as the empty slices
// beyond the frames would).
//   slice direction: row direction × column direction;
//   slice spacing: Spacing Between Slices when the frames' positions are multiples of it, else
//     the smallest gap between frame positions, else Slice Thickness (a single frame);
//   grid: from the lowest to the highest frame position along the slice direction.
// Two SEGs are compared on the union of their grids (unionGrid), and a SEG is placed on a NIfTI's
// grid (placeSegOnGrid); either way decodeSeg then reads the frames onto it.
import { IMPLICIT_VRS, TAG as T } from '../dicom/dicomDictionary.ts';
import { DicomParseError, first, items, parsePart10, type DataSet, type DicomReader } from '../dicom/part10Reader.ts';
import type { SegDecodeTarget, SegGrid } from '../seg/segModel.ts';
import { cross, describeGrid, GRID_DIRECTION_TOLERANCE, GRID_SPACING_TOLERANCE_MM, GridMismatchError, worldToGrid } from './gridMatch.ts';

const SLICE_THICKNESS = 0x00180050;
const SPACING_BETWEEN_SLICES = 0x00180088;
const READ_VRS = new Map([...IMPLICIT_VRS, [SLICE_THICKNESS, 'DS'], [SPACING_BETWEEN_SLICES, 'DS']]);
const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';
const LABEL_MAP_SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.7';
/** Frame positions closer than this (mm) along the slice direction are one slice. */
const SAME_SLICE_MM = 1e-3;
/** How far (in voxels) a frame may sit from a voxel centre of a grid and still be on it. */
const ON_GRID_VOXELS = 0.1;

/** A SEG file that cannot give its own grid; the message says why. */
export class SegGridError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SegGridError';
  }
}

export interface SegFrameGeometry {
  /** the grid over the slices the frames cover */
  grid: SegGrid;
  /** each frame's Image Position (Patient), mm */
  positions: number[][];
  /** the source image each frame was derived from, where it says */
  sources: Array<string | undefined>;
  /** the CT series the SEG references ('' when none) */
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
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

function near(x: number, tolerance: number): boolean {
  return Math.abs(x - Math.round(x)) <= tolerance;
}

/** The grid of a SEG's frames (see the file's definitions). Throws SegGridError. */
export function segFrameGeometry(bytes: Uint8Array): SegFrameGeometry {
  let reader: DicomReader;
  let ds: DataSet;
  let mediaSopClass: string | undefined;
  try {
    ({ reader, ds, mediaSopClass } = parsePart10(bytes, { implicitVrs: READ_VRS, objectName: 'segmentation', allowMissingFileMeta: true }));
  } catch (e) {
    throw new SegGridError(e instanceof DicomParseError || e instanceof Error ? e.message : String(e));
  }
  const sopClass = reader.string(ds, T.SOPClassUID) ?? mediaSopClass;
  if (sopClass !== SEGMENTATION_STORAGE && sopClass !== LABEL_MAP_SEGMENTATION_STORAGE) throw new SegGridError(`not a DICOM segmentation (SOP class ${sopClass ?? 'missing'})`);
  const columns = reader.number(ds, T.Columns);
  const rows = reader.number(ds, T.Rows);
  if (!columns || !rows) throw new SegGridError('the segmentation has no Rows or Columns');
  const shared = first(ds, T.SharedFunctionalGroupsSequence);
  const perFrame = items(ds, T.PerFrameFunctionalGroupsSequence);
  const frames: Array<DataSet | undefined> = perFrame.length > 0 ? perFrame : [undefined];
  const inGroups = <V>(get: (group: DataSet | undefined) => V | undefined): V | undefined => get(shared) ?? perFrame.map(get).find((v) => v !== undefined);

  const iop = inGroups((g) => {
    const v = reader.numbers(first(g, T.PlaneOrientationSequence), T.ImageOrientationPatient);
    return v && v.length === 6 && v.every(Number.isFinite) ? v : undefined;
  });
  if (!iop) throw new SegGridError('the segmentation has no Image Orientation (Patient), so its grid cannot be known without the CT');
  const measures = inGroups((g) => first(g, T.PixelMeasuresSequence));
  const pixelSpacing = reader.numbers(measures, T.PixelSpacing);
  if (!pixelSpacing || pixelSpacing.length !== 2 || !pixelSpacing.every((s) => s > 0)) throw new SegGridError('the segmentation has no Pixel Spacing, so its grid cannot be known without the CT');
  const between = reader.number(measures, SPACING_BETWEEN_SLICES);
  const thickness = reader.number(measures, SLICE_THICKNESS);

  const sharedPosition = reader.numbers(first(shared, T.PlanePositionSequence), T.ImagePositionPatient);
  const positions = frames.map((f, n) => {
    const p = reader.numbers(first(f, T.PlanePositionSequence), T.ImagePositionPatient) ?? sharedPosition;
    if (!p || p.length !== 3 || !p.every(Number.isFinite)) throw new SegGridError(`frame ${n + 1} of the segmentation has no Image Position (Patient), so its grid cannot be known without the CT`);
    return p;
  });
  const sources = frames.map((f) => (f ? sourceImageUid(reader, f) : undefined));

  const iDir = iop.slice(0, 3);
  const jDir = iop.slice(3, 6);
  const k = cross(iDir, jDir);
  const kNorm = Math.hypot(...k);
  if (!(kNorm > 0.5)) throw new SegGridError('the segmentation\'s Image Orientation (Patient) is degenerate');
  const kDir = k.map((v) => v / kNorm);
  const w = positions.map((p) => p[0] * kDir[0] + p[1] * kDir[1] + p[2] * kDir[2]);
  const levels = [...w].sort((a, b) => a - b).filter((v, n, all) => n === 0 || v - all[n - 1] > SAME_SLICE_MM);
  const gaps = levels.slice(1).map((v, n) => v - levels[n]);
  let sliceMm: number;
  if (between !== undefined && between > 0 && gaps.every((g) => near(g / between, ON_GRID_VOXELS))) sliceMm = between;
  else if (gaps.length > 0) sliceMm = Math.min(...gaps);
  else if (between !== undefined && between > 0) sliceMm = between;
  else if (thickness !== undefined && thickness > 0) sliceMm = thickness;
  else throw new SegGridError('the segmentation has one frame and no Spacing Between Slices or Slice Thickness, so its slice spacing is unknown');
  const bad = gaps.find((g) => !near(g / sliceMm, ON_GRID_VOXELS));
  if (bad !== undefined) throw new SegGridError(`the segmentation's frames are not on evenly spaced slices (gaps of ${+sliceMm.toFixed(4)} and ${+bad.toFixed(4)} mm)`);

  const lowest = w.indexOf(Math.min(...w));
  const origin = positions[lowest];
  const grid: SegGrid = {
    dims: [columns, rows, Math.round((levels[levels.length - 1] - levels[0]) / sliceMm) + 1],
    // Pixel Spacing is (between rows, between columns) = (along j, along i).
    spacing: [pixelSpacing[1], pixelSpacing[0], sliceMm],
    origin: [origin[0], origin[1], origin[2]],
    direction: [...iDir, ...jDir, ...kDir],
  };
  return {
    grid,
    positions,
    sources,
    seriesInstanceUid: items(ds, T.ReferencedSeriesSequence).map((item) => reader.string(item, T.SeriesInstanceUID)).find((uid) => !!uid) ?? '',
    frameOfReferenceUid: reader.string(ds, T.FrameOfReferenceUID) ?? '',
  };
}

/** Grid slice k of each frame of the SEG on `grid`, or why the frames do not fit it (any k range). */
function frameSlices(seg: SegFrameGeometry, grid: SegGrid): number[] | string {
  const own = seg.grid;
  if (own.dims[0] !== grid.dims[0] || own.dims[1] !== grid.dims[1]) return `frames of ${own.dims[0]}x${own.dims[1]} pixels, not ${grid.dims[0]}x${grid.dims[1]}`;
  const axis = [0, 1, 2].find((n) => !(Math.abs(own.spacing[n] - grid.spacing[n]) <= GRID_SPACING_TOLERANCE_MM));
  if (axis !== undefined) return `spacing along ${'ijk'[axis]} ${own.spacing[axis]} mm, not ${grid.spacing[axis]} mm`;
  for (let n = 0; n < 6; n++) {
    if (!(Math.abs(own.direction[n] - grid.direction[n]) <= GRID_DIRECTION_TOLERANCE)) return `row/column directions (${own.direction.slice(0, 6).map((v) => +v.toFixed(4)).join(', ')}) differ`;
  }
  const toGrid = worldToGrid(grid);
  const ks: number[] = [];
  for (const p of seg.positions) {
    const [u, v, kk] = toGrid(p);
    if (!near(u, ON_GRID_VOXELS) || Math.round(u) !== 0 || !near(v, ON_GRID_VOXELS) || Math.round(v) !== 0) return `frames shifted within the slice plane by (${+u.toFixed(2)}, ${+v.toFixed(2)}) voxels`;
    if (!near(kk, ON_GRID_VOXELS)) return `frames between slices (at slice ${+kk.toFixed(2)})`;
    ks.push(Math.round(kk));
  }
  return ks;
}

function mismatch(what: string, seg: SegFrameGeometry, grid: SegGrid, gridName: string, segName: string, reason: string): GridMismatchError {
  return new GridMismatchError(`${what}: ${gridName} is ${describeGrid(grid)}; ${segName} is ${describeGrid(seg.grid)} (over its frames): ${reason}`);
}

/**
 * The decode target that puts the SEG's frames on `grid` (a NIfTI's, or a union grid). Throws
 * GridMismatchError naming both geometries when they do not fit.
 */
export function placeSegOnGrid(seg: SegFrameGeometry, grid: SegGrid, names: { grid: string; seg: string } = { grid: 'the grid', seg: 'the SEG' }): SegDecodeTarget {
  const ks = frameSlices(seg, grid);
  if (typeof ks === 'string') throw mismatch('different grids', seg, grid, names.grid, names.seg, ks);
  const outside = ks.find((k) => k < 0 || k >= grid.dims[2]);
  if (outside !== undefined) throw mismatch('different grids', seg, grid, names.grid, names.seg, `a frame lies on slice ${outside}, outside the grid's ${grid.dims[2]} slices`);
  const slices: Array<{ sopInstanceUid: string } | null> = Array.from({ length: grid.dims[2] }, () => null);
  ks.forEach((k, n) => {
    const uid = seg.sources[n];
    if (uid && !slices[k]) slices[k] = { sopInstanceUid: uid };
  });
  return { grid, slices, seriesInstanceUid: seg.seriesInstanceUid, frameOfReferenceUid: seg.frameOfReferenceUid };
}

/**
 * The grid holding the frames of both SEGs: a's grid extended along its slice direction. Throws
 * GridMismatchError naming both geometries when b's frames are not on a's grid.
 */
export function unionGrid(a: SegFrameGeometry, b: SegFrameGeometry, names: { a: string; b: string } = { a: 'A', b: 'B' }): SegGrid {
  const ks = frameSlices(b, a.grid);
  if (typeof ks === 'string') throw mismatch('different grids', b, a.grid, names.a, names.b, ks);
  const lo = Math.min(0, ...ks);
  const hi = Math.max(a.grid.dims[2] - 1, ...ks);
  const { origin, spacing, direction } = a.grid;
  const step = lo * spacing[2];
  return {
    dims: [a.grid.dims[0], a.grid.dims[1], hi - lo + 1],
    spacing,
    origin: [origin[0] + step * direction[6], origin[1] + step * direction[7], origin[2] + step * direction[8]],
    direction,
  };
}
