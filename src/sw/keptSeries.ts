// Which series have frames kept offline, so that the service worker answers only those frames
// itself. Passing every frame of a series that is not kept through the worker (a Cache Storage
// lookup, then the body piped through the worker's thread) cost 5-9% of a series' load time
// on 2 cores (bench: 300-slice phantom 7.39 -> 6.72 s, COVID CT 4.34 -> 4.16 s, medians of 3-4
// interleaved runs); a frame the worker does not answer goes from the browser to the network.
//
// A series' marker in the DICOM cache says that frames of it may be kept: src/offline/prefetchSeries.ts
// writes it before its first frame, and nothing else writes frames there, so a series without
// a marker has no frame kept. The worker remembers the answer; "not kept" only for a while,
// as a series may be kept from another tab (whose page also tells the worker at once).

const MARKER_PATH = '/__ctaw/kept-series/';
/** Set once the markers of series kept before markers existed have been written. */
export const MARKERS_WRITTEN_PATH = '/__ctaw/kept-series-markers-v1';

export function keptMarkerUrl(origin: string, seriesUid: string): string {
  return `${origin}${MARKER_PATH}${encodeURIComponent(seriesUid)}`;
}

/** The series of a WADO-RS frame URL's path, or null for any other path. */
export function seriesOfFramePath(path: string): string | null {
  const m = /\/series\/([^/]+)\/instances\/[^/]+\/frames\/[\d,]+$/.exec(path);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return null;
  }
}

/** The series that the cache's keys hold frames of: those kept before markers existed. */
export function seriesWithFrames(urls: Iterable<string>): string[] {
  const series = new Set<string>();
  for (const url of urls) {
    const uid = seriesOfFramePath(new URL(url).pathname);
    if (uid) series.add(uid);
  }
  return [...series];
}

/** "not kept" answers are asked again after this long */
export const NOT_KEPT_TTL_MS = 30_000;

export class KeptSeries {
  private readonly known = new Map<string, { kept: boolean; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** true: frames may be in the cache; false: none are; undefined: look for the marker. */
  lookup(seriesUid: string): boolean | undefined {
    const entry = this.known.get(seriesUid);
    if (!entry) return undefined;
    if (!entry.kept && this.now() - entry.at > NOT_KEPT_TTL_MS) {
      this.known.delete(seriesUid);
      return undefined;
    }
    return entry.kept;
  }

  set(seriesUid: string, kept: boolean): void {
    // A "kept" answer is never overturned by a late "not kept" one of a lookup begun before.
    if (!kept && this.known.get(seriesUid)?.kept) return;
    this.known.set(seriesUid, { kept, at: this.now() });
  }
}
