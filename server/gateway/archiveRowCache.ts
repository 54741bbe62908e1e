// Orthanc's QIDO rows kept for a study-level search asked again (studySearch.ts). Orthanc 1.10's
// DICOMweb plugin costs ~3 ms a study row and as much for its series rows (a reader's 100 studies
// in a 10,000-study archive: 330 ms and 280 ms, measured on the cluster's PostgreSQL index), so a
// reader's worklist search cost what Orthanc costs, every time. Orthanc numbers every change to
// its archive (new instance, series, study, deletion: GET /changes?last, one indexed query, shared
// by every Orthanc on one index): rows are reused only while that number has not moved since they
// were fetched, so a row is never served stale, whoever changed the archive and through whichever
// replica or around the gateways. An archive without that call (not Orthanc) gets no cache.
//
// Only rows are kept, never a verdict: what the caller may see is judged on them at each search,
// with the tables as they are then. The cache is used only for searches whose UIDs come from the
// tables (the caller's visible studies, their known series), never for one naming UIDs itself: a
// hidden UID is asked under a fresh decoy each time, so a cached answer for a UID that does not
// exist would be faster than the one for a hidden UID, and tell them apart.
import type { DicomJson } from './blinding.ts';
import type { Upstream } from './upstream.ts';

const MAX_ENTRIES = 256;

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
      this.entries.clear();
      this.version = last;
    }
    return last;
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
