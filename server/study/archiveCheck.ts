// Before a series becomes a case: it must be in Orthanc, and be CT images only (no SEG or SR
// slipped into it, which the gateway would otherwise show to every reader of the case). Asked of
// Orthanc directly on loopback, as the gateway does.
import { type DicomJson, firstString, resultKind } from '../gateway/blinding.ts';

const CT_CLASSES = new Set(['1.2.840.10008.5.1.4.1.1.2', '1.2.840.10008.5.1.4.1.1.2.1', '1.2.840.10008.5.1.4.1.1.2.2']);

/** null when the series can be a case; otherwise why not. */
export async function ctSeriesProblem(orthancUrl: string, studyUid: string, seriesUid: string, timeoutMs = 15_000): Promise<string | null> {
  const get = async (path: string): Promise<DicomJson[]> => {
    const res = await fetch(`${orthancUrl}/dicom-web${path}`, { headers: { Accept: 'application/dicom+json' }, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`the image archive answered ${res.status}`);
    return (await res.json()) as DicomJson[];
  };
  const series = await get(`/studies/${studyUid}/series?SeriesInstanceUID=${seriesUid}&includefield=00080060`);
  if (series.length === 0) return `series ${seriesUid} of study ${studyUid} is not in the image archive`;
  const modality = firstString(series[0], '00080060');
  if (modality !== 'CT') return `series ${seriesUid} is ${modality ?? 'of no modality'}, not CT`;
  const instances = await get(`/studies/${studyUid}/series/${seriesUid}/instances?includefield=00080016`);
  const odd = instances.map((i) => firstString(i, '00080016')).find((c) => !c || !CT_CLASSES.has(c) || resultKind(c) !== null);
  if (instances.length === 0) return `series ${seriesUid} has no images`;
  if (odd !== undefined) return `series ${seriesUid} holds objects other than CT images (${odd || 'no SOP class'})`;
  return null;
}
