// A case's agreement off the main thread: the surface distances and lesion components of a chest
// CT's labelmaps (tens of MB each, one pass per reader pair and segment) take from a fraction of a
// second to several seconds, which would stall the queue page and the review screen.
import { caseAgreement, type AgreementWorkerRequest, type AgreementWorkerResponse } from '../src/review/caseAgreement.ts';

/** Runs one request (Node tests call this directly; they have no worker scope). */
export function handleAgreementRequest(request: AgreementWorkerRequest): AgreementWorkerResponse {
  try {
    return { id: request.id, ok: true, agreement: caseAgreement(request.input) };
  } catch (e) {
    const error = e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };
    return { id: request.id, ok: false, error };
  }
}

if ('WorkerGlobalScope' in globalThis) {
  self.addEventListener('message', (event: MessageEvent<AgreementWorkerRequest>) => {
    self.postMessage(handleAgreementRequest(event.data));
  });
}
