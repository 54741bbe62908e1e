// DICOM tags the app reads, as the 8-hex-digit keys of the DICOM JSON model.
export const TAG = {
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  StudyDate: '00080020',
  Modality: '00080060',
  ModalitiesInStudy: '00080061',
  StudyDescription: '00081030',
  SeriesDescription: '0008103E',
  PatientName: '00100010',
  PatientID: '00100020',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  StudyTime: '00080030',
  AccessionNumber: '00080050',
  ReferringPhysicianName: '00080090',
  StudyID: '00200010',
  SliceThickness: '00180050',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  ImagePositionPatient: '00200032',
  ImageOrientationPatient: '00200037',
  FrameOfReferenceUID: '00200052',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  NumberOfSeriesRelatedInstances: '00201209',
  NumberOfFrames: '00280008',
  Rows: '00280010',
  Columns: '00280011',
  PixelSpacing: '00280030',
  BitsAllocated: '00280100',
  BitsStored: '00280101',
  PixelRepresentation: '00280103',
  RescaleIntercept: '00281052',
  RescaleSlope: '00281053',
  TransferSyntaxUID: '00020010',
} as const;

/** SOP classes the viewer loads as a CT volume. */
export const CT_SOP_CLASSES = new Set([
  '1.2.840.10008.5.1.4.1.1.2', // CT Image Storage
  '1.2.840.10008.5.1.4.1.1.2.1', // Enhanced CT (single-frame use only)
]);

/** Human names of common non-image SOP classes, for the "not a CT" message. */
export const SOP_CLASS_NAMES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.66.4': 'Segmentation (SEG)',
  '1.2.840.10008.5.1.4.1.1.66.7': 'Label Map Segmentation (SEG)',
  '1.2.840.10008.5.1.4.1.1.88.11': 'Basic Text SR',
  '1.2.840.10008.5.1.4.1.1.88.22': 'Enhanced SR',
  '1.2.840.10008.5.1.4.1.1.88.33': 'Comprehensive SR',
  '1.2.840.10008.5.1.4.1.1.88.34': 'Comprehensive 3D SR',
  '1.2.840.10008.5.1.4.1.1.481.3': 'RT Structure Set',
  '1.2.840.10008.5.1.4.1.1.4': 'MR Image',
  '1.2.840.10008.5.1.4.1.1.128': 'PET Image',
  '1.2.840.10008.5.1.4.1.1.1': 'Computed Radiography',
  '1.2.840.10008.5.1.4.1.1.7': 'Secondary Capture',
};
