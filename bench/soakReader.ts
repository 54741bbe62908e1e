// One simulated reader of the soak (bench/scaleSoak.ts), doing what the browser does with the
// browser's own request code: the worklist (a GET tried again through a failover, as
// studyApi.api does: src/dicomweb/retryGet.ts), "case opened" (a POST whose failure the app ignores),
// the series metadata (retryGet), every frame six at a time through fetchFrame with the frame
// worker's retries of a cut body (workers/frameStream.worker.ts), then a SEG and an SR sent as the
// outbox sends them (stowInstance, retried with its back-off until stored: src/sync/syncEngine.ts).
// Counts what a reader would see: requests, and the errors left after those retries.
import { randomUUID } from 'node:crypto';
import { fetchFrame } from '../src/dicomweb/frameFetch.ts';
import { DEFAULT_BACKOFF, retryDelayMs } from '../src/sync/backoff.ts';
import { retryGet } from '../src/dicomweb/retryGet.ts';
import { stowInstance } from '../src/sync/stowClient.ts';
import { FRAME_RETRIES } from '../src/viewer/frameStreamer.ts';
import type { WorklistPage } from '../src/model/api.ts';
import { frameRetryable, frameRetryPauseMs } from '../workers/frameStream.worker.ts';
import { type ReadSeries, type SoakCt, segOf, srOf } from './soakData.ts';

// The browser's six connections per origin; the frame streamer keeps them full.
const IN_FLIGHT = 6;
// The outbox retries without end; a result not stored after this long counts as an error here.
const STOW_GIVE_UP_MS = 120_000;
const STOW_TIMEOUT_MS = 30_000;

export interface SoakCounts {
  requests: number;
  /** errors a reader would see, by request kind */
  errors: Record<'worklist' | 'metadata' | 'frame' | 'stow', number>;
  /** "case opened" POSTs that failed (the app ignores them) */
  openedFailed: number;
  frameMs: number[];
  /** when each of frameMs ended (epoch ms) */
  frameAt: number[];
  /** SOP Instance UIDs of every SEG and SR the server answered 200 for */
  stored: string[];
  /** STOWs sent more than once */
  stowRetried: number;
  lastError: string;
}

export function emptyCounts(): SoakCounts {
  return { requests: 0, errors: { worklist: 0, metadata: 0, frame: 0, stow: 0 }, openedFailed: 0, frameMs: [], frameAt: [], stored: [], stowRetried: 0, lastError: '' };
}

export interface ReaderSession {
  name: string;
  cookie: string;
  csrf: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const uid = () => `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString()}`;

export class SoakReader {
  private readonly series = new Map<string, ReadSeries>();
  private version = 0;

  constructor(
    private readonly base: string,
    private readonly session: ReaderSession,
    private readonly cts: Map<string, SoakCt>,
    private readonly counts: SoakCounts,
    private readonly index: number,
  ) {}

  private fail(kind: keyof SoakCounts['errors'], why: string): null {
    this.counts.errors[kind]++;
    this.counts.lastError = `${this.session.name} ${kind}: ${why}`;
    return null;
  }

  private async getJson<T>(kind: 'worklist' | 'metadata', path: string, accept = 'application/json'): Promise<T | null> {
    this.counts.requests++;
    try {
      const res = await retryGet(`${this.base}${path}`, { headers: { cookie: this.session.cookie, accept }, signal: AbortSignal.timeout(60_000) });
      if (!res.ok) return this.fail(kind, `HTTP ${res.status}`);
      return (await res.json()) as T;
    } catch (err) {
      return this.fail(kind, (err as Error).message);
    }
  }

  private async opened(caseId: number): Promise<void> {
    this.counts.requests++;
    try {
      const res = await fetch(`${this.base}/api/cases/${caseId}/opened`, { method: 'POST', headers: { cookie: this.session.cookie, 'x-csrf-token': this.session.csrf }, signal: AbortSignal.timeout(20_000) });
      if (!res.ok) this.counts.openedFailed++;
      await res.arrayBuffer();
    } catch {
      this.counts.openedFailed++;
    }
  }

  /** One frame as the frame worker loads it: fetchFrame, and a cut body or server error tried again. */
  private async frame(url: string): Promise<void> {
    this.counts.requests++;
    const t0 = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await fetchFrame(url, new AbortController().signal, undefined, { cookie: this.session.cookie });
        this.counts.frameMs.push(performance.now() - t0);
        this.counts.frameAt.push(Date.now());
        return;
      } catch (err) {
        if (frameRetryable(err) && attempt < FRAME_RETRIES) {
          await sleep(frameRetryPauseMs(attempt));
          continue;
        }
        this.fail('frame', (err as Error).message);
        return;
      }
    }
  }

  private async frames(ct: SoakCt, sops: string[], until: number): Promise<boolean> {
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < sops.length && Date.now() < until) await this.frame(`${this.base}/dicom-web/studies/${ct.studyUid}/series/${ct.seriesUid}/instances/${sops[next++]}/frames/1`);
      }),
    );
    return next >= sops.length;
  }

  /** One result through the outbox's policy: sent until stored, with its back-off. */
  private async store(bytes: Uint8Array, sopInstanceUid: string): Promise<void> {
    this.counts.requests++;
    const t0 = Date.now();
    for (let attempt = 1; ; attempt++) {
      const outcome = await stowInstance(`${this.base}/dicom-web`, bytes, STOW_TIMEOUT_MS, fetch, { cookie: this.session.cookie, 'x-csrf-token': this.session.csrf });
      if (outcome.ok) {
        this.counts.stored.push(sopInstanceUid);
        if (attempt > 1) this.counts.stowRetried++;
        return;
      }
      if (!outcome.retry || outcome.loginNeeded || Date.now() - t0 > STOW_GIVE_UP_MS) {
        this.fail('stow', outcome.reason);
        return;
      }
      await sleep(retryDelayMs(attempt, DEFAULT_BACKOFF));
    }
  }

  /** Reads cases until `until`: worklist, open, metadata, frames, SEG and SR; again. */
  async run(until: number): Promise<void> {
    for (let turn = this.index; Date.now() < until; turn++) {
      const list = await this.getJson<WorklistPage>('worklist', '/api/worklist?sort=state%2Clabel&limit=1000');
      if (!list || list.items.length === 0) {
        await sleep(1000); // the reader looks at the message, then tries again
        continue;
      }
      const item = list.items[turn % list.items.length];
      const ct = this.cts.get(item.seriesInstanceUid);
      if (!ct) throw new Error(`the worklist names a series the soak did not make: ${item.seriesInstanceUid}`);
      await this.opened(item.caseId);
      const metadata = await this.getJson<Array<Record<string, { Value?: string[] }>>>('metadata', `/dicom-web/studies/${ct.studyUid}/series/${ct.seriesUid}/metadata`, 'application/dicom+json');
      if (!metadata) continue;
      const sops = metadata.map((ds) => ds['00080018']?.Value?.[0] ?? '').filter(Boolean);
      if (!(await this.frames(ct, sops, until))) break;
      const series = this.series.get(ct.seriesUid) ?? { seg: uid(), sr: uid() };
      this.series.set(ct.seriesUid, series);
      this.version++;
      const seg = { sopInstanceUid: uid() };
      await this.store(segOf(ct, this.session.name, series, this.version, seg.sopInstanceUid), seg.sopInstanceUid);
      const sr = uid();
      await this.store(srOf(ct, this.session.name, series, this.version, sr, seg), sr);
    }
  }
}
