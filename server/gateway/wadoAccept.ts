// Accept negotiation for WADO-RS, done by the gateway before anything reaches the archive: the
// answer to an Accept it cannot serve is the gateway's 406, the same for every UID, instead of
// whatever the archive says (Orthanc answers 400 with its own JSON, and only for UIDs it has).
import type { DicomwebResource } from '../dicomwebPath.ts';

type What = Extract<DicomwebResource, { kind: 'retrieve' }>['what'];

interface MediaRange {
  type: string;
  params: Map<string, string>;
}

function parseAccept(accept: string): MediaRange[] {
  return accept
    .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map((range) => {
      const [type, ...rest] = range.split(';');
      const params = new Map<string, string>();
      for (const p of rest) {
        const eq = p.indexOf('=');
        if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"|"$/g, '').toLowerCase());
      }
      return { type: type.trim().toLowerCase(), params };
    })
    .filter((r) => r.type !== '' && r.params.get('q') !== '0');
}

const ANY = new Set(['*/*']);
/** What each kind of resource is served as (PS3.18 8.7.3, as Orthanc's DICOMweb plugin serves it). */
function rangeServes(what: What, range: MediaRange): boolean {
  if (ANY.has(range.type)) return true;
  const multipartOf = (...types: string[]) => {
    if (range.type !== 'multipart/related' && range.type !== 'multipart/*') return false;
    const type = range.params.get('type');
    return type === undefined || types.some((t) => (t.endsWith('/') ? type.startsWith(t) : type === t));
  };
  switch (what) {
    case 'dicom':
      return multipartOf('application/dicom');
    case 'frames':
    case 'bulk':
      return multipartOf('application/octet-stream', 'image/');
    case 'metadata':
      return range.type === 'application/dicom+json' || range.type === 'application/json' || range.type === 'application/*';
    case 'rendered':
    case 'thumbnail':
      return ['image/jpeg', 'image/png', 'image/gif', 'image/*'].includes(range.type);
  }
}

/** Whether the gateway serves this Accept for this resource (no Accept: the default, yes). */
export function wadoAcceptable(what: What, accept: string | undefined): boolean {
  if (!accept || !accept.trim()) return true;
  return parseAccept(accept).some((range) => rangeServes(what, range));
}
