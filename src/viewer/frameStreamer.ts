// Streams the frames of a series into the volume's Int16 voxels: several requests in flight,
// middle slice first, each frame written straight into its slice and the texture told which
// slice changed. This replaces Cornerstone's per-image load/decode/cache path, which moved
// uncompressed frames at ~20 MB/s here (see bench/viewer.ts).
import { fetchFrame, EXPLICIT_LITTLE, IMPLICIT_LITTLE } from '../dicomweb/frameFetch.ts';
import { frameUrl } from '../dicomweb/frameUrl.ts';
import { ReusableBodyReader } from '../dicomweb/bodyReader.ts';
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
  /** the slice fetched first: the middle one, which the axial view opens on */
  readonly firstSlice: number;
  private readonly queue: number[];
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
  ) {
    this.loaded = new Uint8Array(grid.dimensions[2]);
    this.queue = centerOutOrder(grid.sliceAt.map((s, k) => (s ? k : -1)).filter((k) => k >= 0));
    this.firstSlice = this.queue[0] ?? -1;
  }

  start(): void {
    const queue = this.queue;
    const drain = async (reader: ReusableBodyReader) => {
      for (let k = queue.shift(); k !== undefined; k = queue.shift()) {
        if (this.abort.signal.aborted) return;
        await this.loadSlice(k, reader);
      }
    };
    const run = async () => {
      // The first slice alone: six requests at once share the archive's cores (it transcodes
      // each frame) and the first would arrive with the other five, ~3x later on two cores.
      const reader = new ReusableBodyReader();
      const first = queue.shift();
      if (first !== undefined) await this.loadSlice(first, reader);
      await Promise.all([drain(reader), ...Array.from({ length: IN_FLIGHT - 1 }, () => drain(new ReusableBodyReader()))]);
    };
    void run().then(() => {
      if (!this.abort.signal.aborted) this.callbacks.onDone(this.failed, this.lastError);
    });
  }

  private async loadSlice(k: number, reader: ReusableBodyReader): Promise<void> {
    const slice = this.grid.sliceAt[k]!;
    const url = frameUrl(this.studyUid, this.seriesUid, slice.sopInstanceUid);
    for (let attempt = 0; ; attempt++) {
      try {
        const frame = await fetchFrame(url, this.abort.signal, reader);
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
    // Stored compressed and not transcoded by the archive: decode in the codec workers (a copy:
    // the bytes are the reader's buffer, which the next frame reuses).
    await this.decodeCompressed(k, bytes.slice(), transferSyntaxUid, target);
  }

  cancel(): void {
    this.abort.abort();
  }
}
