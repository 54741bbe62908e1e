// One WADO-RS frame. Asks the archive for Explicit VR Little Endian: Orthanc (and most archives)
// transcode JPEG Lossless, JPEG-LS, RLE, JPEG 2000 server-side in native code, which is far
// faster than decoding in the browser. An archive that cannot transcode answers in the stored
// syntax, and the caller decodes those bytes in the image loader's codec workers.
import { DicomwebError, messageForStatus } from './httpClient.ts';
import { retryGet } from './retryGet.ts';
import { firstPart, transferSyntaxOf } from './multipart.ts';
import type { ReusableBodyReader } from './bodyReader.ts';

export const EXPLICIT_LITTLE = '1.2.840.10008.1.2.1';
export const IMPLICIT_LITTLE = '1.2.840.10008.1.2';
export const ACCEPT_RAW = `multipart/related; type="application/octet-stream"; transfer-syntax=${EXPLICIT_LITTLE}`;
export const ACCEPT_ANY = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';

export interface FetchedFrame {
  bytes: Uint8Array;
  transferSyntaxUid: string;
  receivedBytes: number;
}

async function get(url: string, accept: string, signal: AbortSignal, headers: Record<string, string>): Promise<Response> {
  try {
    // A failover (no connection, 502/503/504) is waited out here (retryGet.ts).
    return await retryGet(url, { headers: { ...headers, Accept: accept }, signal });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new DicomwebError('offline', 'the connection failed');
  }
}

/**
 * With a `reader`, the frame's bytes are a view into its buffer, valid until its next read.
 * `headers`: none in the browser (its cookie goes by itself); a Node client's session (bench/).
 */
export async function fetchFrame(url: string, signal: AbortSignal, reader?: ReusableBodyReader, headers: Record<string, string> = {}): Promise<FetchedFrame> {
  let res = await get(url, ACCEPT_RAW, signal, headers);
  // 406/400: this archive will not transcode; take the frame as stored.
  if (res.status === 406 || res.status === 400) res = await get(url, ACCEPT_ANY, signal, headers);
  if (!res.ok) {
    const { kind, message } = messageForStatus(res.status);
    throw new DicomwebError(kind, message, res.status);
  }
  const bytes = reader ? await reader.read(res) : new Uint8Array(await res.arrayBuffer());
  const part = firstPart(bytes, res.headers.get('content-type') ?? 'application/octet-stream');
  return { bytes: part.body, transferSyntaxUid: transferSyntaxOf(part.contentType), receivedBytes: bytes.byteLength };
}
