// Orthanc's QIDO rows kept for a study-level search asked again (studySearch.ts). Orthanc 1.10's
// DICOMweb plugin costs ~3 ms a study row and as much for its series rows (a reader's 100 studies
// in a 10,000-study archive: 330 ms and 280 ms, measured on the cluster's PostgreSQL index), so a
// reader's worklist search cost what Orthanc costs, every time. Orthanc numbers every change to
// its archive (new instance, series, study, deletion: GET /changes?last, one indexed query, shared
// by every Orthanc on one index): rows are reused only while that number has not moved since they
// were fetched, so a row is never served stale, whoever changed the archive and through whichever
// replica or around the gateways. An archive without that call (not Orthanc) gets no cache.
// Orthanc also numbers its Stable* events (a patient, study or series that took no new instance
// for StableAge seconds): they change no tag and no count, and an archive loaded minutes ago logs
// them for minutes, which would empty the cache at every search. When the number moved only by
// such events (GET /changes?since=, read a page at a time, at most MAX_NEUTRAL_RUN of them), the
// rows are kept.
//
// The cache is emptied by any other change anywhere in the archive, never per study: if a reader's
// own study dropped out of the cache when another reader stored into it, the time of the next
// search would tell that a hidden result now exists.
//
// Only rows are kept, never a verdict: what the caller may see is judged on them at each search,
// with the tables as they are then. The cache is used only for searches whose UIDs come from the
// tables (the caller's visible studies, their known series), never for one naming UIDs itself: a
// hidden UID is asked under a fresh decoy each time, so a cached answer for a UID that does not
// exist would be faster than the one for a hidden UID, and tell them apart.
import type { DicomJson } from './blinding.ts';
import type { Upstream } from './upstream.ts';

const MAX_ENTRIES = 256;
// Orthanc's /changes pages are at most 100 long; a run longer than MAX_NEUTRAL_RUN empties the
// cache (reading it would cost more than asking again). 10,000 studies stored in 90 s log ~300
// Stable* events a second for a while, so a search that missed lets ~100 pile up behind it.
const CHANGES_PAGE = 100;
const MAX_NEUTRAL_RUN = 1000;
const CONTENT_NEUTRAL = new Set(['StablePatient', 'StableStudy', 'StableSeries']);

export class ArchiveRowCache {
  // Map order is use order: the least recently used entry goes first when over MAX_ENTRIES.
  private readonly entries = new Map<string, DicomJson[]>();
  private version: number | null = null;
  private supported = true;

  constructor(
    private readonly upstream: Upstream,
    private readonly maxEntries = MAX_ENTRIES,
  ) {}

  /** The archive's change number now, every entry of an older one dropped; null: nothing may be reused. */
  async current(): Promise<number | null> {
    if (!this.supported) return null;
    let last: number | null = null;
    try {
      const res = await this.upstream.buffered('GET', '/changes?last', { accept: 'application/json' });
      if (res.status === 404) this.supported = false;
      if (res.status === 200) last = Number((JSON.parse(res.body.toString('utf8')) as { Last?: unknown }).Last);
    } catch {
      last = null;
    }
    if (last === null || !Number.isSafeInteger(last) || last <= 0) {
      this.clear();
      return null;
    }
    if (last !== this.version) {
      if (this.version === null || !(await this.onlyNeutralSince(this.version, last))) this.entries.clear();
      this.version = last;
    }
    return last;
  }

  /** Whether every change after `since` up to `last` is a Stable* event (false when unsure). */
  private async onlyNeutralSince(since: number, last: number): Promise<boolean> {
    if (last < since || last - since > MAX_NEUTRAL_RUN || this.entries.size === 0) return false;
    try {
      for (let from = since; from < last; ) {
        const res = await this.upstream.buffered('GET', `/changes?since=${from}&limit=${CHANGES_PAGE}`, { accept: 'application/json' });
        if (res.status !== 200) return false;
        const page = JSON.parse(res.body.toString('utf8')) as { Changes?: unknown; Last?: unknown };
        const next = Number(page.Last);
        if (!Array.isArray(page.Changes) || !Number.isSafeInteger(next) || next <= from) return false;
        const neutral = page.Changes.every((c: { ChangeType?: unknown; Seq?: unknown }) =>
          Number(c.Seq) > last || (typeof c.ChangeType === 'string' && CONTENT_NEUTRAL.has(c.ChangeType)));
        if (!neutral) return false;
        from = next;
      }
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The rows kept for `key` at `version`, or those `fetch` gives (kept when it gives rows). Rows
   * fetched after `version` was read may hold a later change; kept under `version`, they are
   * dropped by the next current(), which sees the number moved.
   */
  async through<F>(key: string, version: number | null, fetch: () => Promise<DicomJson[] | F>): Promise<DicomJson[] | F> {
    if (version === null || version !== this.version) return fetch();
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const rows = await fetch();
    if (Array.isArray(rows) && version === this.version) {
      this.entries.set(key, rows);
      if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    }
    return rows;
  }

  clear(): void {
    this.entries.clear();
    this.version = null;
  }
}
