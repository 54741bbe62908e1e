// Reads the entries of a zip archive (PKWARE APPNOTE 6.3: the central directory found from the
// end record; stored and deflated entries), so an admin can import a hospital's zip of DICOM files
// as it came, in the browser and in `npm run import`. Pure: the raw-deflate inflater is passed in
// (node:zlib inflateRawSync in Node, DecompressionStream('deflate-raw') in the browser).
// Refused with a message, never guessed at: Zip64, encrypted entries, other methods, an entry
// whose sizes or CRC disagree with its bytes.
import { crc32 } from '../export/storedZip.ts';

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated */
  method: 0 | 8;
  compressedSize: number;
  size: number;
  crc32: number;
  /** where the entry's local header starts */
  headerOffset: number;
}

export type InflateRaw = (compressed: Uint8Array) => Uint8Array | Promise<Uint8Array>;

const END = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Whether the bytes start like a zip archive (a local file header or an empty archive's end record). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const sig = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  return sig === LOCAL || sig === END;
}

/** The file entries (folders and macOS resource forks left out), in the archive's order. */
export function zipEntries(zip: Uint8Array): ZipEntry[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  // The end record is the last 22 bytes, unless a comment (up to 65,535 bytes) follows it.
  let end = -1;
  for (let p = zip.length - 22; p >= Math.max(0, zip.length - 22 - 0xffff); p--) {
    if (view.getUint32(p, true) === END) {
      end = p;
      break;
    }
  }
  if (end < 0) throw new ZipError('not a zip archive, or a cut one (no end of central directory)');
  const count = view.getUint16(end + 10, true);
  const size = view.getUint32(end + 12, true);
  const start = view.getUint32(end + 16, true);
  if (count === 0xffff || size === 0xffffffff || start === 0xffffffff) throw new ZipError('a Zip64 archive (over 4 GiB or 65,535 files): split it or unzip it first');
  if (start + size > end) throw new ZipError('a damaged zip archive (central directory out of place)');
  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  let p = start;
  for (let n = 0; n < count; n++) {
    if (p + 46 > end || view.getUint32(p, true) !== CENTRAL) throw new ZipError('a damaged zip archive (central directory entry)');
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    const compressedSize = view.getUint32(p + 20, true);
    const uncompressed = view.getUint32(p + 24, true);
    const nameLength = view.getUint16(p + 28, true);
    const extraLength = view.getUint16(p + 30, true);
    const commentLength = view.getUint16(p + 32, true);
    const headerOffset = view.getUint32(p + 42, true);
    const name = decoder.decode(zip.subarray(p + 46, p + 46 + nameLength));
    p += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/') || name.startsWith('__MACOSX/')) continue;
    if (flags & 1) throw new ZipError(`${name}: an encrypted entry (unzip it with its password first)`);
    if (method !== 0 && method !== 8) throw new ZipError(`${name}: compression method ${method} (only stored and deflated entries are read)`);
    if (compressedSize === 0xffffffff || uncompressed === 0xffffffff || headerOffset === 0xffffffff) throw new ZipError(`${name}: a Zip64 entry: unzip it first`);
    entries.push({ name, method, compressedSize, size: uncompressed, crc32: crc, headerOffset });
  }
  return entries;
}

/** An entry's bytes, checked against its size and CRC-32. */
export async function zipEntryBytes(zip: Uint8Array, entry: ZipEntry, inflateRaw: InflateRaw): Promise<Uint8Array> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const h = entry.headerOffset;
  if (h + 30 > zip.length || view.getUint32(h, true) !== LOCAL) throw new ZipError(`${entry.name}: a damaged zip archive (local header)`);
  const data = h + 30 + view.getUint16(h + 26, true) + view.getUint16(h + 28, true);
  if (data + entry.compressedSize > zip.length) throw new ZipError(`${entry.name}: the archive is cut short`);
  const raw = zip.subarray(data, data + entry.compressedSize);
  let bytes: Uint8Array;
  try {
    bytes = entry.method === 0 ? raw : await inflateRaw(raw);
  } catch {
    throw new ZipError(`${entry.name}: its compressed data is damaged`);
  }
  if (bytes.length !== entry.size || crc32(bytes) !== entry.crc32) throw new ZipError(`${entry.name}: its data does not match the archive's checksum`);
  return bytes;
}
