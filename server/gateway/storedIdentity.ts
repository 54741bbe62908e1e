// After the archive stored a STOW request: did it file each object under the identity the
// gateway judged? The archive's answer names, for every object it stored, its SOP Instance UID
// and a Retrieve URL built from the Study, Series and SOP UIDs it indexed (PS3.18 10.5.3). Any
// difference means the archive read the bytes otherwise than the gateway did.
import type { DicomJson } from './blinding.ts';

export interface Identity {
  studyUid: string;
  seriesUid: string;
  sopUid: string;
}

function first(ds: DicomJson, tag: string): string | undefined {
  const v = ds[tag]?.Value?.[0];
  return typeof v === 'string' ? v : undefined;
}

/** What the archive says it stored (Referenced SOP Sequence), as indexed; null when unreadable. */
export function storedIdentities(body: Buffer): Identity[] | null {
  let json: DicomJson;
  try {
    json = JSON.parse(body.toString('utf8')) as DicomJson;
  } catch {
    return null;
  }
  const items = (json['00081199']?.Value ?? []) as DicomJson[];
  const out: Identity[] = [];
  for (const item of items) {
    const sop = first(item, '00081155');
    const url = first(item, '00081190') ?? '';
    const m = /\/studies\/([0-9.]+)\/series\/([0-9.]+)\/instances\/([0-9.]+)\/?$/.exec(url);
    if (!sop || !m) return null;
    // The URL is what the archive indexed; a SOP UID in it other than the one named is a mismatch too.
    out.push({ studyUid: m[1], seriesUid: m[2], sopUid: m[3] === sop ? sop : `${m[3]}|${sop}` });
  }
  return out;
}

/** Stored objects that are not exactly one of the judged identities. */
export function unjudgedStores(judged: Identity[], stored: Identity[]): Identity[] {
  const key = (i: Identity) => `${i.studyUid}|${i.seriesUid}|${i.sopUid}`;
  const allowed = new Set(judged.map(key));
  return stored.filter((s) => !allowed.has(key(s)));
}
