// multipart/related bodies (RFC 2387) as STOW-RS sends them (PS3.18 8.6.1.2): the parts are cut
// out of the buffered body in place, without copying.

export interface Part {
  /** header names lower-cased */
  headers: Record<string, string>;
  body: Buffer;
}

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

export function splitMultipart(body: Buffer, boundary: string): Part[] {
  if (!/^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$/.test(boundary)) throw new MultipartError('invalid multipart boundary');
  const delimiter = Buffer.from(`--${boundary}`);
  // The first delimiter may open the body directly or follow a preamble and a CRLF.
  let at = body.subarray(0, delimiter.length).equals(delimiter) ? 0 : body.indexOf(Buffer.from(`\r\n--${boundary}`));
  if (at < 0) throw new MultipartError('no multipart delimiter in the body');
  if (at > 0) at += 2;
  const parts: Part[] = [];
  const next = Buffer.from(`\r\n--${boundary}`);
  for (;;) {
    let pos = at + delimiter.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts; // closing delimiter "--"
    // Transport padding, then CRLF.
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw new MultipartError('malformed multipart delimiter line');
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    const end = body.indexOf(next, pos);
    if (end < 0) throw new MultipartError('the multipart body is not closed');
    const headers: Record<string, string> = {};
    let bodyStart: number;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) {
      bodyStart = pos + 2; // no headers
    } else {
      if (headerEnd < 0 || headerEnd > end) throw new MultipartError('a part has no end of headers');
      for (const line of body.subarray(pos, headerEnd).toString('latin1').split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      bodyStart = headerEnd + 4;
    }
    parts.push({ headers, body: body.subarray(bodyStart, end) });
    at = end + 2;
  }
}
