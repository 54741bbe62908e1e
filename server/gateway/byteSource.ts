// Random-access reads and searches over a STOW-RS body, whether it is in memory (tests, small
// bodies) or spooled to a file (stowSpool.ts): the multipart splitter and the part reader work on
// either without holding a file whole. A search reads the file in blocks of chunkBytes, each
// overlapping the previous by the needle's length less one, so a boundary split between two
// blocks is found all the same.
import type { FileHandle } from 'node:fs/promises';

export interface ByteSource {
  readonly size: number;
  /** Bytes [start, end) (end clipped to size) into a new buffer. */
  read(start: number, end: number): Promise<Buffer>;
  /** Bytes from start into `into` (as many as fit and exist); how many were read. */
  readInto(into: Uint8Array, start: number): Promise<number>;
  /** The first position ≥ from where needle starts and ends by until (default size), or -1. */
  indexOf(needle: Buffer, from: number, until?: number): Promise<number>;
}

export function bufferSource(bytes: Buffer): ByteSource {
  return {
    size: bytes.length,
    read: async (start, end) => Buffer.from(bytes.subarray(start, Math.min(end, bytes.length))),
    readInto: async (into, start) => {
      const part = bytes.subarray(start, start + into.length);
      into.set(part);
      return part.length;
    },
    indexOf: async (needle, from, until = bytes.length) => bytes.subarray(0, Math.min(until, bytes.length)).indexOf(needle, from),
  };
}

// 1 MiB blocks: a 1 GB body is searched in a thousand reads, with one block in memory.
const SEARCH_BLOCK_BYTES = 1024 * 1024;

export class FileSource implements ByteSource {
  private readonly block: Buffer;

  constructor(
    private readonly file: FileHandle,
    readonly size: number,
    private readonly chunkBytes = SEARCH_BLOCK_BYTES,
  ) {
    // Room for a block and the overlap of the longest needle searched (a multipart delimiter is
    // at most 74 bytes, RFC 2046 5.1.1).
    this.block = Buffer.allocUnsafe(chunkBytes + 128);
  }

  async read(start: number, end: number): Promise<Buffer> {
    const into = Buffer.alloc(Math.max(0, Math.min(end, this.size) - start));
    const got = await this.readInto(into, start);
    return into.subarray(0, got);
  }

  async readInto(into: Uint8Array, start: number): Promise<number> {
    const want = Math.max(0, Math.min(into.length, this.size - start));
    let got = 0;
    // A read may return fewer bytes than asked (the file is ours and complete, so never 0 early).
    while (got < want) {
      const { bytesRead } = await this.file.read(into, got, want - got, start + got);
      if (bytesRead === 0) throw new Error('the spooled STOW-RS body ended early');
      got += bytesRead;
    }
    return got;
  }

  async indexOf(needle: Buffer, from: number, until = this.size): Promise<number> {
    if (needle.length > this.block.length - this.chunkBytes + 1) throw new Error('needle longer than the search overlap');
    const end = Math.min(until, this.size);
    for (let at = from; at + needle.length <= end; at += this.chunkBytes) {
      const length = Math.min(end - at, this.chunkBytes + needle.length - 1);
      const got = await this.readInto(this.block.subarray(0, length), at);
      const found = this.block.subarray(0, got).indexOf(needle);
      if (found >= 0) return at + found;
    }
    return -1;
  }
}
