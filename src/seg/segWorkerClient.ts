// Promise face of workers/seg.worker.ts. One worker, started on first use and kept: SEG saves and
// loads come a few per session, and a warm worker skips reloading the module each time.
import { SegDecodeError } from './segDecoder.ts';
import type { DecodedSeg, SegDecodeTarget, SegEncodeInput, SegEncodeResult, SegWorkerRequest, SegWorkerResponse } from './segModel.ts';

interface Pending {
  resolve: (value: SegEncodeResult | DecodedSeg) => void;
  reject: (error: Error) => void;
}

/** A buffer holding exactly the view's bytes, so transferring it moves nothing else. */
function ownBuffer(view: Uint8Array, copy: boolean): ArrayBuffer {
  if (!copy && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer) return view.buffer;
  return view.slice().buffer as ArrayBuffer;
}

export class SegWorkerClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('../../workers/seg.worker.ts', import.meta.url), { type: 'module' });
    worker.addEventListener('message', (event: MessageEvent<SegWorkerResponse>) => {
      const response = event.data;
      const waiting = this.pending.get(response.id);
      if (!waiting) return;
      this.pending.delete(response.id);
      if (response.ok) waiting.resolve(response.result);
      else if (response.error.name === 'SegDecodeError') waiting.reject(new SegDecodeError(response.error.message));
      else waiting.reject(new Error(response.error.message));
    });
    // A worker that fails to load or crashes answers nothing: fail what waits, start afresh next time.
    worker.addEventListener('error', (event: ErrorEvent) => {
      event.preventDefault();
      this.fail(new Error(`the segmentation worker failed: ${event.message || 'it could not be started'}`));
    });
    this.worker = worker;
    return worker;
  }

  private fail(error: Error): void {
    this.worker?.terminate();
    this.worker = null;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  private send(request: SegWorkerRequest, transfer: ArrayBuffer[]): Promise<SegEncodeResult | DecodedSeg> {
    const worker = this.start();
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { resolve, reject });
      worker.postMessage(request, transfer);
    });
  }

  /**
   * Encodes in the worker. The labelmap is copied (the live one stays usable) unless
   * transferLabels is set, which hands its buffer to the worker and detaches it here; use that
   * for a snapshot copy nobody else needs.
   */
  async encode(input: SegEncodeInput, options: { transferLabels?: boolean } = {}): Promise<SegEncodeResult> {
    const labels = new Uint8Array(ownBuffer(input.labels, !options.transferLabels));
    const id = this.nextId++;
    return (await this.send({ id, op: 'encode', input: { ...input, labels } }, [labels.buffer])) as SegEncodeResult;
  }

  /**
   * Decodes in the worker; rejects with SegDecodeError (message for the user) when the file does
   * not fit the target. The file's buffer is moved to the worker (detached here) unless
   * copy is set.
   */
  async decode(bytes: ArrayBuffer | Uint8Array, target: SegDecodeTarget, options: { copy?: boolean } = {}): Promise<DecodedSeg> {
    const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const buffer = ownBuffer(view, options.copy ?? false);
    const id = this.nextId++;
    return (await this.send({ id, op: 'decode', bytes: buffer, target }, [buffer])) as DecodedSeg;
  }

  /**
   * Starts the worker now, while the network is there: a submit made offline must not depend on
   * fetching the worker's script then.
   */
  warm(): void {
    this.start();
  }

  /** Stops the worker; requests still waiting are rejected. */
  terminate(): void {
    this.fail(new Error('the segmentation worker was stopped'));
  }
}

let shared: SegWorkerClient | null = null;

/** The app's one SEG worker client. */
export function segWorker(): SegWorkerClient {
  shared ??= new SegWorkerClient();
  return shared;
}
