// Finds and fetches this reader's latest submitted SEG of a case on the archive: their SEG series
// has a UID derived from the case and the reader (see submitRead), so no search by name is needed.
import { fetchJson } from '../dicomweb/httpClient.ts';
import { firstPart } from '../dicomweb/multipart.ts';
import { getNumber, getString, type DicomJsonDataset } from '../dicomweb/dicomJson.ts';
import { TAG } from '../dicomweb/tags.ts';
import { stableUid } from './dicomUid.ts';

export interface ServerResult {
  sopInstanceUid: string;
  instanceNumber: number;
  bytes: Uint8Array;
}

export function readerSeriesUid(caseKey: string, user: string): Promise<string> {
  return stableUid(`ctaw-seg-series/${caseKey}/${user}`);
}

/** The reader's read-form SR series of a case (one per reader and case, like the SEG's). */
export function readerFormSeriesUid(caseKey: string, user: string): Promise<string> {
  return stableUid(`ctaw-sr-series/${caseKey}/${user}`);
}

/** The reader's latest SEG of the case on the archive, or null (none, or the archive unreachable). */
export async function latestServerResult(studyUid: string, caseKey: string, user: string, base = '/dicom-web'): Promise<ServerResult | null> {
  return latestInSeries(studyUid, await readerSeriesUid(caseKey, user), base);
}

/** The instance with the highest Instance Number of a result series, or null. */
export async function latestInSeries(studyUid: string, seriesUid: string, base = '/dicom-web'): Promise<ServerResult | null> {
  let instances: DicomJsonDataset[];
  try {
    instances = await fetchJson<DicomJsonDataset[]>(`${base}/studies/${studyUid}/series/${seriesUid}/instances?includefield=00200013`, { timeoutMs: 15_000 });
  } catch {
    // Offline or not found: the local draft is all there is.
    return null;
  }
  if (!Array.isArray(instances) || instances.length === 0) return null;
  const latest = instances
    .map((ds) => ({ sop: getString(ds, TAG.SOPInstanceUID) ?? '', n: getNumber(ds, TAG.InstanceNumber) ?? 0 }))
    .filter((x) => x.sop)
    .sort((a, b) => b.n - a.n)[0];
  if (!latest) return null;
  const response = await fetch(`${base}/studies/${studyUid}/series/${seriesUid}/instances/${latest.sop}`, {
    headers: { Accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' },
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.ok) return null;
  const body = firstPart(new Uint8Array(await response.arrayBuffer()), response.headers.get('content-type') ?? '').body;
  return { sopInstanceUid: latest.sop, instanceNumber: latest.n, bytes: body };
}
