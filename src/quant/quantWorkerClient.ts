// Promise face of workers/quant.worker.ts: lung masks and lesion suggestions of one CT off the main
// thread (each a second or more on a chest CT), with the worker's progress passed on. The worker
// keeps the CT it was last given, so a suggestion after the lung masks does not copy the HU again.
import type { CtVolume } from './ctVolume.ts';
import type { LungMask } from './lungMask.ts';
import type { Suggestion, SuggestionOptions } from './lesionSuggestion.ts';
import type { ReadFigures, ReadFiguresRequest } from './readFigures.ts';
import { WorkerRpc } from '../workers/workerRpc.ts';
import { forWorker, isShared } from '../workers/sharedMemory.ts';

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

export class QuantWorkerClient {
  /** the CT (by identity of its HU array) the running worker holds */
  private ctInWorker: Int16Array | null = null;
  /** the lung mask (by identity) the running worker holds for figures */
  private lungsInWorker: Uint8Array | null = null;
  private readonly rpc = new WorkerRpc<QuantRequest, QuantResponse, LungMask | Suggestion | ReadFigures>({
    name: 'the quantification worker',
    start: () => new Worker(new URL('../../workers/quant.worker.ts', import.meta.url), { type: 'module' }),
    settle: (response) => {
      if (response.kind === 'progress') return null;
      if (response.kind === 'error') return { error: new Error(response.error.message) };
      return { result: response.result };
    },
    // A fresh worker holds nothing.
    onStop: () => {
      this.ctInWorker = null;
      this.lungsInWorker = null;
    },
  });

  /** The CT to send with a request (shared, or a copy), or nothing when the worker already holds it. */
  private ctFor(ct: CtVolume, transfer: ArrayBuffer[]): CtVolume | undefined {
    if (this.ctInWorker === ct.hu) return undefined;
    // Shared memory is read in place (the worker never writes the HU). Otherwise a copy: the
    // viewer keeps drawing and probing its own voxels meanwhile.
    const hu = forWorker(ct.hu, transfer);
    this.ctInWorker = ct.hu;
    return { dims: [...ct.dims], spacing: [...ct.spacing], origin: [...ct.origin], direction: [...ct.direction], hu };
  }

  private send<T extends LungMask | Suggestion | ReadFigures>(build: (id: number, transfer: ArrayBuffer[]) => QuantRequest, onProgress?: QuantProgress): Promise<T> {
    return this.rpc.call<T>(build, (response) => {
      if (response.kind === 'progress') onProgress?.(response.fraction, response.stage);
    });
  }

  /** Right and left lung masks of `ct` (LUNG values on its grid); shared with the worker where the page can share. */
  async lungs(ct: CtVolume, onProgress?: QuantProgress): Promise<LungMask> {
    const result = await this.send<LungMask>((id, transfer) => ({ id, op: 'lungs', ct: this.ctFor(ct, transfer) }), onProgress);
    // A shared mask is the worker's own: the figures read it there.
    if (isShared(result.labels)) this.lungsInWorker = result.labels;
    return result;
  }

  /** Suggested lesion components inside `lungs` (shared, or copied: the caller keeps its mask). */
  suggest(ct: CtVolume, lungs: Uint8Array, onProgress?: QuantProgress, options?: Partial<SuggestionOptions>): Promise<Suggestion> {
    return this.send<Suggestion>((id, transfer) => {
      // Shared: read in place (the suggestion never writes the mask).
      return { id, op: 'suggest', ct: this.ctFor(ct, transfer), lungs: forWorker(lungs, transfer), options };
    }, onProgress);
  }

  /**
   * Lesion biomarkers and lobe involvement of the labelmap `labels` (copied). The lung mask is sent
   * once per mask and kept by the worker (shared, or a copy, which does not see the reader's later
   * lung edits): figures are asked for after every pause in painting.
   */
  figures(ct: CtVolume, lungs: Uint8Array, request: ReadFiguresRequest): Promise<ReadFigures> {
    return this.send<ReadFigures>((id, transfer) => {
      const labels = request.labels.slice();
      transfer.push(labels.buffer as ArrayBuffer);
      const lungsForWorker = this.lungsInWorker === lungs ? undefined : forWorker(lungs, transfer);
      this.lungsInWorker = lungs;
      return { id, op: 'figures', ct: this.ctFor(ct, transfer), lungs: lungsForWorker, labels, lesionValues: request.lesionValues, lobeValues: request.lobeValues };
    });
  }

  /** Stops the worker (and the CT it holds); requests still waiting are rejected. */
  terminate(): void {
    this.rpc.terminate();
  }
}
