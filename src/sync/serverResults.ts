// Fetches the latest result of a result series on the archive (which series are the reader's is
// src/read/readSeries.ts's business).
import { DicomwebError, fetchJson, messageForStatus } from '../dicomweb/httpClient.ts';
import { firstPart } from '../dicomweb/multipart.ts';
import { getNumber, getString, type DicomJsonDataset } from '../dicomweb/dicomJson.ts';
import { TAG } from '../dicomweb/tags.ts';
import { retryGet } from '../dicomweb/retryGet.ts';

export interface ServerResult {
  sopInstanceUid: string;
  instanceNumber: number;
  bytes: Uint8Array;
}

/**
 * The instance with the highest Instance Number of a result series, or null when the archive
 * has none (or will not show it: blinding answers as if it did not exist). Throws when the
 * archive could not be asked.
 */
export async function latestInSeries(studyUid: string, seriesUid: string, base = '/dicom-web'): Promise<ServerResult | null> {
  let instances: DicomJsonDataset[];
  try {
    instances = await fetchJson<DicomJsonDataset[]>(`${base}/studies/${studyUid}/series/${seriesUid}/instances?includefield=00200013`, { timeoutMs: 30_000 });
  } catch (err) {
    if (err instanceof DicomwebError && (err.kind === 'not-found' || err.kind === 'refused')) return null;
    throw err;
  }
  if (!Array.isArray(instances) || instances.length === 0) return null;
  const latest = instances
    .map((ds) => ({ sop: getString(ds, TAG.SOPInstanceUID) ?? '', n: getNumber(ds, TAG.InstanceNumber) ?? 0 }))
    .filter((x) => x.sop)
    .sort((a, b) => b.n - a.n)[0];
  if (!latest) return null;
  const bytes = await instanceBytes(studyUid, seriesUid, latest.sop, base);
  return bytes ? { sopInstanceUid: latest.sop, instanceNumber: latest.n, bytes } : null;
}

/**
 * One given instance of a result series (a version the server named: the review computes its
 * agreement from exactly the results the server counts as the latest), or null when the archive
 * has it not (or will not show it).
 */
export async function instanceInSeries(studyUid: string, seriesUid: string, sopInstanceUid: string, base = '/dicom-web'): Promise<Omit<ServerResult, 'instanceNumber'> | null> {
  const bytes = await instanceBytes(studyUid, seriesUid, sopInstanceUid, base);
  return bytes ? { sopInstanceUid, bytes } : null;
}

async function instanceBytes(studyUid: string, seriesUid: string, sopInstanceUid: string, base: string): Promise<Uint8Array | null> {
  const response = await retryGet(`${base}/studies/${studyUid}/series/${seriesUid}/instances/${sopInstanceUid}`, {
    headers: { Accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' },
    signal: AbortSignal.timeout(60_000),
  });
  if (response.status === 404 || response.status === 403) return null;
  if (!response.ok) {
    const { kind, message } = messageForStatus(response.status);
    throw new DicomwebError(kind, message, response.status);
  }
  return firstPart(new Uint8Array(await response.arrayBuffer()), response.headers.get('content-type') ?? '').body;
}
