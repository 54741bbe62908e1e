// The CT a segmentation of a series refers to (patient, study, grid, source images), from the
// series' first instance and the volume grid: what a SEG or SR made on it copies (PS3.3 C.7.1.1,
// C.7.2.1) so that the archive files it with the CT.
import { getNumber, getString, type DicomJsonDataset } from '../dicomweb/dicomJson.ts';
import { TAG } from '../dicomweb/tags.ts';
import type { SegSource } from '../seg/segModel.ts';
import type { VolumeGrid } from './volumeGrid.ts';

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

export function ctSourceOf(studyUid: string, seriesUid: string, first: DicomJsonDataset, grid: VolumeGrid): SegSource {
  const text = (tag: string) => getString(first, tag) ?? '';
  return {
    studyInstanceUid: studyUid,
    seriesInstanceUid: seriesUid,
    frameOfReferenceUid: text(TAG.FrameOfReferenceUID),
    patientName: text(TAG.PatientName),
    patientId: text(TAG.PatientID),
    patientBirthDate: text(TAG.PatientBirthDate),
    patientSex: text(TAG.PatientSex),
    studyDate: text(TAG.StudyDate),
    studyTime: text(TAG.StudyTime),
    studyId: text(TAG.StudyID),
    accessionNumber: text(TAG.AccessionNumber),
    referringPhysicianName: text(TAG.ReferringPhysicianName),
    studyDescription: text(TAG.StudyDescription),
    sliceThicknessMm: getNumber(first, TAG.SliceThickness) ?? undefined,
    grid: { dims: grid.dimensions, spacing: grid.spacingMm, origin: grid.origin, direction: grid.direction },
    slices: grid.sliceAt.map((s) => (s ? { sopInstanceUid: s.sopInstanceUid, sopClassUid: getString(s.dataset, TAG.SOPClassUID) ?? CT_IMAGE_STORAGE } : null)),
  };
}
