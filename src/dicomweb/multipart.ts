// The body of a single-part multipart/related answer (a WADO-RS frame, PS3.18 8.7.3.1),
// without copying it: a view into the received bytes.

export interface MultipartPart {
  body: Uint8Array;
  contentType: string;
}

const CRLFCRLF = [13, 10, 13, 10];

function indexOf(hay: Uint8Array, needle: ArrayLike<number>, from: number): number {
  const first = needle[0];
  outer: for (let i = from; i <= hay.length - needle.length; i++) {
    if (hay[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

export function boundaryOf(contentType: string): string | null {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  return m ? m[1] : null;
}

/** The first part of a multipart body; a non-multipart answer is returned whole. */
export function firstPart(bytes: Uint8Array, contentType: string): MultipartPart {
  const boundary = boundaryOf(contentType);
  if (!contentType.toLowerCase().startsWith('multipart/') || !boundary) return { body: bytes, contentType };
  const delimiter = new TextEncoder().encode(`--${boundary}`);
  const start = indexOf(bytes, delimiter, 0);
  if (start < 0) throw new Error('multipart answer without its boundary');
  const headerEnd = indexOf(bytes, CRLFCRLF, start + delimiter.length);
  if (headerEnd < 0) throw new Error('multipart part without headers');
  const headers = new TextDecoder().decode(bytes.subarray(start + delimiter.length, headerEnd));
  const partType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
  const bodyStart = headerEnd + 4;
  // The closing delimiter is CRLF "--boundary"; search from the end, the body is large.
  const closing = new Uint8Array(delimiter.length + 2);
  closing.set([13, 10]);
  closing.set(delimiter, 2);
  let end = -1;
  for (let i = bytes.length - closing.length; i >= bodyStart; i--) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 45) {
      let match = true;
      for (let j = 3; j < closing.length; j++) if (bytes[i + j] !== closing[j]) { match = false; break; }
      if (match) { end = i; break; }
    }
  }
  if (end < 0) throw new Error('multipart answer is truncated');
  return { body: bytes.subarray(bodyStart, end), contentType: partType };
}

/** transfer-syntax parameter of a part's content type; absent means Explicit VR Little Endian. */
export function transferSyntaxOf(contentType: string): string {
  return /transfer-syntax="?([0-9.]+|\*)"?/i.exec(contentType)?.[1] ?? '1.2.840.10008.1.2.1';
}
