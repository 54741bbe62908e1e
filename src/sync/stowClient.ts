// STOW-RS of one DICOM instance through the gateway, with a time-out. Storing an instance the
// archive already holds counts as success: a retried send must not become a failure.
export type StowOutcome =
  | { ok: true; duplicate: boolean }
  | { ok: false; retry: boolean; reason: string; loginNeeded?: boolean; unreachable?: boolean; unanswered?: boolean };

import { isNetworkFailure } from './connectivity.ts';

const BOUNDARY_PREFIX = 'ctaw-stow-';

export function stowBody(instance: Uint8Array, boundary: string): Blob {
  return new Blob([
    `--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`,
    instance as Uint8Array<ArrayBuffer>,
    `\r\n--${boundary}--\r\n`,
  ]);
}

/**
 * Failure Reason of an instance the archive already holds (0111H, Duplicate SOP Instance).
 * Orthanc answers a repeated STOW with plain success; other archives answer 409 with this reason.
 */
const DUPLICATE_SOP_INSTANCE = 0x0111;

interface StowResponse {
  '00081198'?: { Value?: Array<{ '00081197'?: { Value?: number[] } }> };
  '00081199'?: { Value?: unknown[] };
}

export async function stowInstance(baseUrl: string, instance: Uint8Array, timeoutMs: number, fetchImpl: typeof fetch = fetch, headers: Record<string, string> = {}): Promise<StowOutcome> {
  const boundary = `${BOUNDARY_PREFIX}${crypto.randomUUID()}`;
  let response: Response;
  try {
    response = await fetchImpl(`${baseUrl}/studies`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`, Accept: 'application/dicom+json' },
      body: stowBody(instance, boundary),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const name = (err as { name?: string })?.name;
    if (name === 'TimeoutError') return { ok: false, retry: true, reason: `no answer within ${Math.round(timeoutMs / 1000)} s`, unanswered: true };
    // No answer at all: the network (not the server) is the problem.
    return { ok: false, retry: true, reason: 'the server cannot be reached', unreachable: isNetworkFailure(err), unanswered: true };
  }
  let json: StowResponse | null;
  try {
    json = (await response.json()) as StowResponse;
  } catch {
    json = null;
  }
  const failed = json?.['00081198']?.Value ?? [];
  const stored = json?.['00081199']?.Value ?? [];
  if (response.ok && failed.length === 0) return { ok: true, duplicate: false };
  const reasons = failed.map((f) => f['00081197']?.Value?.[0]).filter((r): r is number => typeof r === 'number');
  if (reasons.length > 0 && reasons.every((r) => r === DUPLICATE_SOP_INSTANCE) && stored.length === 0) return { ok: true, duplicate: true };
  // The session ended (expired, revoked, logged out elsewhere): kept until the reader logs in again.
  if (response.status === 401) return { ok: false, retry: true, loginNeeded: true, reason: 'your session has ended: log in again to send' };
  if (response.status >= 500 || response.status === 408 || response.status === 429) {
    return { ok: false, retry: true, reason: `the server answered ${response.status}` };
  }
  const why = reasons.length ? ` (DICOM failure 0x${reasons[0].toString(16)})` : '';
  return { ok: false, retry: false, reason: `the server refused the result: HTTP ${response.status}${why}` };
}
