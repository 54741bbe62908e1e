// multipart/related bodies (RFC 2387) as STOW-RS sends them (PS3.18 8.6.1.2): each part's headers
// and the byte range of its body, found by searching the body where it lies (a spooled file,
// byteSource.ts) so that no more than a search block and one part's headers are in memory.
import type { ByteSource } from './byteSource.ts';

export interface PartRange {
  /** header names lower-cased */
  headers: Record<string, string>;
  /** The part's body: bytes [start, end) of the multipart body. */
  start: number;
  end: number;
}

// A part's headers (Content-Type, Content-Location, ...) are a few lines; more is not a STOW part,
// and would otherwise be read into memory whole.
const PART_HEADERS_MAX_BYTES = 64 * 1024;
const HEADERS_END = Buffer.from('\r\n\r\n');

export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

/** The media type and its parameters (names lower-cased, quotes removed). */
export function parseContentType(header: string | undefined): { type: string; params: Record<string, string> } {
  const [type, ...rest] = (header ?? '').split(';');
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    params[p.slice(0, eq).trim().toLowerCase()] = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { type: type.trim().toLowerCase(), params };
}

/** The parts in body order; throws MultipartError on a body that is not one multipart/related body. */
export async function splitMultipart(body: ByteSource, boundary: string): Promise<PartRange[]> {
  if (!/^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$/.test(boundary)) throw new MultipartError('invalid multipart boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  const next = Buffer.from(`\r\n--${boundary}`);
  // The first delimiter may open the body directly or follow a preamble and a CRLF.
  let at = (await body.read(0, delimiter.length)).equals(delimiter) ? 0 : await body.indexOf(next, 0);
  if (at < 0) throw new MultipartError('no multipart delimiter in the body');
  if (at > 0) at += 2;
  const parts: PartRange[] = [];
  for (;;) {
    let pos = at + delimiter.length;
    const after = await body.read(pos, pos + 2);
    if (after[0] === 0x2d && after[1] === 0x2d) return parts; // closing delimiter "--"
    pos = await skipTransportPadding(body, pos);
    const eol = await body.read(pos, pos + 2);
    if (eol[0] !== 0x0d || eol[1] !== 0x0a) throw new MultipartError('malformed multipart delimiter line');
    pos += 2;
    // The part ends at the next delimiter (searched first: a body without one is "not closed"
    // whatever its headers), its headers at the first empty line at or before that.
    const end = await body.indexOf(next, pos);
    if (end < 0) throw new MultipartError('the multipart body is not closed');
    const headers: Record<string, string> = {};
    let bodyStart: number;
    const first = await body.read(pos, pos + 2);
    if (first[0] === 0x0d && first[1] === 0x0a) {
      bodyStart = pos + 2; // no headers
    } else {
      const headerEnd = await body.indexOf(HEADERS_END, pos, end + HEADERS_END.length);
      if (headerEnd < 0) throw new MultipartError('a part has no end of headers');
      if (headerEnd - pos > PART_HEADERS_MAX_BYTES) throw new MultipartError('a part has more than 64 KiB of headers');
      for (const line of (await body.read(pos, headerEnd)).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      bodyStart = headerEnd + 4;
    }
    // An empty part without headers ("--b CRLF CRLF --b"): its CRLF is the next delimiter's.
    parts.push({ headers, start: Math.min(bodyStart, end), end });
    at = end + 2;
  }
}

/** Past the spaces and tabs RFC 2046 5.1.1 allows after a delimiter. */
async function skipTransportPadding(body: ByteSource, pos: number): Promise<number> {
  for (;;) {
    const window = await body.read(pos, pos + 256);
    let i = 0;
    while (i < window.length && (window[i] === 0x20 || window[i] === 0x09)) i++;
    pos += i;
    if (i < window.length || window.length === 0) return pos;
  }
}
