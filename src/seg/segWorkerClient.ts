// Promise face of workers/seg.worker.ts. One worker, started on first use and kept: SEG saves and
// loads come a few per session, and a warm worker skips reloading the module each time.
import { SegDecodeError } from './segDecoder.ts';
import type { DecodedSeg, SegDecodeTarget, SegEncodeInput, SegEncodeResult, SegWorkerRequest, SegWorkerResponse } from './segModel.ts';
import { WorkerRpc, replyError } from '../workers/workerRpc.ts';

/** A buffer holding exactly the view's bytes, so transferring it moves nothing else. */
function ownBuffer(view: Uint8Array, copy: boolean): ArrayBuffer {
  if (!copy && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer) return view.buffer;
  return view.slice().buffer as ArrayBuffer;
}

export class SegWorkerClient {
  private readonly rpc = new WorkerRpc<SegWorkerRequest, SegWorkerResponse, SegEncodeResult | DecodedSeg>({
    name: 'the segmentation worker',
    start: () => new Worker(new URL('../../workers/seg.worker.ts', import.meta.url), { type: 'module' }),
    settle: (response) => (response.ok ? { result: response.result } : { error: replyError(response.error, 'SegDecodeError', SegDecodeError) }),
  });

  /**
   * Encodes in the worker. The labelmap is copied (the live one stays usable) unless
   * transferLabels is set, which hands its buffer to the worker and detaches it here; use that
   * for a snapshot copy nobody else needs.
   */
  async encode(input: SegEncodeInput, options: { transferLabels?: boolean } = {}): Promise<SegEncodeResult> {
    const labels = new Uint8Array(ownBuffer(input.labels, !options.transferLabels));
    return this.rpc.call<SegEncodeResult>((id, transfer) => {
      transfer.push(labels.buffer);
      return { id, op: 'encode', input: { ...input, labels } };
    });
  }

  /**
   * Decodes in the worker; rejects with SegDecodeError (message for the user) when the file does
   * not fit the target. The file's buffer is moved to the worker (detached here) unless
   * copy is set.
   */
  async decode(bytes: ArrayBuffer | Uint8Array, target: SegDecodeTarget, options: { copy?: boolean } = {}): Promise<DecodedSeg> {
    const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const buffer = ownBuffer(view, options.copy ?? false);
    return this.rpc.call<DecodedSeg>((id, transfer) => {
      transfer.push(buffer);
      return { id, op: 'decode', bytes: buffer, target };
    });
  }

  /**
   * Starts the worker now, while the network is there: a submit made offline must not depend on
   * fetching the worker's script then.
   */
  warm(): void {
    this.rpc.warm();
  }

  /** Stops the worker; requests still waiting are rejected. */
  terminate(): void {
    this.rpc.terminate();
  }
}

let shared: SegWorkerClient | null = null;

/** The app's one SEG worker client. */
export function segWorker(): SegWorkerClient {
  shared ??= new SegWorkerClient();
  return shared;
}
