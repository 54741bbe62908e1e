// Keeping a series offline ("Keep offline", and each series once it has loaded in the viewer):
// asks for its metadata and every frame with the very URLs and Accept headers the viewer uses and
// writes them to the Cache Storage that the service worker answers from (a frame already kept is
// not fetched again, so an interrupted download resumes). Without the service worker there is no
// offline app to open them in, so that is refused in words. Checks the storage budget first and
// asks the browser not to evict.
import { ACCEPT_ANY, ACCEPT_RAW } from '../dicomweb/frameFetch.ts';
import { frameUrl } from '../dicomweb/frameUrl.ts';
import { messageForStatus } from '../dicomweb/httpClient.ts';
import { DICOMWEB_ROOT } from '../dicomweb/qido.ts';
import { getNumber, getString, type DicomJsonDataset } from '../dicomweb/dicomJson.ts';
import { TAG } from '../dicomweb/tags.ts';
import { storageShortfall } from './storageBudget.ts';
import { loadStudyConfig } from '../contouring/segmentConfig.ts';
import { retryGet } from '../dicomweb/retryGet.ts';
import { DICOM_CACHE } from '../sw/cachePolicy.ts';
import { keptMarkerUrl } from '../sw/keptSeries.ts';

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

/** Frames asked at once: the browser's six connections for a download the reader waits on. */
export const PARALLEL = 6;

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

/** `url` from the cache when kept, else fetched and kept; returns its size in bytes. */
async function keep(cache: Cache, url: string, accepts: string[], signal: AbortSignal): Promise<number> {
  const hit = await cache.match(url, { ignoreVary: true });
  if (hit) return (await hit.blob()).size;
  let res = await get(url, accepts[0], signal);
  // An archive that will not transcode: the frame as stored (the viewer does the same).
  if ((res.status === 406 || res.status === 400) && accepts[1]) res = await get(url, accepts[1], signal);
  if (!res.ok) throw new PrefetchError(messageForStatus(res.status).message);
  const body = await res.arrayBuffer();
  await cache.put(url, new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers }));
  return body.byteLength;
}

/** `url` asked again even when kept (the series metadata says which frames there are; a form may change), and kept. */
async function keepFresh(cache: Cache, url: string, accept: string, signal: AbortSignal): Promise<string> {
  const res = await get(url, accept, signal);
  if (!res.ok) throw new PrefetchError(messageForStatus(res.status).message);
  const text = await res.text();
  await cache.put(url, new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers }));
  return text;
}

export async function prefetchSeries(studyUid: string, seriesUid: string, onProgress: (p: PrefetchProgress) => void, signal: AbortSignal, parallel = PARALLEL): Promise<PrefetchProgress> {
  if (!navigator.serviceWorker?.controller) {
    throw new PrefetchError('Offline use is not ready in this browser yet (the offline worker is not running; it needs HTTPS or localhost). Reload the page and try again.');
  }
  const metadataUrl = `${DICOMWEB_ROOT}/studies/${encodeURIComponent(studyUid)}/series/${encodeURIComponent(seriesUid)}/metadata`;
  const cache = await caches.open(DICOM_CACHE);
  const metadata = JSON.parse(await keepFresh(cache, metadataUrl, 'application/dicom+json', signal)) as DicomJsonDataset[];
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
  if (form) await keepFresh(cache, form, 'application/json', signal);

  // Before the first frame: the service worker answers a series' frames from the cache only
  // where this marker is (src/sw/keptSeries.ts), and is told at once.
  await cache.put(keptMarkerUrl(location.origin, seriesUid), new Response(''));
  navigator.serviceWorker.controller.postMessage({ kind: 'kept-series', seriesUid });

  const progress: PrefetchProgress = { done: 0, total: instances.length, bytes: 0 };
  onProgress({ ...progress });
  let next = 0;
  const worker = async () => {
    while (next < instances.length) {
      const { sop } = instances[next++];
      progress.bytes += await keep(cache, frameUrl(studyUid, seriesUid, sop), [ACCEPT_RAW, ACCEPT_ANY], signal);
      progress.done++;
      onProgress({ ...progress });
    }
  };
  try {
    await Promise.all(Array.from({ length: parallel }, worker));
  } catch (err) {
    const name = (err as { name?: string })?.name;
    if (name === 'QuotaExceededError') throw new PrefetchError('The browser refused to keep more images (storage full). The images kept so far stay; free space and try again.');
    throw err;
  }
  return progress;
}
