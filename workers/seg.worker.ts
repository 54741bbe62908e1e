// DICOM-SEG encoding and decoding off the main thread: a chest CT labelmap is tens of MB, and
// packing or unpacking it would otherwise stall painting and scrolling for a noticeable moment.
import { encodeSeg } from '../src/seg/segEncoder.ts';
import { decodeSeg } from '../src/seg/segDecoder.ts';
import type { SegWorkerRequest, SegWorkerResponse } from '../src/seg/segModel.ts';

/** Runs one request; the buffers listed in `transfer` can be moved rather than copied back. */
export function handleSegRequest(request: SegWorkerRequest): { response: SegWorkerResponse; transfer: ArrayBuffer[] } {
  try {
    if (request.op === 'encode') {
      const result = encodeSeg(request.input);
      return { response: { id: request.id, ok: true, result }, transfer: [result.bytes.buffer as ArrayBuffer] };
    }
    if (request.op === 'decode') {
      const result = decodeSeg(request.bytes, request.target);
      return { response: { id: request.id, ok: true, result }, transfer: [result.labels.buffer as ArrayBuffer] };
    }
    const op: unknown = (request as { op: unknown }).op;
    throw new Error(`unknown SEG worker operation ${String(op)}`);
  } catch (e) {
    const error = e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };
    return { response: { id: request.id, ok: false, error }, transfer: [] };
  }
}

// Only inside a worker: Node tests import the module for handleSegRequest and have no worker scope.
if ('WorkerGlobalScope' in globalThis) {
  self.addEventListener('message', (event: MessageEvent<SegWorkerRequest>) => {
    const { response, transfer } = handleSegRequest(event.data);
    self.postMessage(response, { transfer });
  });
}
