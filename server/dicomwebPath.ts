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
