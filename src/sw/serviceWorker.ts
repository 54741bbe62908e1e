// The service worker: the app opens with no network, and a case opened once (its metadata and
// frames, kept by the page once the series has loaded) can be reopened and read offline. Writes
// (STOW) never pass through a cache.
import { ASSET_CACHE, cacheRule, DICOM_CACHE, SHELL_CACHE } from './cachePolicy.ts';
import { KeptSeries, keptMarkerUrl, MARKERS_WRITTEN_PATH, seriesOfFramePath, seriesWithFrames } from './keptSeries.ts';

interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(r: Promise<Response>): void;
}
interface SwScope {
  addEventListener(type: 'install' | 'activate', listener: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (e: FetchEvent) => void): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<{ kind: string; urls?: string[]; seriesUid?: string }>) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  location: Location;
}

const sw = self as unknown as SwScope;
const KEEP = new Set([SHELL_CACHE, ASSET_CACHE, DICOM_CACHE]);

sw.addEventListener('install', (e) => {
  e.waitUntil(caches.open(SHELL_CACHE).then((c) => c.addAll(['/', '/study-config.json'])).then(() => sw.skipWaiting()));
});

const keptSeries = new KeptSeries();

// Series kept before markers existed get theirs, once: the worker would otherwise send their
// frames to the network, and offline they would not open. Fetches wait for activation.
async function writeMissingMarkers(): Promise<void> {
  const cache = await caches.open(DICOM_CACHE);
  const done = `${sw.location.origin}${MARKERS_WRITTEN_PATH}`;
  if (await cache.match(done)) return;
  const series = seriesWithFrames((await cache.keys()).map((r) => r.url));
  await Promise.all(series.map((uid) => cache.put(keptMarkerUrl(sw.location.origin, uid), new Response(''))));
  await cache.put(done, new Response(''));
}

sw.addEventListener('activate', (e) => {
  e.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('ctaw-') && !KEEP.has(k)).map((k) => caches.delete(k))))
      .then(() => writeMissingMarkers().catch(() => undefined))
      .then(() => sw.clients.claim()),
  );
});

// The page lists what it loaded before this worker took control; those files are cached too.
sw.addEventListener('message', (e) => {
  // A page began keeping a series (its marker is written): its frames are answered here from now on.
  if (e.data?.kind === 'kept-series' && typeof e.data.seriesUid === 'string') return keptSeries.set(e.data.seriesUid, true);
  if (e.data?.kind !== 'cache-assets' || !e.data.urls) return;
  const urls = e.data.urls.filter((u) => cacheRule('GET', new URL(u), sw.location.origin) === 'asset');
  void caches.open(ASSET_CACHE).then((c) => Promise.all(urls.map((u) => c.match(u).then((hit) => (hit ? undefined : c.add(u).catch(() => undefined))))));
});

// A response goes to the page as it arrives; its copy is written to the cache beside it, the
// worker kept alive by waitUntil until the copy is stored. Awaiting the put first held every
// answer back until its whole body was in Cache Storage.
type Keep = (p: Promise<unknown>) => void;

async function cacheFirst(request: Request, cacheName: string, keep: Keep): Promise<Response> {
  const cache = await caches.open(cacheName);
  const hit = await cache.match(request, { ignoreVary: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) keep(cache.put(request, response.clone()).catch(() => undefined));
  return response;
}

// Frames are only read here, and only those of series kept offline (keptSeries.ts). Writing
// each one to Cache Storage as the series streamed made a 133-slice CT load in 8.6-12 s instead
// of 5.4-5.9 s on 2 cores (a pass-through: 5.7-6.3 s);
// the page keeps a series once it has loaded (src/offline/prefetchSeries.ts), one frame at a time.
async function keptOrNetwork(request: Request, cacheName: string): Promise<Response> {
  const hit = await (await caches.open(cacheName)).match(request, { ignoreVary: true });
  return hit ?? fetch(request);
}

/** A frame of a series not known yet: its marker says whether any of its frames can be kept. */
async function frameOfSeries(request: Request, seriesUid: string): Promise<Response> {
  const cache = await caches.open(DICOM_CACHE);
  const kept = Boolean(await cache.match(keptMarkerUrl(sw.location.origin, seriesUid)));
  keptSeries.set(seriesUid, kept);
  return kept ? keptOrNetwork(request, DICOM_CACHE) : fetch(request);
}

async function networkFirst(request: Request, cacheName: string, keep: Keep, fallbackUrl?: string): Promise<Response> {
  try {
    const response = await fetch(request);
    if (response.ok) {
      const copy = response.clone(); // now: the page may have read the body by the time the cache opens
      keep(caches.open(cacheName).then((cache) => cache.put(fallbackUrl ?? request, copy)).catch(() => undefined));
    }
    return response;
  } catch (err) {
    // Any of our caches: the install step put the shell's files in its own.
    const hit = (await caches.match(request, { ignoreVary: true })) ?? (fallbackUrl ? await caches.match(fallbackUrl) : undefined);
    if (hit) return hit;
    throw err;
  }
}

sw.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  const rule = cacheRule(e.request.method, url, sw.location.origin);
  if (rule === 'network') return;
  const keep: Keep = (p) => e.waitUntil(p);
  if (rule === 'asset') e.respondWith(cacheFirst(e.request, ASSET_CACHE, keep));
  else if (rule === 'frames') {
    const seriesUid = seriesOfFramePath(url.pathname);
    const kept = seriesUid === null ? true : keptSeries.lookup(seriesUid);
    if (kept === false) return; // none of its frames is kept: the browser fetches it itself
    e.respondWith(kept ? keptOrNetwork(e.request, DICOM_CACHE) : frameOfSeries(e.request, seriesUid!));
  }
  else if (rule === 'metadata') e.respondWith(networkFirst(e.request, DICOM_CACHE, keep));
  // Every page of the SPA is index.html: one cached copy serves them all offline.
  else e.respondWith(networkFirst(e.request, SHELL_CACHE, keep, '/'));
});
