// Fetches a series' frames and turns them into HU slices off the main thread. On the main thread
// the responses waited behind every software-WebGL render (tens of ms each), so the six
// connections sat idle between frames; here they are refilled as soon as a body is in.
import { fetchFrame, EXPLICIT_LITTLE, IMPLICIT_LITTLE } from '../src/dicomweb/frameFetch.ts';
import { ReusableBodyReader } from '../src/dicomweb/bodyReader.ts';
import { DicomwebError } from '../src/dicomweb/httpClient.ts';
import { RETRY_STATUSES } from '../src/dicomweb/retryGet.ts';
import { storedToHu, type PixelFormat } from '../src/viewer/storedToHu.ts';
import type { FrameJob, FromFrameWorker, ToFrameWorker } from '../src/viewer/frameStreamProtocol.ts';

export interface FrameSink {
  slice(k: number, hu: Int16Array, receivedBytes: number): void;
  compressed(k: number, bytes: Uint8Array, transferSyntaxUid: string, receivedBytes: number): void;
  failed(k: number, error: string): void;
}

// A body cut mid-frame, or a server error: tried again. No connection and 502/503/504 were tried
// again for seconds already (fetchFrame, src/dicomweb/retryGet.ts): more would only delay the message.
export function frameRetryable(err: unknown): boolean {
  if (!(err instanceof DicomwebError)) return true;
  return err.kind === 'server' && !RETRY_STATUSES.has(err.status ?? 0);
}

export function frameRetryPauseMs(attempt: number): number {
  return 300 * 2 ** attempt * (0.5 + Math.random());
}

function describe(err: unknown): string {
  if (err instanceof DicomwebError && err.status) return `HTTP ${err.status}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Fetches every job, the first alone (six requests at once share the archive's cores, which
 * transcode each frame, and the first slice would come with the other five), then, once
 * `afterFirst` resolves, `inFlight` at a time. `takeBuffer` gives a slice buffer of sliceLength
 * Int16 values.
 */
export async function streamFrames(
  jobs: FrameJob[],
  opts: {
    format: PixelFormat;
    inFlight: number;
    retries: number;
    takeBuffer: () => Int16Array;
    signal: AbortSignal;
    /** resolves when the rest may follow the first frame */
    afterFirst?: Promise<void>;
  },
  sink: FrameSink,
): Promise<void> {
  const queue = [...jobs];
  const load = async (job: FrameJob, reader: ReusableBodyReader) => {
    for (let attempt = 0; ; attempt++) {
      try {
        const frame = await fetchFrame(job.url, opts.signal, reader);
        if (frame.transferSyntaxUid === EXPLICIT_LITTLE || frame.transferSyntaxUid === IMPLICIT_LITTLE) {
          const hu = opts.takeBuffer();
          storedToHu(frame.bytes, hu, opts.format);
          sink.slice(job.k, hu, frame.receivedBytes);
        } else {
          // A copy: the bytes are the reader's buffer, which the next frame reuses.
          sink.compressed(job.k, frame.bytes.slice(), frame.transferSyntaxUid, frame.receivedBytes);
        }
        return;
      } catch (err) {
        if (opts.signal.aborted) return;
        if (frameRetryable(err) && attempt < opts.retries) {
          await new Promise((r) => setTimeout(r, frameRetryPauseMs(attempt)));
          continue;
        }
        sink.failed(job.k, describe(err));
        return;
      }
    }
  };
  const drain = async (reader: ReusableBodyReader) => {
    for (let job = queue.shift(); job && !opts.signal.aborted; job = queue.shift()) await load(job, reader);
  };
  const reader = new ReusableBodyReader();
  const first = queue.shift();
  if (first) await load(first, reader);
  await opts.afterFirst;
  await Promise.all([drain(reader), ...Array.from({ length: opts.inFlight - 1 }, () => drain(new ReusableBodyReader()))]);
}

// Only inside a worker: Node tests import the module for streamFrames and have no worker scope.
if ('WorkerGlobalScope' in globalThis) {
  const post = (message: FromFrameWorker, transfer: ArrayBuffer[] = []) => self.postMessage(message, { transfer });
  const spare: ArrayBuffer[] = [];
  let sliceLength = 0;
  let resume: () => void = () => undefined;
  const resumed = new Promise<void>((r) => (resume = r));
  self.addEventListener('message', (event: MessageEvent<ToFrameWorker>) => {
    const msg = event.data;
    if (msg.type === 'recycle') {
      if (msg.buffer.byteLength === sliceLength * 2) spare.push(msg.buffer);
      return;
    }
    if (msg.type === 'resume') return resume();
    sliceLength = msg.sliceLength;
    const takeBuffer = () => new Int16Array(spare.pop() ?? new ArrayBuffer(sliceLength * 2));
    const afterFirst = msg.holdAfterFirst ? resumed : undefined;
    void streamFrames(msg.jobs, { format: msg.format, inFlight: msg.inFlight, retries: msg.retries, takeBuffer, signal: new AbortController().signal, afterFirst }, {
      slice: (k, hu, receivedBytes) => post({ type: 'slice', k, hu: hu.buffer as ArrayBuffer, receivedBytes }, [hu.buffer as ArrayBuffer]),
      compressed: (k, bytes, transferSyntaxUid, receivedBytes) =>
        post({ type: 'compressed', k, bytes: bytes.buffer as ArrayBuffer, transferSyntaxUid, receivedBytes }, [bytes.buffer as ArrayBuffer]),
      failed: (k, error) => post({ type: 'failed', k, error }),
    }).then(() => post({ type: 'done' }));
  });
}
