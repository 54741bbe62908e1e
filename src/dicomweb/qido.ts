// QIDO-RS searches for the study browser (PS3.18 10.6).
import { formatDicomDate, getNumber, getString, type DicomJsonDataset } from './dicomJson.ts';
import { fetchJson } from './httpClient.ts';
import { TAG } from './tags.ts';

export const DICOMWEB_ROOT = '/dicom-web';

export interface StudySummary {
  studyInstanceUid: string;
  patientName: string;
  patientId: string;
  studyDate: string;
  description: string;
  modalities: string;
  seriesCount: number | undefined;
  instanceCount: number | undefined;
}

export interface SeriesSummary {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality: string;
  description: string;
  seriesNumber: number | undefined;
  instanceCount: number | undefined;
}

export function toStudySummary(ds: DicomJsonDataset): StudySummary {
  return {
    studyInstanceUid: getString(ds, TAG.StudyInstanceUID) ?? '',
    patientName: getString(ds, TAG.PatientName) ?? '',
    patientId: getString(ds, TAG.PatientID) ?? '',
    studyDate: formatDicomDate(getString(ds, TAG.StudyDate)),
    description: getString(ds, TAG.StudyDescription) ?? '',
    modalities: (ds[TAG.ModalitiesInStudy]?.Value ?? []).map(String).join(', '),
    seriesCount: getNumber(ds, TAG.NumberOfStudyRelatedSeries),
    instanceCount: getNumber(ds, TAG.NumberOfStudyRelatedInstances),
  };
}

export function toSeriesSummary(ds: DicomJsonDataset, studyInstanceUid: string): SeriesSummary {
  return {
    studyInstanceUid,
    seriesInstanceUid: getString(ds, TAG.SeriesInstanceUID) ?? '',
    modality: getString(ds, TAG.Modality) ?? '',
    description: getString(ds, TAG.SeriesDescription) ?? '',
    seriesNumber: getNumber(ds, TAG.SeriesNumber),
    instanceCount: getNumber(ds, TAG.NumberOfSeriesRelatedInstances),
  };
}

export async function searchStudies(signal?: AbortSignal): Promise<StudySummary[]> {
  const fields = [TAG.ModalitiesInStudy, TAG.NumberOfStudyRelatedSeries, TAG.NumberOfStudyRelatedInstances, TAG.StudyDescription].join('&includefield=');
  const json = await fetchJson<DicomJsonDataset[]>(`${DICOMWEB_ROOT}/studies?includefield=${fields}`, { signal });
  return json.map(toStudySummary).sort((a, b) => b.studyDate.localeCompare(a.studyDate) || a.patientName.localeCompare(b.patientName));
}

export async function searchSeries(studyInstanceUid: string, signal?: AbortSignal): Promise<SeriesSummary[]> {
  const fields = [TAG.NumberOfSeriesRelatedInstances, TAG.SeriesDescription].join('&includefield=');
  const json = await fetchJson<DicomJsonDataset[]>(`${DICOMWEB_ROOT}/studies/${encodeURIComponent(studyInstanceUid)}/series?includefield=${fields}`, { signal });
  return json.map((ds) => toSeriesSummary(ds, studyInstanceUid)).sort((a, b) => (a.seriesNumber ?? 0) - (b.seriesNumber ?? 0));
}

/** WADO-RS series metadata (PS3.18 10.4): one DICOM JSON dataset per instance, no pixel data. */
export async function fetchSeriesMetadata(studyInstanceUid: string, seriesInstanceUid: string, signal?: AbortSignal): Promise<DicomJsonDataset[]> {
  return fetchJson<DicomJsonDataset[]>(
    `${DICOMWEB_ROOT}/studies/${encodeURIComponent(studyInstanceUid)}/series/${encodeURIComponent(seriesInstanceUid)}/metadata`,
    { signal, timeoutMs: 60_000 },
  );
}
