// What goes into a DICOM-SEG and what comes out of one, independent of how the bytes are
// written, so the worker protocol and the app share one vocabulary.
import type { Segment } from '../model/segment.ts';

/** The CT's voxel grid (the labelmap's grid). */
export interface SegGrid {
  /** [nx (columns), ny (rows), nz (slices)] */
  dims: readonly [number, number, number];
  /** mm along i (between columns), j (between rows), k (between slices) */
  spacing: readonly [number, number, number];
  /** patient coordinates (mm) of the centre of voxel (0, 0, 0) */
  origin: readonly [number, number, number];
  /** row-major 3x3: i direction (DICOM row cosines), j direction (column cosines), k direction */
  direction: readonly number[];
}

export interface SegSourceSlice {
  sopInstanceUid: string;
  sopClassUid: string;
}

/**
 * The CT series a derived object (SEG, SR) is made on, and the patient and study attributes it
 * copies so that it files under the same patient and study; absent ones are written empty (they
 * are type 2 there).
 */
export interface SourceCtStudy {
  studyInstanceUid: string;
  /** the CT series' Series Instance UID */
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
  patientName?: string;
  patientId?: string;
  /** YYYYMMDD */
  patientBirthDate?: string;
  /** M, F or O */
  patientSex?: string;
  /** YYYYMMDD */
  studyDate?: string;
  /** HHMMSS[.F] */
  studyTime?: string;
  studyId?: string;
  accessionNumber?: string;
  referringPhysicianName?: string;
  studyDescription?: string;
}

/** The CT series a segmentation is made on: its study attributes and its voxel grid. */
export interface SegSource extends SourceCtStudy {
  grid: SegGrid;
  /** CT Slice Thickness (mm); the slice spacing is written when absent */
  sliceThicknessMm?: number;
  /** the source image of each grid slice k; null where the series has no image (a gap) */
  slices: Array<SegSourceSlice | null>;
}

/** The SEG's own equipment; defaults name this application. */
export interface SegEquipment {
  manufacturer?: string;
  manufacturerModelName?: string;
  deviceSerialNumber?: string;
  softwareVersions?: string;
}

export interface SegEncodeInput {
  source: SegSource;
  /** one byte per voxel on source.grid, index i + nx * (j + ny * k) */
  labels: Uint8Array;
  /** every segment of the list, empty ones too; Segment Number = position in this list + 1 */
  segments: Segment[];
  /** Content Creator's Name, a DICOM person name ("Family^Given") */
  reader: string;
  seriesDescription: string;
  seriesNumber: number;
  instanceNumber: number;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  contentDateTime: Date;
  /** Content Label (CS: upper-case letters, digits, space, underscore; 16 characters); default "ANNOTATION" */
  contentLabel?: string;
  contentDescription?: string;
  equipment?: SegEquipment;
}

export interface SegEncodeResult {
  /** the whole Part 10 file */
  bytes: Uint8Array;
  frames: number;
  /** painted voxels on grid slices without a source image: a SEG frame must reference one */
  droppedVoxels: number;
  /** voxels whose label value is not in the segment list (not written either) */
  unlistedVoxels: number;
}

export interface SegDecodeTarget {
  grid: SegGrid;
  slices: Array<{ sopInstanceUid: string } | null>;
  seriesInstanceUid: string;
  frameOfReferenceUid: string;
}

export interface DecodedSeg {
  /** labelmap on the target grid; segment n of `segments` has value n + 1 */
  labels: Uint8Array;
  /** in Segment Number order, values 1..N */
  segments: Segment[];
  /** the Segment Number each decoded segment had in the file, parallel to `segments` */
  segmentNumbers: number[];
  contentCreatorName: string;
  seriesDescription: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  segmentationType: 'BINARY' | 'FRACTIONAL' | 'LABELMAP';
  frames: number;
  warnings: string[];
}

// Worker protocol (workers/seg.worker.ts <-> segWorkerClient.ts).
export type SegWorkerRequest =
  | { id: number; op: 'encode'; input: SegEncodeInput }
  | { id: number; op: 'decode'; bytes: ArrayBuffer; target: SegDecodeTarget };

export interface SegWorkerError {
  /** "SegDecodeError" for a file the user should be told about; otherwise a bug or bad input */
  name: string;
  message: string;
}

export type SegWorkerResponse =
  | { id: number; ok: true; result: SegEncodeResult | DecodedSeg }
  | { id: number; ok: false; error: SegWorkerError };
