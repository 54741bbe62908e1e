// "What a caller may not see answers exactly like what does not exist": the gateway makes that
// true by construction. A request naming a UID the caller may not see is sent on to the archive
// with that UID replaced by a fresh random one of the same length, so the archive does the same
// work and gives the same answer as for a UID that does not exist, and the gateway treats that
// answer as it treats every other. No branch answers hidden things by itself, faster or slower.
import { randomInt } from 'node:crypto';

/** A UID of the same length that exists nowhere: 2.25 and random digits (PS3.5 B.2). */
export function decoyUid(uid: string): string {
  const length = Math.max(uid.length, 6);
  let digits = String(randomInt(1, 10));
  while (digits.length < length - 5) digits += String(randomInt(0, 10));
  return `2.25.${digits}`;
}

/** A path (query string included) with each of `uids` replaced by a decoy wherever it is a segment. */
export function decoyPath(target: string, uids: Iterable<string>): string {
  const hidden = new Set(uids);
  const [path, ...query] = target.split('?');
  const swapped = path
    .split('/')
    .map((part) => (hidden.has(part) ? decoyUid(part) : part))
    .join('/');
  return [swapped, ...query].join('?');
}

/** QIDO keys that name UIDs, by level: the attribute keyword and its tag. */
export const UID_KEYS = {
  study: ['StudyInstanceUID', '0020000D'],
  series: ['SeriesInstanceUID', '0020000E'],
  instance: ['SOPInstanceUID', '00080018'],
} as const;

export type UidLevel = keyof typeof UID_KEYS;

function levelOf(key: string): UidLevel | null {
  for (const level of Object.keys(UID_KEYS) as UidLevel[]) {
    if (UID_KEYS[level].some((k) => k.toUpperCase() === key.toUpperCase())) return level;
  }
  return null;
}

/** A UID match value: one UID, or a list separated by backslash or comma (PS3.18 8.3.4.1). */
function splitList(value: string): string[] {
  return value.split(/[\\,]/).map((v) => v.trim());
}

/** The UIDs a QIDO query names, by level. */
export function namedUids(params: URLSearchParams): Record<UidLevel, string[]> {
  const out: Record<UidLevel, string[]> = { study: [], series: [], instance: [] };
  for (const [key, value] of params) {
    const level = levelOf(key);
    if (level) out[level].push(...splitList(value).filter(Boolean));
  }
  return out;
}

/** The query with every hidden UID replaced by its decoy (other keys and their order kept). */
export function withDecoys(params: URLSearchParams, hidden: ReadonlySet<string>): URLSearchParams {
  if (hidden.size === 0) return params;
  const out = new URLSearchParams();
  const decoys = new Map<string, string>();
  const swap = (uid: string) => {
    if (!hidden.has(uid)) return uid;
    if (!decoys.has(uid)) decoys.set(uid, decoyUid(uid));
    return decoys.get(uid)!;
  };
  for (const [key, value] of params) {
    if (!levelOf(key)) out.append(key, value);
    else out.append(key, value.replace(/[^\\,\s]+/g, swap));
  }
  return out;
}
