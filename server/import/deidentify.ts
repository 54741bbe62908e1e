// De-identification of one CT file before anything is stored (issue 20): PS3.15 Annex E, the Basic
// Application Level Confidentiality Profile (E.2) with the Retain Longitudinal Temporal
// Information with Modified Dates option (E.3.6) and the Clean Descriptors option (E.3.5).
//
// Why our own code and not a maintained implementation:
// - Orthanc's /modify and /anonymize work on what is already stored: the identifying object would
//   be in the archive (and its index, and its logs) before it is anonymized, which the issue
//   forbids; a temporary Orthanc would avoid that, but its UID mapping is random per call, so a
//   second batch of the same patient would not join the first study, and it has no date shift.
// - dcmjs's anonymizer (data/anonymizer.js) empties dates instead of shifting them, maps UIDs at
//   random and works on its own naturalized tree (a second DICOM reader of the same bytes, which
//   STYLE.md rules out: two readers that disagree are a security hole).
// So: the project's one strict Part 10 reader (src/dicom/part10Reader.ts) indexes the file, the
// table below (PS3.15 Table E.1-1, the attributes a CT carries and then some) decides per
// attribute, and a few blanket rules catch what no table lists (private tags, overlays, any person
// name, any UID that is not a DICOM-defined one, any element whose VR is unknown). New UIDs are
// HMAC-SHA256(secret, source UID) as a 2.25 UUID (PS3.5 B.2), so the same source UID always gives
// the same UID, across imports and across the --deidentify-only command, while nobody without the
// secret can go back. Pixel data bytes are copied as they are (encapsulated fragments too).
// Only VR lookup for Implicit VR files comes from dcmjs's data dictionary (data, not a parser).
// Longer than most files here (~570 lines): a third is the profile's attribute table (one row per
// tag of PS3.15 Table E.1-1, reviewed as one list), the rest the one walk that applies it with its
// date, UID and clean-descriptor rules. Moving the table to a data module of its own is the split.
import { createHash, createHmac } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import dcmjs from 'dcmjs';
import { type DataSet, DicomParseError, type DicomReader, EXPLICIT_VR_LE, describeSopClass, parsePart10 } from '../../src/dicom/part10Reader.ts';
import { ByteWriter, IMPLEMENTATION_CLASS_UID, el, writeItems } from '../../src/dicom/part10Writer.ts';

/** X remove, Z empty (type 2: must stay present), D dummy, U new UID, K keep, C clean (descriptors). */
export type Action = 'X' | 'Z' | 'D' | 'U' | 'K' | 'C';

const t = (group: number, element: number): number => group * 0x10000 + element;

// PS3.15 Table E.1-1 with our options applied. Dates not listed here are shifted wherever they are
// kept (the option's "modified dates"), times are kept. Type 2 attributes of the CT IOD are Z so
// that the object stays valid (dciodvfy), the others X.
export const ACTIONS: ReadonlyArray<readonly [number, Action, string]> = [
  [t(0x0008, 0x0012), 'K', 'InstanceCreationDate'],
  [t(0x0008, 0x0014), 'U', 'InstanceCreatorUID'],
  [t(0x0008, 0x0015), 'X', 'InstanceCoercionDateTime'],
  [t(0x0008, 0x0016), 'K', 'SOPClassUID'],
  [t(0x0008, 0x0018), 'U', 'SOPInstanceUID'],
  [t(0x0008, 0x0020), 'K', 'StudyDate'],
  [t(0x0008, 0x0050), 'Z', 'AccessionNumber'],
  [t(0x0008, 0x0054), 'X', 'RetrieveAETitle'],
  [t(0x0008, 0x0055), 'X', 'StationAETitle'],
  [t(0x0008, 0x0058), 'U', 'FailedSOPInstanceUIDList'],
  [t(0x0008, 0x0062), 'K', 'SOPClassesInStudy'],
  [t(0x0008, 0x0080), 'X', 'InstitutionName'],
  [t(0x0008, 0x0081), 'X', 'InstitutionAddress'],
  [t(0x0008, 0x0082), 'X', 'InstitutionCodeSequence'],
  [t(0x0008, 0x0090), 'Z', 'ReferringPhysicianName'],
  [t(0x0008, 0x0092), 'X', 'ReferringPhysicianAddress'],
  [t(0x0008, 0x0094), 'X', 'ReferringPhysicianTelephoneNumbers'],
  [t(0x0008, 0x0096), 'X', 'ReferringPhysicianIdentificationSequence'],
  [t(0x0008, 0x010c), 'K', 'CodingSchemeUID'],
  [t(0x0008, 0x0118), 'K', 'MappingResourceUID'],
  [t(0x0008, 0x0201), 'X', 'TimezoneOffsetFromUTC'],
  [t(0x0008, 0x1010), 'X', 'StationName'],
  [t(0x0008, 0x1030), 'C', 'StudyDescription'],
  [t(0x0008, 0x103e), 'C', 'SeriesDescription'],
  [t(0x0008, 0x1040), 'X', 'InstitutionalDepartmentName'],
  [t(0x0008, 0x1041), 'X', 'InstitutionalDepartmentTypeCodeSequence'],
  [t(0x0008, 0x1048), 'X', 'PhysiciansOfRecord'],
  [t(0x0008, 0x1049), 'X', 'PhysiciansOfRecordIdentificationSequence'],
  [t(0x0008, 0x1050), 'X', 'PerformingPhysicianName'],
  [t(0x0008, 0x1052), 'X', 'PerformingPhysicianIdentificationSequence'],
  [t(0x0008, 0x1060), 'X', 'NameOfPhysiciansReadingStudy'],
  [t(0x0008, 0x1062), 'X', 'PhysiciansReadingStudyIdentificationSequence'],
  [t(0x0008, 0x1070), 'X', 'OperatorsName'],
  [t(0x0008, 0x1072), 'X', 'OperatorIdentificationSequence'],
  [t(0x0008, 0x1080), 'X', 'AdmittingDiagnosesDescription'],
  [t(0x0008, 0x1084), 'X', 'AdmittingDiagnosesCodeSequence'],
  [t(0x0008, 0x1090), 'X', 'ManufacturerModelName'],
  [t(0x0008, 0x1110), 'X', 'ReferencedStudySequence'],
  [t(0x0008, 0x1111), 'X', 'ReferencedPerformedProcedureStepSequence'],
  [t(0x0008, 0x1120), 'X', 'ReferencedPatientSequence'],
  [t(0x0008, 0x1150), 'K', 'ReferencedSOPClassUID'],
  [t(0x0008, 0x1155), 'U', 'ReferencedSOPInstanceUID'],
  [t(0x0008, 0x1195), 'U', 'TransactionUID'],
  [t(0x0008, 0x2111), 'X', 'DerivationDescription'],
  [t(0x0008, 0x3010), 'U', 'IrradiationEventUID'],
  [t(0x0008, 0x4000), 'X', 'IdentifyingComments'],
  [t(0x0010, 0x0010), 'D', 'PatientName'],
  [t(0x0010, 0x0020), 'D', 'PatientID'],
  [t(0x0010, 0x0021), 'X', 'IssuerOfPatientID'],
  [t(0x0010, 0x0024), 'X', 'IssuerOfPatientIDQualifiersSequence'],
  [t(0x0010, 0x0030), 'Z', 'PatientBirthDate'],
  [t(0x0010, 0x0032), 'X', 'PatientBirthTime'],
  [t(0x0010, 0x0040), 'Z', 'PatientSex'],
  [t(0x0010, 0x0050), 'X', 'PatientInsurancePlanCodeSequence'],
  [t(0x0010, 0x0101), 'X', 'PatientPrimaryLanguageCodeSequence'],
  [t(0x0010, 0x0102), 'X', 'PatientPrimaryLanguageModifierCodeSequence'],
  [t(0x0010, 0x1000), 'X', 'OtherPatientIDs'],
  [t(0x0010, 0x1001), 'X', 'OtherPatientNames'],
  [t(0x0010, 0x1002), 'X', 'OtherPatientIDsSequence'],
  [t(0x0010, 0x1005), 'X', 'PatientBirthName'],
  [t(0x0010, 0x1010), 'X', 'PatientAge'],
  [t(0x0010, 0x1020), 'X', 'PatientSize'],
  [t(0x0010, 0x1030), 'X', 'PatientWeight'],
  [t(0x0010, 0x1040), 'X', 'PatientAddress'],
  [t(0x0010, 0x1050), 'X', 'InsurancePlanIdentification'],
  [t(0x0010, 0x1060), 'X', 'PatientMotherBirthName'],
  [t(0x0010, 0x1080), 'X', 'MilitaryRank'],
  [t(0x0010, 0x1081), 'X', 'BranchOfService'],
  [t(0x0010, 0x1090), 'X', 'MedicalRecordLocator'],
  [t(0x0010, 0x2000), 'X', 'MedicalAlerts'],
  [t(0x0010, 0x2110), 'X', 'Allergies'],
  [t(0x0010, 0x2150), 'X', 'CountryOfResidence'],
  [t(0x0010, 0x2152), 'X', 'RegionOfResidence'],
  [t(0x0010, 0x2154), 'X', 'PatientTelephoneNumbers'],
  [t(0x0010, 0x2160), 'X', 'EthnicGroup'],
  [t(0x0010, 0x2180), 'X', 'Occupation'],
  [t(0x0010, 0x21a0), 'X', 'SmokingStatus'],
  [t(0x0010, 0x21b0), 'X', 'AdditionalPatientHistory'],
  [t(0x0010, 0x21c0), 'X', 'PregnancyStatus'],
  [t(0x0010, 0x21d0), 'X', 'LastMenstrualDate'],
  [t(0x0010, 0x21f0), 'X', 'PatientReligiousPreference'],
  [t(0x0010, 0x2203), 'X', 'PatientSexNeutered'],
  [t(0x0010, 0x2297), 'X', 'ResponsiblePerson'],
  [t(0x0010, 0x2299), 'X', 'ResponsibleOrganization'],
  [t(0x0010, 0x4000), 'X', 'PatientComments'],
  [t(0x0018, 0x0010), 'C', 'ContrastBolusAgent'],
  [t(0x0018, 0x1000), 'X', 'DeviceSerialNumber'],
  [t(0x0018, 0x1002), 'U', 'DeviceUID'],
  [t(0x0018, 0x1004), 'X', 'PlateID'],
  [t(0x0018, 0x1005), 'X', 'GeneratorID'],
  [t(0x0018, 0x1007), 'X', 'CassetteID'],
  [t(0x0018, 0x1008), 'X', 'GantryID'],
  [t(0x0018, 0x1010), 'X', 'SecondaryCaptureDeviceID'],
  [t(0x0018, 0x1020), 'X', 'SoftwareVersions'],
  [t(0x0018, 0x1030), 'C', 'ProtocolName'],
  [t(0x0018, 0x1400), 'C', 'AcquisitionDeviceProcessingDescription'],
  [t(0x0018, 0x4000), 'X', 'AcquisitionComments'],
  [t(0x0018, 0x700a), 'X', 'DetectorID'],
  [t(0x0018, 0x9424), 'X', 'AcquisitionProtocolDescription'],
  [t(0x0020, 0x000d), 'U', 'StudyInstanceUID'],
  [t(0x0020, 0x000e), 'U', 'SeriesInstanceUID'],
  [t(0x0020, 0x0010), 'Z', 'StudyID'],
  [t(0x0020, 0x0052), 'U', 'FrameOfReferenceUID'],
  [t(0x0020, 0x0200), 'U', 'SynchronizationFrameOfReferenceUID'],
  [t(0x0020, 0x4000), 'X', 'ImageComments'],
  [t(0x0020, 0x9158), 'X', 'FrameComments'],
  [t(0x0020, 0x9161), 'U', 'ConcatenationUID'],
  [t(0x0020, 0x9164), 'U', 'DimensionOrganizationUID'],
  [t(0x0028, 0x1214), 'U', 'LargePaletteColorLookupTableUID'],
  [t(0x0028, 0x4000), 'X', 'ImagePresentationComments'],
  [t(0x0032, 0x0012), 'X', 'StudyIDIssuer'],
  [t(0x0032, 0x1020), 'X', 'ScheduledStudyLocation'],
  [t(0x0032, 0x1021), 'X', 'ScheduledStudyLocationAETitle'],
  [t(0x0032, 0x1030), 'X', 'ReasonForStudy'],
  [t(0x0032, 0x1032), 'X', 'RequestingPhysician'],
  [t(0x0032, 0x1033), 'X', 'RequestingService'],
  [t(0x0032, 0x1060), 'C', 'RequestedProcedureDescription'],
  [t(0x0032, 0x1064), 'X', 'RequestedProcedureCodeSequence'],
  [t(0x0032, 0x1070), 'X', 'RequestedContrastAgent'],
  [t(0x0032, 0x4000), 'X', 'StudyComments'],
  [t(0x0038, 0x0010), 'X', 'AdmissionID'],
  [t(0x0038, 0x0300), 'X', 'CurrentPatientLocation'],
  [t(0x0038, 0x0400), 'X', 'PatientInstitutionResidence'],
  [t(0x0038, 0x0500), 'X', 'PatientState'],
  [t(0x0038, 0x4000), 'X', 'VisitComments'],
  [t(0x0040, 0x0001), 'X', 'ScheduledStationAETitle'],
  [t(0x0040, 0x0006), 'X', 'ScheduledPerformingPhysicianName'],
  [t(0x0040, 0x0007), 'X', 'ScheduledProcedureStepDescription'],
  [t(0x0040, 0x0009), 'X', 'ScheduledProcedureStepID'],
  [t(0x0040, 0x0010), 'X', 'ScheduledStationName'],
  [t(0x0040, 0x0011), 'X', 'ScheduledProcedureStepLocation'],
  [t(0x0040, 0x0100), 'X', 'ScheduledProcedureStepSequence'],
  [t(0x0040, 0x0241), 'X', 'PerformedStationAETitle'],
  [t(0x0040, 0x0242), 'X', 'PerformedStationName'],
  [t(0x0040, 0x0243), 'X', 'PerformedLocation'],
  [t(0x0040, 0x0253), 'X', 'PerformedProcedureStepID'],
  [t(0x0040, 0x0254), 'C', 'PerformedProcedureStepDescription'],
  [t(0x0040, 0x0275), 'X', 'RequestAttributesSequence'],
  [t(0x0040, 0x0280), 'X', 'CommentsOnThePerformedProcedureStep'],
  [t(0x0040, 0x0555), 'X', 'AcquisitionContextSequence'],
  [t(0x0040, 0x1001), 'X', 'RequestedProcedureID'],
  [t(0x0040, 0x1004), 'X', 'PatientTransportArrangements'],
  [t(0x0040, 0x1005), 'X', 'RequestedProcedureLocation'],
  [t(0x0040, 0x1010), 'X', 'NamesOfIntendedRecipientsOfResults'],
  [t(0x0040, 0x1400), 'X', 'RequestedProcedureComments'],
  [t(0x0040, 0x2001), 'X', 'ReasonForTheImagingServiceRequest'],
  [t(0x0040, 0x2016), 'X', 'PlacerOrderNumberImagingServiceRequest'],
  [t(0x0040, 0x2017), 'X', 'FillerOrderNumberImagingServiceRequest'],
  [t(0x0040, 0x2400), 'X', 'ImagingServiceRequestComments'],
  [t(0x0040, 0x3001), 'X', 'ConfidentialityConstraintOnPatientDataDescription'],
  [t(0x0040, 0xa027), 'X', 'VerifyingOrganization'],
  [t(0x0040, 0xa073), 'X', 'VerifyingObserverSequence'],
  [t(0x0040, 0xa075), 'X', 'VerifyingObserverName'],
  [t(0x0040, 0xa078), 'X', 'AuthorObserverSequence'],
  [t(0x0040, 0xa07a), 'X', 'ParticipantSequence'],
  [t(0x0040, 0xa07c), 'X', 'CustodialOrganizationSequence'],
  [t(0x0040, 0xa088), 'X', 'VerifyingObserverIdentificationCodeSequence'],
  [t(0x0040, 0xa123), 'X', 'PersonName'],
  [t(0x0040, 0xa124), 'U', 'UID'],
  [t(0x0040, 0xa730), 'X', 'ContentSequence'],
  [t(0x0040, 0xdb0c), 'U', 'TemplateExtensionOrganizationUID'],
  [t(0x0040, 0xdb0d), 'U', 'TemplateExtensionCreatorUID'],
  [t(0x0070, 0x0084), 'X', 'ContentCreatorName'],
  [t(0x0070, 0x0086), 'X', 'ContentCreatorIdentificationCodeSequence'],
  [t(0x0088, 0x0140), 'U', 'StorageMediaFileSetUID'],
  [t(0x0400, 0x0100), 'X', 'DigitalSignatureUID'],
  [t(0x0400, 0x0402), 'X', 'ReferencedDigitalSignatureSequence'],
  [t(0x0400, 0x0403), 'X', 'ReferencedSOPInstanceMACSequence'],
  [t(0x0400, 0x0404), 'X', 'MAC'],
  [t(0x0400, 0x0500), 'X', 'EncryptedAttributesSequence'],
  [t(0x0400, 0x0550), 'X', 'ModifiedAttributesSequence'],
  [t(0x0400, 0x0561), 'X', 'OriginalAttributesSequence'],
  [t(0x4000, 0x0010), 'X', 'Arbitrary'],
  [t(0x4000, 0x4000), 'X', 'TextComments'],
  [t(0xfffa, 0xfffa), 'X', 'DigitalSignaturesSequence'],
  [t(0xfffc, 0xfffc), 'X', 'DataSetTrailingPadding'],
];
const ACTION_BY_TAG: ReadonlyMap<number, Action> = new Map(ACTIONS.map(([tag, action]) => [tag, action]));

const PIXEL_DATA = 0x7fe00010;
const SOP_CLASS_UID = 0x00080016;
const SOP_INSTANCE_UID = 0x00080018;
const SPECIFIC_CHARACTER_SET = 0x00080005;
const PATIENT_NAME = 0x00100010;
const PATIENT_ID = 0x00100020;
const ISSUER_OF_PATIENT_ID = 0x00100021;
const PIXEL_REPRESENTATION = 0x00280103;
const BURNED_IN_ANNOTATION = 0x00280301;
const IMAGE_TYPE = 0x00080008;

// The CT image storage classes (PS3.4 B.5): the workstation reads CT only, and a report, a
// presentation state or a screenshot carries free text and pictures of text this profile does
// not clean, so they are refused before anything is stored.
const CT_SOP_CLASSES = new Set(['1.2.840.10008.5.1.4.1.1.2', '1.2.840.10008.5.1.4.1.1.2.1', '1.2.840.10008.5.1.4.1.1.2.2']);
const SECONDARY_CAPTURE_PREFIX = '1.2.840.10008.5.1.4.1.1.7';
// UIDs the standard defines (SOP classes, transfer syntaxes, coding schemes) identify nobody.
const DICOM_ROOT = '1.2.840.10008.';

// LO holds 64 characters.
export const DEID_METHOD = 'PS3.15 E Basic Profile, Modified Dates, Clean Descriptors';
export const DEID_CODES: ReadonlyArray<readonly [string, string]> = [
  ['113100', 'Basic Application Confidentiality Profile'],
  ['113107', 'Retain Longitudinal Temporal Information Modified Dates Option'],
  ['113105', 'Clean Descriptors Option'],
];

/** A file refused for a reason the summary names (not DICOM, truncated, burned-in text, not a CT). */
export class ImportRefusal extends Error {
  constructor(
    readonly reason: 'not-dicom' | 'damaged' | 'burned-in' | 'not-ct' | 'no-uid',
    message: string,
  ) {
    super(message);
    this.name = 'ImportRefusal';
  }
}

// Implicit VR files carry no VRs: the standard's data dictionary (dcmjs's copy of PS3.6) gives
// them, and tells which elements are sequences whose items are walked.
class DictionaryVrs extends Map<number, string> {
  override get(tag: number): string | undefined {
    if (super.has(tag)) return super.get(tag);
    const group = Math.floor(tag / 0x10000);
    const element = tag & 0xffff;
    let vr: string | undefined;
    if (group % 2 === 0 && element !== 0) {
      const key = `(${group.toString(16).toUpperCase().padStart(4, '0')},${element.toString(16).toUpperCase().padStart(4, '0')})`;
      const entry = (dcmjs.data.DicomMetaDictionary as unknown as { dictionary: Record<string, { vr?: string } | undefined> }).dictionary[key];
      vr = entry?.vr;
      // Pixel data are OW in Implicit VR (PS3.5 A.1); a US-or-SS is settled by Pixel Representation later.
      if (vr === 'ox') vr = 'OW';
      else if (vr && !/^[A-Z]{2}$/.test(vr) && vr !== 'xs') vr = vr.slice(0, 2).toUpperCase();
    }
    super.set(tag, vr as string);
    return vr;
  }
  override has(tag: number): boolean {
    return this.get(tag) !== undefined;
  }
}
const DICTIONARY_VRS = new DictionaryVrs();

export interface SourceFile {
  reader: DicomReader;
  ds: DataSet;
  transferSyntaxUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  /** The source patient's identity (ID and issuer; the name when there is no ID), to be keyed and hashed (importKeys.ts); never stored or logged. */
  patientIdentity: string;
  /** The key id (keyIdOf) of the keys this file was de-identified with by this software, or null: a file from `--deidentify-only` uploaded later keeps its UIDs (deidentifyWithKeys.ts). */
  deidentifiedWith: string | null;
}

const PATIENT_IDENTITY_REMOVED = 0x00120062;
const DEIDENTIFICATION_METHOD = 0x00120063;
const KEY_ID_VALUE = /^CTAW keys ([0-9a-f]{16})$/;

/** The public name of a UID secret, written into (0012,0063) so that an upload of the file can tell whose keys made it; the secret cannot be had from it. */
export function keyIdOf(secret: Uint8Array): string {
  return createHash('sha256').update('ctaw import key id\n').update(secret).digest('hex').slice(0, 16);
}

function deidentifiedWith(reader: DicomReader, ds: DataSet): string | null {
  if (reader.string(ds, PATIENT_IDENTITY_REMOVED)?.toUpperCase() !== 'YES') return null;
  const methods = (reader.string(ds, DEIDENTIFICATION_METHOD) ?? '').split('\\').map((m) => m.trim());
  if (!methods.includes(DEID_METHOD)) return null;
  for (const m of methods) {
    const key = KEY_ID_VALUE.exec(m);
    if (key) return key[1];
  }
  return null;
}

/** A UID of mappedUid's shape (2.25 and a version 8 UUID): what a kept UID must look like, so that a file marked de-identified cannot carry a source UID through. */
export function looksMapped(uid: string): boolean {
  if (!/^2\.25\.[1-9]\d{0,38}$/.test(uid)) return false;
  const n = BigInt(uid.slice(5));
  if (n >= 1n << 128n) return false;
  const hex = n.toString(16).padStart(32, '0');
  return hex[12] === '8' && '89ab'.includes(hex[16]);
}

/** Reads and judges a file; throws ImportRefusal naming why it cannot be imported. */
export function readSource(bytes: Uint8Array): SourceFile {
  let parsed;
  try {
    parsed = parsePart10(bytes, { implicitVrs: DICTIONARY_VRS, objectName: 'image', inflateRaw: (b) => inflateRawSync(b), encapsulated: true, allowMissingFileMeta: true });
  } catch (err) {
    if (!(err instanceof DicomParseError)) throw err;
    const notDicom = /not a DICOM/.test(err.detail);
    throw new ImportRefusal(notDicom ? 'not-dicom' : 'damaged', notDicom ? 'not a DICOM file' : err.message);
  }
  const { reader, ds, transferSyntaxUid } = parsed;
  const sopClassUid = reader.string(ds, SOP_CLASS_UID);
  const sopInstanceUid = reader.string(ds, SOP_INSTANCE_UID);
  if (!sopClassUid || !sopInstanceUid) throw new ImportRefusal('no-uid', 'not a DICOM object: it has no SOP Class or SOP Instance UID');
  if (reader.string(ds, BURNED_IN_ANNOTATION)?.toUpperCase() === 'YES') {
    throw new ImportRefusal('burned-in', 'refused: Burned In Annotation is YES (text in the pixels would name the patient; remove it at the source)');
  }
  const imageType = (reader.string(ds, IMAGE_TYPE) ?? '').toUpperCase().split('\\');
  if (sopClassUid.startsWith(SECONDARY_CAPTURE_PREFIX) || imageType.includes('SCREEN SAVE')) {
    throw new ImportRefusal('burned-in', 'refused: a secondary capture (screenshot) may show patient data in its pixels');
  }
  if (!CT_SOP_CLASSES.has(sopClassUid)) throw new ImportRefusal('not-ct', `refused: ${describeSopClass(sopClassUid)}, not a CT image`);
  const id = reader.string(ds, PATIENT_ID) ?? '';
  const identity = id !== '' ? `id:${id}|${reader.string(ds, ISSUER_OF_PATIENT_ID) ?? ''}` : `name:${reader.string(ds, PATIENT_NAME) ?? ''}`;
  return { reader, ds, transferSyntaxUid, sopClassUid, sopInstanceUid, patientIdentity: identity, deidentifiedWith: deidentifiedWith(reader, ds) };
}

export interface DeidKeys {
  /** The secret of the UID mapping (kept in the server database or a --keys file). */
  uidSecret: Uint8Array;
  /** "CTAW-000123" */
  pseudonym: string;
  /** Days added to every date of this patient (negative: earlier). */
  dateOffsetDays: number;
  /** UIDs already of mappedUid's shape are kept (a file this software de-identified before; others are still mapped). */
  keepMappedUids?: boolean;
}

/** The new UID of a source UID: HMAC-SHA256 with the secret, 128 bits as a UUID version 8 under 2.25 (PS3.5 B.2). */
export function mappedUid(secret: Uint8Array, uid: string): string {
  const h = createHmac('sha256', secret).update(uid).digest();
  h[6] = (h[6] & 0x0f) | 0x80;
  h[8] = (h[8] & 0x3f) | 0x80;
  return `2.25.${BigInt(`0x${h.subarray(0, 16).toString('hex')}`).toString()}`;
}

export function pseudonymOf(n: number): string {
  return `CTAW-${String(n).padStart(6, '0')}`;
}

/** YYYYMMDD + days, or null when the value is not a whole date. */
export function shiftDate(da: string, days: number): string | null {
  if (!/^\d{8}$/.test(da)) return null;
  const ms = Date.UTC(Number(da.slice(0, 4)), Number(da.slice(4, 6)) - 1, Number(da.slice(6, 8)));
  if (Number.isNaN(ms)) return null;
  const d = new Date(ms + days * 86_400_000);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** A DT with its date part shifted (time and offset kept), or null when it holds no whole date. */
export function shiftDateTime(dt: string, days: number): string | null {
  const date = shiftDate(dt.slice(0, 8), days);
  return date === null ? null : date + dt.slice(8);
}

export interface DeidentifiedFile {
  bytes: Uint8Array;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
}

type OutElement = { tag: number; vr: string; bytes: Uint8Array; undefinedLength?: boolean } | { tag: number; vr: 'SQ'; items: OutElement[][] };

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const TEXT_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT']);
const utf8 = new TextEncoder();

function padded(bytes: Uint8Array, vr: string): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = vr === 'UI' ? 0 : 0x20;
  return out;
}

class Deidentifier {
  private readonly uids = new Map<string, string>();
  /** Words of the identifying values this file holds, cleaned out of its descriptors. */
  private readonly identifying = new Set<string>();
  private readonly encode: (s: string) => Uint8Array | null;
  private readonly pixelSigned: boolean;

  constructor(
    private readonly src: SourceFile,
    private readonly keys: DeidKeys,
  ) {
    const charset = src.reader.string(src.ds, SPECIFIC_CHARACTER_SET) ?? '';
    // Cleaned text is written back in the file's own character set; other sets than these two
    // (ISO 2022 code extensions) cannot be re-encoded safely here, so such descriptors are removed.
    this.encode = /ISO_IR 192/.test(charset)
      ? (s) => utf8.encode(s)
      : charset === '' || /^(ISO_IR 100|ISO_IR 6)?$/.test(charset.trim())
        ? (s) => (Array.from(s).every((c) => c.charCodeAt(0) <= 0xff) ? Uint8Array.from(s, (c) => c.charCodeAt(0)) : null)
        : () => null;
    this.pixelSigned = src.reader.number(src.ds, PIXEL_REPRESENTATION) === 1;
    this.collectIdentifying(src.ds);
  }

  uid(value: string): string {
    if (value.startsWith(DICOM_ROOT)) return value;
    if (this.keys.keepMappedUids && looksMapped(value)) return value;
    let out = this.uids.get(value);
    if (!out) this.uids.set(value, (out = mappedUid(this.keys.uidSecret, value)));
    return out;
  }

  private collectIdentifying(ds: DataSet): void {
    const { reader } = this.src;
    for (const [tag, e] of ds) {
      if (e.items) for (const item of e.items) this.collectIdentifying(item);
      const action = ACTION_BY_TAG.get(tag);
      const identifying = action === 'X' || action === 'Z' || action === 'D' || e.vr === 'PN' || Math.floor(tag / 0x10000) % 2 === 1;
      if (!identifying || !TEXT_VRS.has(e.vr) || e.vr === 'UI' || e.vr === 'DA' || e.vr === 'TM' || e.vr === 'DT') continue;
      for (const word of (reader.text(ds, tag) ?? '').split(/[\s^\\=,.;:/()'"-]+/)) if (word.length >= 3) this.identifying.add(word.toLowerCase());
    }
  }

  /** A descriptor without the words of the file's identifying values, long numbers or dates; null: nothing left. */
  clean(text: string): string | null {
    const kept = text
      .split(/(\s+)/)
      .filter((part) => {
        const words = part.split(/[\^\\=,.;:/()'"-]+/).filter((w) => w !== '');
        return !words.some((w) => this.identifying.has(w.toLowerCase())) && !/\d{5,}/.test(part) && !/\d{1,4}[-./]\d{1,2}[-./]\d{1,4}/.test(part);
      })
      .join('')
      .replace(/\s+/g, ' ')
      .trim();
    return kept === '' ? null : kept;
  }

  dataSet(ds: DataSet, top: boolean): OutElement[] {
    const { reader } = this.src;
    const out: OutElement[] = [];
    for (const [tag, e] of ds) {
      const group = Math.floor(tag / 0x10000);
      const element = tag & 0xffff;
      // Private groups (odd), curves (50xx) and overlays (60xx: their bitmaps can hold text), group
      // lengths (retired) and the profile's own attributes of any earlier run (rewritten below).
      if (group % 2 === 1 || (group >= 0x5000 && group <= 0x50ff) || (group >= 0x6000 && group <= 0x60ff) || element === 0 || group === 0x0012) continue;
      if (top && tag === 0x00280303) continue;
      let vr = e.vr;
      if (vr === 'xs') vr = this.pixelSigned ? 'SS' : 'US';
      // An element of unknown VR cannot be judged; one the dictionary calls a sequence but whose items were not indexed neither.
      if (vr === 'UN' || (vr === 'SQ' && !e.items)) continue;
      let action = ACTION_BY_TAG.get(tag) ?? (vr === 'PN' ? 'X' : vr === 'UI' ? 'U' : 'K');
      // The pseudonym goes where the IOD wants the patient; inside an item a name is only removed.
      if (action === 'D' && !top) action = 'X';
      if (action === 'X') continue;
      if (action === 'Z') {
        out.push({ tag, vr, bytes: new Uint8Array(0) });
        continue;
      }
      if (vr === 'SQ') {
        out.push({ tag, vr: 'SQ', items: e.items!.map((item) => this.dataSet(item, false)) });
        continue;
      }
      if (e.fragments) {
        out.push({ tag, vr, bytes: reader.bytes.subarray(e.offset, e.offset + e.length), undefinedLength: true });
        continue;
      }
      const raw = reader.bytes.subarray(e.offset, e.offset + e.length);
      if (action === 'D') {
        out.push({ tag, vr, bytes: padded(utf8.encode(this.keys.pseudonym), vr) });
        continue;
      }
      if (vr === 'UI') {
        const values = (reader.string(ds, tag) ?? '').split('\\').map((v) => v.replace(/\0/g, '').trim());
        const mapped = action === 'K' ? values : values.map((v) => (v === '' ? v : this.uid(v)));
        out.push({ tag, vr, bytes: padded(utf8.encode(mapped.join('\\')), vr) });
        continue;
      }
      if (vr === 'DA' || vr === 'DT') {
        const values = (reader.string(ds, tag) ?? '').split('\\');
        const shift = vr === 'DA' ? shiftDate : shiftDateTime;
        const shifted = values.map((v) => (v.trim() === '' ? '' : shift(v.trim(), this.keys.dateOffsetDays)));
        // A partial or broken date cannot be shifted exactly: removed rather than kept as it was.
        if (shifted.some((v) => v === null)) continue;
        out.push({ tag, vr, bytes: padded(utf8.encode(shifted.join('\\')), vr) });
        continue;
      }
      if (action === 'C') {
        const cleaned = this.clean(reader.text(ds, tag) ?? '');
        const bytes = cleaned === null ? null : this.encode(cleaned);
        if (bytes) out.push({ tag, vr, bytes: padded(bytes, vr) });
        continue;
      }
      out.push({ tag, vr, bytes: raw });
    }
    return out;
  }
}

function writeOut(w: ByteWriter, elements: OutElement[]): void {
  elements.sort((a, b) => a.tag - b.tag);
  for (const e of elements) {
    w.u16(Math.floor(e.tag / 0x10000));
    w.u16(e.tag & 0xffff);
    w.u16(e.vr.charCodeAt(0) | (e.vr.charCodeAt(1) << 8));
    const long = LONG_VRS.has(e.vr);
    if (long) w.u16(0);
    if ('items' in e) {
      const at = w.pos;
      w.u32(0);
      const start = w.pos;
      for (const item of e.items) {
        w.u16(0xfffe);
        w.u16(0xe000);
        const itemAt = w.pos;
        w.u32(0);
        const itemStart = w.pos;
        writeOut(w, item);
        w.patch32(itemAt, w.pos - itemStart);
      }
      w.patch32(at, w.pos - start);
      continue;
    }
    if (e.undefinedLength) w.u32(0xffffffff);
    else if (long) w.u32(e.bytes.length);
    else if (e.bytes.length > 0xffff) throw new Error(`value of ${e.tag.toString(16)} too long for ${e.vr}`);
    else w.u16(e.bytes.length);
    w.raw(e.bytes);
  }
}

function codeItem(value: string, meaning: string): OutElement[] {
  return [
    { tag: 0x00080100, vr: 'SH', bytes: padded(utf8.encode(value), 'SH') },
    { tag: 0x00080102, vr: 'SH', bytes: padded(utf8.encode('DCM'), 'SH') },
    { tag: 0x00080104, vr: 'LO', bytes: padded(utf8.encode(meaning), 'LO') },
  ];
}

/** The de-identified Part 10 file of a source read by readSource. */
export function deidentify(src: SourceFile, keys: DeidKeys): DeidentifiedFile {
  const d = new Deidentifier(src, keys);
  const ds = d.dataSet(src.ds, true);
  // Type 2 in every IOD: the pseudonym even where the source had no name or ID.
  for (const tag of [PATIENT_NAME, PATIENT_ID]) if (!ds.some((e) => e.tag === tag)) ds.push({ tag, vr: tag === PATIENT_NAME ? 'PN' : 'LO', bytes: padded(utf8.encode(keys.pseudonym), 'LO') });
  const text = (tag: number, vr: string, value: string): OutElement => ({ tag, vr, bytes: padded(utf8.encode(value), vr) });
  ds.push(
    text(PATIENT_IDENTITY_REMOVED, 'CS', 'YES'),
    text(DEIDENTIFICATION_METHOD, 'LO', `${DEID_METHOD}\\CTAW keys ${keyIdOf(keys.uidSecret)}`),
    { tag: 0x00120064, vr: 'SQ', items: DEID_CODES.map(([v, m]) => codeItem(v, m)) },
    // PS3.3 C.12.1: the dates are not the real ones.
    text(0x00280303, 'CS', 'MODIFIED'),
  );
  const sopInstanceUid = d.uid(src.sopInstanceUid);
  const find = (tag: number): string => {
    const e = ds.find((x) => x.tag === tag);
    return e && 'bytes' in e ? new TextDecoder().decode(e.bytes).replace(/[\0 ]+$/, '') : '';
  };
  // Implicit VR and deflated files are written as Explicit VR Little Endian (same value bytes);
  // an encapsulated syntax stays as it is, its fragments copied.
  const syntax = src.transferSyntaxUid === '1.2.840.10008.1.2' || src.transferSyntaxUid === '1.2.840.10008.1.2.1.99' ? EXPLICIT_VR_LE : src.transferSyntaxUid;
  const meta = new ByteWriter(256);
  writeItems(meta, [
    el(0x0002, 0x0001, 'OB', new Uint8Array([0, 1])),
    el(0x0002, 0x0002, 'UI', src.sopClassUid),
    el(0x0002, 0x0003, 'UI', sopInstanceUid),
    el(0x0002, 0x0010, 'UI', syntax),
    el(0x0002, 0x0012, 'UI', IMPLEMENTATION_CLASS_UID),
    el(0x0002, 0x0013, 'SH', 'CTAW_IMPORT'),
  ]);
  const pixels = src.ds.get(PIXEL_DATA);
  const w = new ByteWriter(512 + meta.pos + (pixels ? pixels.length : 0) + 16 * 1024);
  w.pos = 128;
  w.raw(utf8.encode('DICM'));
  writeItems(w, [el(0x0002, 0x0000, 'UL', [meta.pos])]);
  w.raw(meta.bytes.subarray(0, meta.pos));
  writeOut(w, ds);
  return { bytes: w.bytes.subarray(0, w.pos), sopInstanceUid, studyInstanceUid: find(0x0020000d), seriesInstanceUid: find(0x0020000e) };
}

