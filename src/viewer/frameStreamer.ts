// Streams the frames of a series into the volume's Int16 voxels: several requests in flight,
// middle slice first, each frame written straight into its slice and the texture told which
// slice changed. This replaces Cornerstone's per-image load/decode/cache path, which moved
// uncompressed frames at ~20 MB/s here (see bench/viewer.ts).
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import { fetchFrame, EXPLICIT_LITTLE, IMPLICIT_LITTLE } from '../dicomweb/frameFetch.ts';
import { frameUrl } from '../dicomweb/imageIds.ts';
import { DicomwebError } from '../dicomweb/httpClient.ts';
import { storedToHu, type PixelFormat } from './storedToHu.ts';
import { centerOutOrder } from './loadOrder.ts';
import type { VolumeGrid } from './volumeGrid.ts';

export interface StreamCallbacks {
  onFrame: (gridIndex: number, loaded: number, receivedBytes: number) => void;
  onDone: (failed: number, lastError: string) => void;
}

const IN_FLIGHT = 6; // HTTP/1.1: the browser opens six connections per origin
const RETRIES = 2;

export class FrameStreamer {
  private readonly abort = new AbortController();
  readonly loaded: Uint8Array;
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
    private readonly imageIdOf: (gridIndex: number) => string,
    private readonly callbacks: StreamCallbacks,
  ) {
    this.loaded = new Uint8Array(grid.dimensions[2]);
  }

  start(): void {
    const present = this.grid.sliceAt.map((s, k) => (s ? k : -1)).filter((k) => k >= 0);
    const queue = centerOutOrder(present);
    const worker = async () => {
      for (let k = queue.shift(); k !== undefined; k = queue.shift()) {
        if (this.abort.signal.aborted) return;
        await this.loadSlice(k);
      }
    };
    void Promise.all(Array.from({ length: IN_FLIGHT }, worker)).then(() => {
      if (!this.abort.signal.aborted) this.callbacks.onDone(this.failed, this.lastError);
    });
  }

  private async loadSlice(k: number): Promise<void> {
    const slice = this.grid.sliceAt[k]!;
    const url = frameUrl(this.studyUid, this.seriesUid, slice.sopInstanceUid);
    for (let attempt = 0; ; attempt++) {
      try {
        const frame = await fetchFrame(url, this.abort.signal);
        await this.writeSlice(k, frame.bytes, frame.transferSyntaxUid);
        this.receivedBytes += frame.receivedBytes;
        this.loaded[k] = 1;
        this.loadedCount++;
        this.callbacks.onFrame(k, this.loadedCount, this.receivedBytes);
        return;
      } catch (err) {
        if (this.abort.signal.aborted) return;
        const retryable = !(err instanceof DicomwebError) || err.kind === 'offline' || err.kind === 'timeout' || err.kind === 'server';
        if (retryable && attempt < RETRIES) {
          await new Promise((r) => setTimeout(r, 300 * 2 ** attempt * (0.5 + Math.random())));
          continue;
        }
        this.failed++;
        this.lastError = err instanceof DicomwebError && err.status ? `HTTP ${err.status}` : err instanceof Error ? err.message : String(err);
        return;
      }
    }
  }

  private async writeSlice(k: number, bytes: Uint8Array, transferSyntaxUid: string): Promise<void> {
    const sliceLength = this.grid.dimensions[0] * this.grid.dimensions[1];
    const target = this.voxels.subarray(k * sliceLength, (k + 1) * sliceLength);
    if (transferSyntaxUid === EXPLICIT_LITTLE || transferSyntaxUid === IMPLICIT_LITTLE) {
      storedToHu(bytes, target, this.format);
      return;
    }
    // Stored compressed and not transcoded by the archive: decode in the codec workers.
    const image = (await dicomImageLoader.createImage(this.imageIdOf(k), bytes, transferSyntaxUid, {
      targetBuffer: { type: 'Int16Array' },
      preScale: { enabled: true },
    } as never)) as unknown as { getPixelData: () => ArrayLike<number>; preScale?: { scaled?: boolean } };
    const pixels = image.getPixelData();
    if (image.preScale?.scaled) {
      target.set(pixels);
    } else {
      const { rescaleSlope: m, rescaleIntercept: b } = this.format;
      for (let i = 0; i < target.length; i++) target[i] = Math.round(pixels[i] * m + b);
    }
  }

  cancel(): void {
    this.abort.abort();
  }
}
