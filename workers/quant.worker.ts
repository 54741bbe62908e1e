// Lung masks, lesion suggestions and the figures of a read (lesion biomarkers, lobes) off the main thread: each is one to several seconds of
// work over a chest CT, which would otherwise freeze painting and scrolling while it runs.
// The CT arrives once (shared with the page, or a copy the worker owns) and is kept for the
// requests that follow.
import type { CtVolume } from '../src/quant/ctVolume.ts';
import { isShared, sharedForWorkers } from '../src/workers/sharedMemory.ts';
import { segmentLungs } from '../src/quant/lungMask.ts';
import { suggestLesions } from '../src/quant/lesionSuggestion.ts';
import { readFigures } from '../src/quant/readFigures.ts';
import type { QuantRequest, QuantResponse } from '../src/quant/quantWorkerClient.ts';

export interface QuantWorkerState {
  ct: CtVolume | null;
  /** the lung mask of the last figures request, or the shared one this worker computed */
  lungs?: Uint8Array | null;
}

/** Runs one request, posting progress on the way; Node tests call this directly (no worker scope there). */
export function handleQuantRequest(state: QuantWorkerState, request: QuantRequest, post: (response: QuantResponse, transfer: ArrayBuffer[]) => void): void {
  const { id } = request;
  const progress = (fraction: number, stage: string) => post({ id, kind: 'progress', fraction, stage }, []);
  try {
    if (request.ct) state.ct = request.ct;
    const ct = state.ct;
    if (!ct) throw new Error('the quantification worker has no CT: send it with the request');
    if (request.op === 'lungs') {
      const result = segmentLungs(ct, progress);
      // Shared where the page can share: the page and this worker then read one mask (the page
      // edits it in place, and the figures see those edits), and the figures need not send it back.
      const labels = sharedForWorkers(result.labels);
      if (isShared(labels)) {
        state.lungs = labels;
        post({ id, kind: 'lungs', result: { ...result, labels } }, []);
      } else post({ id, kind: 'lungs', result }, [result.labels.buffer as ArrayBuffer]);
      return;
    }
    if (request.op === 'suggest') {
      const result = suggestLesions(ct, request.lungs, request.options ?? {}, progress);
      post({ id, kind: 'suggest', result }, [result.labels.buffer as ArrayBuffer]);
      return;
    }
    if (request.op === 'figures') {
      if (request.lungs) state.lungs = request.lungs;
      const lungs = state.lungs;
      if (!lungs) throw new Error('the quantification worker has no lung mask: send it with the request');
      post({ id, kind: 'figures', result: readFigures(ct, lungs, request) }, []);
      return;
    }
    const op: unknown = (request as { op: unknown }).op;
    throw new Error(`unknown quantification worker operation ${String(op)}`);
  } catch (e) {
    const error = e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };
    post({ id, kind: 'error', error }, []);
  }
}

if ('WorkerGlobalScope' in globalThis) {
  const state: QuantWorkerState = { ct: null };
  self.addEventListener('message', (event: MessageEvent<QuantRequest>) => {
    handleQuantRequest(state, event.data, (response, transfer) => self.postMessage(response, { transfer }));
  });
}
