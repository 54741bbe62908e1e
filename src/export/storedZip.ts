// A zip archive of stored (uncompressed) entries, written as the files come (APPNOTE.TXT 6.3:
// local file header + data per entry, then the central directory and its end record), for the
// lead page's dataset download. Stored, not deflated: the NIfTI files are gzipped already and
// SEGs compress little, so deflating again would cost time for nothing. Every entry's CRC-32 and
// size are known before its header (the export makes a file's bytes whole), so no data descriptor.
// No Zip64: an archive over 4 GiB, or over 65,535 entries, is refused (ZipLimitError); the
// command (npm run export) has no such limit. Pure: the bytes go to `emit`.

export class ZipLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipLimitError';
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let n = 0; n < bytes.length; n++) c = CRC_TABLE[(c ^ bytes[n]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const MAX_32 = 0xffffffff;
// MS-DOS date of 1980-01-01 00:00: entries carry no time, so one dataset always zips the same.
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

interface Entry {
  name: Uint8Array;
  crc: number;
  size: number;
  offset: number;
}

export class StoredZipWriter {
  private readonly entries: Entry[] = [];
  private offset = 0;

  constructor(private readonly emit: (chunk: Uint8Array) => void | Promise<void>) {}

  async add(path: string, bytes: Uint8Array): Promise<void> {
    const name = new TextEncoder().encode(path);
    if (this.entries.length >= 0xffff) throw new ZipLimitError('the download holds at most 65,535 files; use npm run export for this study');
    if (this.offset + 30 + name.length + bytes.length > MAX_32) throw new ZipLimitError('the download is limited to 4 GiB; use npm run export for this study');
    const crc = crc32(bytes);
    const h = new DataView(new ArrayBuffer(30));
    h.setUint32(0, 0x04034b50, true); // local file header signature
    h.setUint16(4, 20, true); // version needed: 2.0
    h.setUint16(6, 0x0800, true); // flags: UTF-8 names
    h.setUint16(8, 0, true); // method: stored
    h.setUint16(10, 0, true); // time
    h.setUint16(12, DOS_DATE, true);
    h.setUint32(14, crc, true);
    h.setUint32(18, bytes.length, true); // compressed size
    h.setUint32(22, bytes.length, true); // uncompressed size
    h.setUint16(26, name.length, true);
    h.setUint16(28, 0, true); // extra field length
    this.entries.push({ name, crc, size: bytes.length, offset: this.offset });
    await this.emit(new Uint8Array(h.buffer));
    await this.emit(name);
    await this.emit(bytes);
    this.offset += 30 + name.length + bytes.length;
  }

  /** The central directory and the end record; the archive is complete after this. */
  async finish(): Promise<void> {
    const start = this.offset;
    let size = 0;
    for (const e of this.entries) {
      const h = new DataView(new ArrayBuffer(46));
      h.setUint32(0, 0x02014b50, true); // central directory header signature
      h.setUint16(4, 20, true); // version made by
      h.setUint16(6, 20, true); // version needed
      h.setUint16(8, 0x0800, true);
      h.setUint16(10, 0, true);
      h.setUint16(12, 0, true);
      h.setUint16(14, DOS_DATE, true);
      h.setUint32(16, e.crc, true);
      h.setUint32(20, e.size, true);
      h.setUint32(24, e.size, true);
      h.setUint16(28, e.name.length, true);
      // extra, comment, disk number, internal attributes, external attributes: 0
      h.setUint32(42, e.offset, true);
      await this.emit(new Uint8Array(h.buffer));
      await this.emit(e.name);
      size += 46 + e.name.length;
    }
    if (start + size > MAX_32) throw new ZipLimitError('the download is limited to 4 GiB; use npm run export for this study');
    const end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, this.entries.length, true);
    end.setUint16(10, this.entries.length, true);
    end.setUint32(12, size, true);
    end.setUint32(16, start, true);
    await this.emit(new Uint8Array(end.buffer));
  }
}
