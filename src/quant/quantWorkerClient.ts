// Promise face of workers/quant.worker.ts: lung masks and lesion suggestions of one CT off the main
// thread (each a second or more on a chest CT), with the worker's progress passed on. The worker
// keeps the CT it was last given, so a suggestion after the lung masks does not copy the HU again.
import type { CtVolume } from './ctVolume.ts';
import type { LungMask } from './lungMask.ts';
import type { Suggestion, SuggestionOptions } from './lesionSuggestion.ts';
import type { ReadFigures, ReadFiguresRequest } from './readFigures.ts';

/** The CT as it crosses to the worker: its HU in a buffer of its own (a copy, transferred). */
export type QuantRequest =
  | { id: number; op: 'lungs'; ct?: CtVolume }
  | { id: number; op: 'suggest'; ct?: CtVolume; lungs: Uint8Array; options?: Partial<SuggestionOptions> }
  /** `lungs` only when the worker does not hold this mask yet (kept for the next request) */
  | ({ id: number; op: 'figures'; ct?: CtVolume; lungs?: Uint8Array } & ReadFiguresRequest);

export type QuantResponse =
  | { id: number; kind: 'progress'; fraction: number; stage: string }
  | { id: number; kind: 'lungs'; result: LungMask }
  | { id: number; kind: 'suggest'; result: Suggestion }
  | { id: number; kind: 'figures'; result: ReadFigures }
  | { id: number; kind: 'error'; error: { name: string; message: string } };

export type QuantProgress = (fraction: number, stage: string) => void;

interface Pending {
  resolve: (value: LungMask | Suggestion | ReadFigures) => void;
  reject: (error: Error) => void;
  onProgress?: QuantProgress;
}

export class QuantWorkerClient {
  private worker: Worker | null = null;
  /** the CT (by identity of its HU array) the running worker holds */
  private ctInWorker: Int16Array | null = null;
  /** the lung mask (by identity) the running worker holds for figures */
  private lungsInWorker: Uint8Array | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('../../workers/quant.worker.ts', import.meta.url), { type: 'module' });
    worker.addEventListener('message', (event: MessageEvent<QuantResponse>) => {
      const response = event.data;
      const waiting = this.pending.get(response.id);
      if (!waiting) return;
      if (response.kind === 'progress') {
        waiting.onProgress?.(response.fraction, response.stage);
        return;
      }
      this.pending.delete(response.id);
      if (response.kind === 'error') waiting.reject(new Error(response.error.message));
      else waiting.resolve(response.result);
    });
    // A worker that fails to load or crashes answers nothing: fail what waits, start afresh next time.
    worker.addEventListener('error', (event: ErrorEvent) => {
      event.preventDefault();
      this.fail(new Error(`the quantification worker failed: ${event.message || 'it could not be started'}`));
    });
    this.worker = worker;
    return worker;
  }

  private fail(error: Error): void {
    this.worker?.terminate();
    this.worker = null;
    this.ctInWorker = null;
    this.lungsInWorker = null;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  /** The CT to send with a request, copied, or nothing when the worker already holds it. */
  private ctFor(ct: CtVolume, transfer: ArrayBuffer[]): CtVolume | undefined {
    if (this.ctInWorker === ct.hu) return undefined;
    // A copy: the viewer keeps drawing and probing its own voxels meanwhile.
    const hu = ct.hu.slice();
    transfer.push(hu.buffer);
    this.ctInWorker = ct.hu;
    return { dims: [...ct.dims], spacing: [...ct.spacing], origin: [...ct.origin], direction: [...ct.direction], hu };
  }

  private send<T extends LungMask | Suggestion | ReadFigures>(build: (id: number, transfer: ArrayBuffer[]) => QuantRequest, onProgress?: QuantProgress): Promise<T> {
    const worker = this.start();
    const id = this.nextId++;
    const transfer: ArrayBuffer[] = [];
    const request = build(id, transfer);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: LungMask | Suggestion | ReadFigures) => void, reject, onProgress });
      worker.postMessage(request, transfer);
    });
  }

  /** Right and left lung masks of `ct` (LUNG values on its grid). */
  lungs(ct: CtVolume, onProgress?: QuantProgress): Promise<LungMask> {
    return this.send<LungMask>((id, transfer) => ({ id, op: 'lungs', ct: this.ctFor(ct, transfer) }), onProgress);
  }

  /** Suggested lesion components inside `lungs` (copied, the caller keeps its mask). */
  suggest(ct: CtVolume, lungs: Uint8Array, onProgress?: QuantProgress, options?: Partial<SuggestionOptions>): Promise<Suggestion> {
    return this.send<Suggestion>((id, transfer) => {
      const copy = lungs.slice();
      transfer.push(copy.buffer);
      return { id, op: 'suggest', ct: this.ctFor(ct, transfer), lungs: copy, options };
    }, onProgress);
  }

  /**
   * Lesion biomarkers and lobe involvement of the labelmap `labels` (copied). The lung mask is sent
   * once per mask and kept by the worker: figures are asked for after every pause in painting.
   */
  figures(ct: CtVolume, lungs: Uint8Array, request: ReadFiguresRequest): Promise<ReadFigures> {
    return this.send<ReadFigures>((id, transfer) => {
      const labels = request.labels.slice();
      transfer.push(labels.buffer as ArrayBuffer);
      let lungsCopy: Uint8Array | undefined;
      if (this.lungsInWorker !== lungs) {
        lungsCopy = lungs.slice();
        transfer.push(lungsCopy.buffer as ArrayBuffer);
        this.lungsInWorker = lungs;
      }
      return { id, op: 'figures', ct: this.ctFor(ct, transfer), lungs: lungsCopy, labels, lesionValues: request.lesionValues, lobeValues: request.lobeValues };
    });
  }

  /** Stops the worker (and the CT it holds); requests still waiting are rejected. */
  terminate(): void {
    this.fail(new Error('the quantification worker was stopped'));
  }
}
