// "Keep offline": asks for a series' metadata and every frame with the very URLs and Accept
// headers the viewer uses, through the service worker, which keeps them in Cache Storage (frames
// cache-first, so an interrupted download resumes without fetching again what it kept). Without
// the service worker there is no offline app to open them in, so that is refused in words.
// Checks the storage budget first and asks the browser not to evict.
import { ACCEPT_ANY, ACCEPT_RAW } from '../dicomweb/frameFetch.ts';
import { frameUrl } from '../dicomweb/frameUrl.ts';
import { messageForStatus } from '../dicomweb/httpClient.ts';
import { DICOMWEB_ROOT } from '../dicomweb/qido.ts';
import { getNumber, getString, type DicomJsonDataset } from '../dicomweb/dicomJson.ts';
import { TAG } from '../dicomweb/tags.ts';
import { storageShortfall } from './storageBudget.ts';
import { loadStudyConfig } from '../contouring/segmentConfig.ts';
import { retryGet } from '../dicomweb/retryGet.ts';

export class PrefetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrefetchError';
  }
}

export interface PrefetchProgress {
  done: number;
  total: number;
  bytes: number;
}

const PARALLEL = 6;

async function get(url: string, accept: string, signal: AbortSignal): Promise<Response> {
  let res: Response;
  try {
    res = await retryGet(url, { headers: { Accept: accept }, signal });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new PrefetchError('The image archive cannot be reached; try again when the network is back.');
  }
  return res;
}

/** Fetches `url` through the service worker, which keeps it; returns the bytes. */
async function keep(url: string, accepts: string[], signal: AbortSignal): Promise<Response> {
  let res = await get(url, accepts[0], signal);
  // An archive that will not transcode: the frame as stored (the viewer does the same).
  if ((res.status === 406 || res.status === 400) && accepts[1]) res = await get(url, accepts[1], signal);
  if (!res.ok) throw new PrefetchError(messageForStatus(res.status).message);
  return res;
}

export async function prefetchSeries(studyUid: string, seriesUid: string, onProgress: (p: PrefetchProgress) => void, signal: AbortSignal): Promise<PrefetchProgress> {
  if (!navigator.serviceWorker?.controller) {
    throw new PrefetchError('Offline use is not ready in this browser yet (the offline worker is not running; it needs HTTPS or localhost). Reload the page and try again.');
  }
  const metadataUrl = `${DICOMWEB_ROOT}/studies/${encodeURIComponent(studyUid)}/series/${encodeURIComponent(seriesUid)}/metadata`;
  const metadata = (await (await keep(metadataUrl, ['application/dicom+json'], signal)).json()) as DicomJsonDataset[];
  const instances = metadata
    .map((ds) => ({ sop: getString(ds, TAG.SOPInstanceUID), bytes: (getNumber(ds, TAG.Rows) ?? 0) * (getNumber(ds, TAG.Columns) ?? 0) * ((getNumber(ds, TAG.BitsAllocated) ?? 16) / 8) }))
    .filter((i): i is { sop: string; bytes: number } => Boolean(i.sop) && i.bytes > 0);
  if (instances.length === 0) throw new PrefetchError('This series has no images to keep offline.');

  const needed = instances.reduce((n, i) => n + i.bytes, 0);
  const shortfall = storageShortfall((await navigator.storage?.estimate?.()) ?? {}, needed);
  if (shortfall) throw new PrefetchError(shortfall);
  // Kept series should survive the browser's clean-ups; the browser may say no, which is fine.
  await navigator.storage?.persist?.().catch(() => false);

  // The study's read form, which a case needs to be read offline, is kept too.
  const form = await loadStudyConfig().then((c) => c.form).catch(() => null);
  if (form) await keep(form, ['application/json'], signal);

  const progress: PrefetchProgress = { done: 0, total: instances.length, bytes: 0 };
  onProgress({ ...progress });
  let next = 0;
  const worker = async () => {
    while (next < instances.length) {
      const { sop } = instances[next++];
      progress.bytes += (await (await keep(frameUrl(studyUid, seriesUid, sop), [ACCEPT_RAW, ACCEPT_ANY], signal)).arrayBuffer()).byteLength;
      progress.done++;
      onProgress({ ...progress });
    }
  };
  try {
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  } catch (err) {
    const name = (err as { name?: string })?.name;
    if (name === 'QuotaExceededError') throw new PrefetchError('The browser refused to keep more images (storage full). The images kept so far stay; free space and try again.');
    throw err;
  }
  return progress;
}
