// fetch() with a time-out and errors a radiologist can read. Every DICOMweb call goes through it.
// Connection failures and 502/503/504 are tried again for a few seconds (src/dicomweb/retryGet.ts).
import { retryGet } from './retryGet.ts';

export type FailureKind = 'offline' | 'timeout' | 'not-found' | 'server' | 'refused';

export class DicomwebError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DicomwebError';
  }
}

export function messageForStatus(status: number): { kind: FailureKind; message: string } {
  if (status === 404) return { kind: 'not-found', message: 'The image archive does not have this study or series (HTTP 404).' };
  if (status === 401 || status === 403) return { kind: 'refused', message: `The image archive refused the request (HTTP ${status}).` };
  if (status === 504) return { kind: 'timeout', message: 'The image archive did not answer in time (HTTP 504).' };
  if (status === 502 || status === 503) return { kind: 'server', message: `The image archive is not reachable (HTTP ${status}).` };
  return { kind: 'server', message: `The image archive answered with an error (HTTP ${status}).` };
}

declare global {
  interface Window {
    __ctawPrefetch?: { url: string; response: Promise<Response> };
  }
}

/** The answer index.html already asked for, once, when the URL matches. */
function takePrefetched(url: string): Promise<Response> | null {
  const prefetch = window.__ctawPrefetch;
  if (!prefetch || prefetch.url !== url) return null;
  delete window.__ctawPrefetch;
  return prefetch.response;
}

export async function fetchJson<T>(url: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    const prefetched = typeof window !== 'undefined' ? takePrefetched(url) : null;
    res = await retryGet(url, { headers: { Accept: 'application/dicom+json' }, signal }, { first: prefetched ?? undefined });
  } catch (err) {
    if (timeout.aborted) throw new DicomwebError('timeout', `The image archive did not answer within ${Math.round(timeoutMs / 1000)} s.`);
    if (opts.signal?.aborted) throw err;
    throw new DicomwebError('offline', 'The server cannot be reached. Check the network connection.');
  }
  if (!res.ok) {
    const { kind, message } = messageForStatus(res.status);
    throw new DicomwebError(kind, message, res.status);
  }
  // QIDO answers 204 No Content when nothing matches.
  if (res.status === 204) return [] as T;
  const text = await res.text();
  if (!text) return [] as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new DicomwebError('server', 'The image archive sent an answer that is not valid DICOM JSON.');
  }
}
