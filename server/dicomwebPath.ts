// Which DICOMweb paths the gateway passes to Orthanc. Only the standard QIDO/WADO/STOW
// resources: Orthanc's plugin also serves /dicom-web/servers (it would let a client make
// Orthanc call other servers) and Orthanc's own REST API lives beside it; neither goes through.

const RESOURCE = /^\/dicom-web\/(studies|series|instances)(\/[0-9.]+(\/(series|instances|metadata|frames|rendered|thumbnail|bulk)(\/[0-9A-Za-z.,_-]+)*)?)*\/?$/;

export type PathVerdict = { ok: true; upstreamPath: string } | { ok: false; status: number; reason: string };

/** rawUrl: the request's path and query exactly as received (still percent-encoded). */
export function checkDicomwebPath(method: string, rawUrl: string): PathVerdict {
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q);
  // Encoded separators or dots would let a path mean something else after decoding upstream.
  if (/%(2e|2f|5c|00)/i.test(path) || path.includes('\\') || path.includes('//')) {
    return { ok: false, status: 400, reason: 'bad path' };
  }
  if (path.split('/').some((seg) => seg === '.' || seg === '..')) return { ok: false, status: 400, reason: 'bad path' };
  if (!RESOURCE.test(path)) return { ok: false, status: 404, reason: 'not found' };
  if (method === 'POST') {
    // STOW-RS: POST /studies or /studies/{uid} only
    if (!/^\/dicom-web\/studies(\/[0-9.]+)?\/?$/.test(path)) return { ok: false, status: 405, reason: 'method not allowed' };
  } else if (method !== 'GET' && method !== 'HEAD') {
    return { ok: false, status: 405, reason: 'method not allowed' };
  }
  return { ok: true, upstreamPath: path + query };
}

// The resource a DICOMweb path names (PS3.18 10.4 (STOW), 10.5 (WADO), 10.6 (QIDO)), for the
// blinding gateway: it decides on these UIDs, so it passes only the shapes it understands.
export type DicomwebResource =
  | { kind: 'search'; level: 'study' | 'series' | 'instance'; studyUid?: string; seriesUid?: string }
  | {
      kind: 'retrieve';
      level: 'study' | 'series' | 'instance';
      /** dicom: the objects themselves; bulk: a BulkDataURI */
      what: 'dicom' | 'metadata' | 'rendered' | 'thumbnail' | 'frames' | 'bulk';
      studyUid: string;
      seriesUid?: string;
      sopUid?: string;
    }
  | { kind: 'store'; studyUid?: string };

// PS3.5 9.1: digits and dots, no empty component, at most 64 characters.
const UID = /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/;
const FRAME_LIST = /^[1-9][0-9]{0,5}(,[1-9][0-9]{0,5})*$/;
const BULK_SEGMENT = /^[0-9A-Za-z._-]{1,64}$/;

function isUid(s: string | undefined): s is string {
  return s !== undefined && s.length <= 64 && UID.test(s);
}

/** path: the part before `?`, as checkDicomwebPath passed it (no encoded characters, no dot segments). */
export function parseDicomwebResource(method: string, path: string): DicomwebResource | null {
  if (!path.startsWith('/dicom-web/')) return null;
  const parts = path.slice('/dicom-web/'.length).replace(/\/$/, '').split('/');
  const [root, st, a, se, b, sop, c, ...rest] = parts;
  if (method === 'POST') {
    if (root !== 'studies' || parts.length > 2) return null;
    if (parts.length === 1) return { kind: 'store' };
    return isUid(st) ? { kind: 'store', studyUid: st } : null;
  }
  if (method !== 'GET') return null;
  if (parts.length === 1) {
    if (root === 'studies') return { kind: 'search', level: 'study' };
    if (root === 'series') return { kind: 'search', level: 'series' };
    if (root === 'instances') return { kind: 'search', level: 'instance' };
    return null;
  }
  if (root !== 'studies' || !isUid(st)) return null;
  if (parts.length === 2) return { kind: 'retrieve', level: 'study', what: 'dicom', studyUid: st };
  if (parts.length === 3) {
    if (a === 'series') return { kind: 'search', level: 'series', studyUid: st };
    if (a === 'instances') return { kind: 'search', level: 'instance', studyUid: st };
    if (a === 'metadata' || a === 'rendered' || a === 'thumbnail') return { kind: 'retrieve', level: 'study', what: a, studyUid: st };
    return null;
  }
  if (a !== 'series' || !isUid(se)) return null;
  if (parts.length === 4) return { kind: 'retrieve', level: 'series', what: 'dicom', studyUid: st, seriesUid: se };
  if (parts.length === 5) {
    if (b === 'instances') return { kind: 'search', level: 'instance', studyUid: st, seriesUid: se };
    if (b === 'metadata' || b === 'rendered' || b === 'thumbnail') return { kind: 'retrieve', level: 'series', what: b, studyUid: st, seriesUid: se };
    return null;
  }
  if (b !== 'instances' || !isUid(sop)) return null;
  const instance = { kind: 'retrieve', level: 'instance', studyUid: st, seriesUid: se, sopUid: sop } as const;
  if (parts.length === 6) return { ...instance, what: 'dicom' };
  if (parts.length === 7 && (c === 'metadata' || c === 'rendered' || c === 'thumbnail')) return { ...instance, what: c };
  if (c === 'frames') {
    const [list, tail, ...more] = rest;
    if (list === undefined || !FRAME_LIST.test(list) || more.length > 0) return null;
    if (tail === undefined) return { ...instance, what: 'frames' };
    return tail === 'rendered' || tail === 'thumbnail' ? { ...instance, what: tail } : null;
  }
  if (c === 'bulk' && rest.length <= 8 && rest.every((s) => BULK_SEGMENT.test(s))) return { ...instance, what: 'bulk' };
  return null;
}
