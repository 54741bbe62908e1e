// What of a browser's DICOMweb request the gateway passes on to Orthanc, and what of Orthanc's
// answer it passes back. Allow-lists, not deny-lists: Orthanc's HTTP server reads more than
// DICOMweb defines (a GET with `?_method=DELETE` or an `X-HTTP-Method-Override: DELETE` header is
// handled as a DELETE), and its error bodies name its own URIs and say why a UID was not found.
// Both the plain pass-through (dicomwebProxy.ts) and the blinding gateway (upstream.ts) use these.
import type http from 'node:http';
import type { DicomwebResource } from '../dicomwebPath.ts';

/** read: QIDO and WADO (GET); store: STOW-RS (POST) */
export type ForwardKind = 'read' | 'store';

// Content negotiation (PS3.18 8.7.3) and byte ranges of bulk data; for STOW-RS the body's type
// and length. Everything else stays here: cookies and the CSRF token are the gateway's business,
// Forwarded/X-Forwarded-* would let a browser choose the host Orthanc writes into BulkDataURIs,
// and method overrides are above. Accept-Encoding is not passed: Orthanc then answers identity,
// which the gateway can read and filter.
const HEADERS: Record<ForwardKind, readonly string[]> = {
  read: ['accept', 'range'],
  store: ['accept', 'content-type', 'content-length'],
};

/**
 * The request headers Orthanc gets. Host is the browser's (defaultHost without one): Orthanc builds
 * BulkDataURIs and RetrieveURLs from it, so they point at the gateway.
 */
export function forwardedHeaders(requestHeaders: http.IncomingHttpHeaders, kind: ForwardKind, defaultHost: string): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const name of HEADERS[kind]) {
    const value = requestHeaders[name];
    if (typeof value === 'string') out[name] = value;
  }
  out.host = requestHeaders.host || defaultHost;
  return out;
}

// QIDO-RS (PS3.18 8.3.4, 10.6.1.2): matching keys are attribute IDs, a keyword or a tag, or a
// dotted path of them into a sequence; besides those only these.
const QIDO_PARAMS = new Set(['includefield', 'limit', 'offset', 'fuzzymatching']);
const ATTRIBUTE_ID = /^(?:[0-9A-Fa-f]{8}|[A-Z][A-Za-z0-9]{0,63})(?:\.(?:[0-9A-Fa-f]{8}|[A-Z][A-Za-z0-9]{0,63}))*$/;
// WADO-RS: only the rendered resources take query parameters (PS3.18 8.3.5.1, Table 8.3.5-1);
// instances, series, metadata, frames and bulk data take none (their `accept` parameter
// duplicates the Accept header, which is what the gateway negotiates on).
const RENDERED_PARAMS = new Set(['annotation', 'quality', 'viewport', 'window', 'charset']);
const THUMBNAIL_PARAMS = new Set(['viewport', 'charset']);
// Never forwarded, whatever a rule above says: method overrides Orthanc (or a proxy beside it)
// honours, in any spelling (_method, method, X-HTTP-Method-Override, X-HTTP-Method, ...).
const METHOD_OVERRIDE = /^_?(x-)?(http-?)?method(-?override)?$/i;

function allows(resource: DicomwebResource | null, name: string): boolean {
  if (METHOD_OVERRIDE.test(name)) return false;
  if (resource?.kind === 'search') return QIDO_PARAMS.has(name) || ATTRIBUTE_ID.test(name);
  if (resource?.kind === 'retrieve' && resource.what === 'rendered') return RENDERED_PARAMS.has(name);
  if (resource?.kind === 'retrieve' && resource.what === 'thumbnail') return THUMBNAIL_PARAMS.has(name);
  return false;
}

/**
 * The query string (without `?`) Orthanc gets for a resource: the parameters it defines, in their
 * order, the others dropped. Names are decided on decoded (`%5Fmethod` is `_method`), and what goes
 * on is encoded again, so Orthanc reads exactly what was decided on.
 */
export function forwardedQuery(resource: DicomwebResource | null, rawQuery: string): string {
  const kept: string[] = [];
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    if (allows(resource, name)) kept.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  }
  return kept.join('&');
}

export const NOT_FOUND = { error: 'not found' } as const;

export interface ArchiveAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

function isDicomJsonDataset(body: Buffer): boolean {
  try {
    const json: unknown = JSON.parse(body.toString('utf8'));
    return typeof json === 'object' && json !== null && !Array.isArray(json) && Object.keys(json).every((k) => /^[0-9A-F]{8}$/.test(k));
  } catch {
    return false;
  }
}

/**
 * What the browser gets for an Orthanc answer outside 2xx: the gateway's own `{"error"}` with a
 * fixed message per status class, never Orthanc's body (its Uri, Details and OrthancError). 404s
 * get the gateway's not-found body, the same as for what the caller may not see. One exception:
 * a STOW-RS answer that is a Store Instances Response (PS3.18 10.5.3, a DICOM JSON dataset: its
 * Failed SOP Sequence says per object why) is passed on, since the browser reads it.
 */
export function archiveErrorAnswer(method: string, status: number, body: Buffer | null): ArchiveAnswer {
  if (method === 'POST' && body && status >= 400 && status < 500 && isDicomJsonDataset(body)) {
    return { status, contentType: 'application/dicom+json', body };
  }
  const json = (error: unknown) => Buffer.from(JSON.stringify(error));
  if (status === 404) return { status, contentType: 'application/json', body: json(NOT_FOUND) };
  if (status >= 400 && status < 500) return { status, contentType: 'application/json', body: json({ error: 'the image archive refused the request' }) };
  if (status >= 500 && status < 600) return { status, contentType: 'application/json', body: json({ error: 'the image archive failed to answer the request' }) };
  // 1xx/3xx: nothing the browser could follow (a redirect would point into Orthanc).
  return { status: 502, contentType: 'application/json', body: json({ error: 'the image archive gave an answer the gateway does not pass on' }) };
}

export function isSuccess(status: number | undefined): boolean {
  return status !== undefined && status >= 200 && status < 300;
}
