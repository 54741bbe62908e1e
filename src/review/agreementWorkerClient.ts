// Promise face of workers/agreement.worker.ts. One worker, started on first use and kept: the
// queue computes its cases one after another, and a warm worker skips reloading the module.
import { AgreementInputError, type AgreementInput, type AgreementWorkerRequest, type AgreementWorkerResponse } from './caseAgreement.ts';
import type { CaseAgreement } from '../model/review.ts';
import { WorkerRpc, replyError } from '../workers/workerRpc.ts';

export class AgreementWorkerClient {
  private readonly rpc = new WorkerRpc<AgreementWorkerRequest, AgreementWorkerResponse, CaseAgreement>({
    name: 'the agreement worker',
    start: () => new Worker(new URL('../../workers/agreement.worker.ts', import.meta.url), { type: 'module' }),
    settle: (response) => (response.ok ? { result: response.agreement } : { error: replyError(response.error, 'AgreementInputError', AgreementInputError) }),
  });

  /**
   * Computes in the worker. The labelmaps are moved to the worker (detached here) unless
   * copyLabels is set: the queue has no further use for them, the review screen shows them.
   */
  compute(input: AgreementInput, options: { copyLabels?: boolean } = {}): Promise<CaseAgreement> {
    return this.rpc.call((id, transfer) => {
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
      return { id, input: { ...input, reads } };
    });
  }

  terminate(): void {
    this.rpc.terminate();
  }
}

let shared: AgreementWorkerClient | null = null;

/** The app's one agreement worker client. */
export function agreementWorker(): AgreementWorkerClient {
  shared ??= new AgreementWorkerClient();
  return shared;
}
