// Promise face of workers/agreement.worker.ts. One worker, started on first use and kept: the
// queue computes its cases one after another, and a warm worker skips reloading the module.
import { AgreementInputError, type AgreementInput, type AgreementWorkerRequest, type AgreementWorkerResponse } from './caseAgreement.ts';
import type { CaseAgreement } from '../model/review.ts';

interface Pending {
  resolve: (value: CaseAgreement) => void;
  reject: (error: Error) => void;
}

export class AgreementWorkerClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('../../workers/agreement.worker.ts', import.meta.url), { type: 'module' });
    worker.addEventListener('message', (event: MessageEvent<AgreementWorkerResponse>) => {
      const response = event.data;
      const waiting = this.pending.get(response.id);
      if (!waiting) return;
      this.pending.delete(response.id);
      if (response.ok) waiting.resolve(response.agreement);
      else if (response.error.name === 'AgreementInputError') waiting.reject(new AgreementInputError(response.error.message));
      else waiting.reject(new Error(response.error.message));
    });
    // A worker that fails to load or crashes (out of memory on a huge grid) answers nothing: fail
    // what waits, start afresh next time.
    worker.addEventListener('error', (event: ErrorEvent) => {
      event.preventDefault();
      this.fail(new Error(`the agreement worker failed: ${event.message || 'it could not be started'}`));
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

  /**
   * Computes in the worker. The labelmaps are moved to the worker (detached here) unless
   * copyLabels is set: the queue has no further use for them, the review screen shows them.
   */
  compute(input: AgreementInput, options: { copyLabels?: boolean } = {}): Promise<CaseAgreement> {
    const worker = this.start();
    const transfer: ArrayBuffer[] = [];
    const seen = new Set<ArrayBufferLike>();
    const reads = input.reads.map((r) => {
      if (!r.labels) return r;
      let labels = r.labels;
      const whole = labels.byteOffset === 0 && labels.byteLength === labels.buffer.byteLength && labels.buffer instanceof ArrayBuffer;
      // Two reads never share a buffer, but a view into a larger one (or a shared one) is copied.
      if (options.copyLabels || !whole || seen.has(labels.buffer)) labels = labels.slice();
      seen.add(labels.buffer);
      transfer.push(labels.buffer as ArrayBuffer);
      return { ...r, labels };
    });
    const id = this.nextId++;
    const request: AgreementWorkerRequest = { id, input: { ...input, reads } };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage(request, transfer);
    });
  }

  terminate(): void {
    this.fail(new Error('the agreement worker was stopped'));
  }
}

let shared: AgreementWorkerClient | null = null;

/** The app's one agreement worker client. */
export function agreementWorker(): AgreementWorkerClient {
  shared ??= new AgreementWorkerClient();
  return shared;
}
