// Streams the frames of a series into the volume's Int16 voxels. The fetching and the conversion
// to HU run in a worker (workers/frameStream.worker.ts), middle slice first; here each slice is
// copied into the volume and the texture told which slice changed. This replaces Cornerstone's
// per-image load/decode/cache path, which moved uncompressed frames at ~20 MB/s here (see
// bench/viewer.ts).
import { frameUrl } from '../dicomweb/frameUrl.ts';
import { centerOutOrder } from './loadOrder.ts';
import type { FromFrameWorker, ToFrameWorker } from './frameStreamProtocol.ts';
import type { PixelFormat } from './storedToHu.ts';
import type { VolumeGrid } from './volumeGrid.ts';

export interface StreamCallbacks {
  onFrame: (gridIndex: number, loaded: number, receivedBytes: number) => void;
  onDone: (failed: number, lastError: string) => void;
}

const IN_FLIGHT = 6; // HTTP/1.1: the browser opens six connections per origin
/** tries again of a frame whose body was cut or that got a server error (failovers: retryGet.ts) */
export const FRAME_RETRIES = 2;

declare global {
  interface Window {
    /** started by index.html on a deep link to a series, before the app's bundle loaded */
    __ctawFrameWorker?: Worker;
  }
}

/** Started as early as possible (before the series metadata is in): the worker takes a moment to load. */
export function startFrameWorker(): Worker {
  const early = window.__ctawFrameWorker;
  if (early) {
    delete window.__ctawFrameWorker;
    return early;
  }
  return new Worker(new URL('../../workers/frameStream.worker.ts', import.meta.url), { type: 'module' });
}

export class FrameStreamer {
  readonly loaded: Uint8Array;
  /** the slice fetched first: the middle one, which the axial view opens on */
  readonly firstSlice: number;
  private readonly order: number[];
  private readonly decodes = new Set<Promise<void>>();
  private cancelled = false;
  private loadedCount = 0;
  private receivedBytes = 0;
  private failed = 0;
  private lastError = '';

  constructor(
    private readonly studyUid: string,
    private readonly seriesUid: string,
    private readonly grid: VolumeGrid,
    private readonly voxels: Int16Array,
    private readonly format: PixelFormat,
    /** decodes a frame the archive sent compressed into the slice (codecs load on demand) */
    private readonly decodeCompressed: (gridIndex: number, bytes: Uint8Array, transferSyntaxUid: string, target: Int16Array) => Promise<void>,
    private readonly callbacks: StreamCallbacks,
    private readonly worker: Worker = startFrameWorker(),
  ) {
    this.loaded = new Uint8Array(grid.dimensions[2]);
    this.order = centerOutOrder(grid.sliceAt.map((s, k) => (s ? k : -1)).filter((k) => k >= 0));
    this.firstSlice = this.order[0] ?? -1;
  }

  private get sliceLength(): number {
    return this.grid.dimensions[0] * this.grid.dimensions[1];
  }

  /**
   * Starts streaming. With holdAfterFirst the rest of the frames wait for resume() after the
   * first: on two cores, six more transcodes and conversions held the first slice's paint back
   * by up to a second.
   */
  start(holdAfterFirst = false): void {
    this.worker.addEventListener('message', (e: MessageEvent<FromFrameWorker>) => this.onMessage(e.data));
    // A worker that cannot load (its file gone from the server and from the offline cache)
    // fails every frame, with a reason, so the viewer offers a retry.
    this.worker.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      if (this.cancelled) return;
      this.cancelled = true;
      this.worker.terminate();
      this.callbacks.onDone(this.order.length - this.loadedCount, 'the image loader could not be started');
    });
    const jobs = this.order.map((k) => ({ k, url: frameUrl(this.studyUid, this.seriesUid, this.grid.sliceAt[k]!.sopInstanceUid) }));
    this.post({ type: 'start', jobs, format: this.format, sliceLength: this.sliceLength, inFlight: IN_FLIGHT, retries: FRAME_RETRIES, holdAfterFirst });
  }

  /** Lets the frames after the first follow (see start). */
  resume(): void {
    if (!this.cancelled) this.post({ type: 'resume' });
  }

  private post(msg: ToFrameWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(msg, transfer);
  }

  private onMessage(msg: FromFrameWorker): void {
    if (this.cancelled) return;
    if (msg.type === 'slice') {
      this.voxels.set(new Int16Array(msg.hu), msg.k * this.sliceLength);
      this.post({ type: 'recycle', buffer: msg.hu }, [msg.hu]);
      this.arrived(msg.k, msg.receivedBytes);
    } else if (msg.type === 'compressed') {
      const target = this.voxels.subarray(msg.k * this.sliceLength, (msg.k + 1) * this.sliceLength);
      const decode = this.decodeCompressed(msg.k, new Uint8Array(msg.bytes), msg.transferSyntaxUid, target).then(
        () => {
          if (!this.cancelled) this.arrived(msg.k, msg.receivedBytes);
        },
        (err: unknown) => this.fail(err instanceof Error ? err.message : String(err)),
      );
      this.decodes.add(decode);
      void decode.finally(() => this.decodes.delete(decode));
    } else if (msg.type === 'failed') {
      this.fail(msg.error);
      this.resume(); // the first frame failed: nothing to paint, go on with the rest
    } else {
      // Frames sent compressed may still be decoding.
      void Promise.all(this.decodes).then(() => {
        if (this.cancelled) return;
        this.worker.terminate();
        this.callbacks.onDone(this.failed, this.lastError);
      });
    }
  }

  private arrived(k: number, receivedBytes: number): void {
    this.receivedBytes += receivedBytes;
    this.loaded[k] = 1;
    this.loadedCount++;
    this.callbacks.onFrame(k, this.loadedCount, this.receivedBytes);
  }

  private fail(error: string): void {
    this.failed++;
    this.lastError = error;
  }

  cancel(): void {
    this.cancelled = true;
    this.worker.terminate();
  }
}
