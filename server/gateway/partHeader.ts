// One STOW-RS part's header (dicomHeader.ts), read from where the body lies (byteSource.ts), one
// part at a time, by the same strict reader over the same bytes as for a body held in memory.
//   A part up to wholeMaxBytes (32 MiB) is read whole: CT slices (~0.5 MB), the app's SEGs and
//   SRs (a few MB) and most multi-frame objects, one in memory at a time.
//   A larger part is read as its first headBytes (8 MiB) and last tailBytes (64 KiB) into a buffer
//   of its full size whose middle stays zeros: pages never written are not backed by memory (Linux
//   maps untouched zero pages lazily), so it costs its head and tail, not its size. The verdict is
//   the whole file's when the middle lies inside the top-level native Pixel Data (where a large
//   object's bulk is), which readDicomHeaderAround checks on what the reader found. Otherwise (a
//   header longer than headBytes, encapsulated or deflated pixel data, a damaged object) the part
//   is read whole: the verdict is always the whole file's, at worst at the memory cost of before.
import type { ByteSource } from './byteSource.ts';
import { type DicomHeader, readDicomHeader, readDicomHeaderAround } from './dicomHeader.ts';

const MIB = 1024 * 1024;

export interface PartReadLimits {
  wholeMaxBytes: number;
  headBytes: number;
  tailBytes: number;
}

export const PART_READ_LIMITS: PartReadLimits = {
  wholeMaxBytes: 32 * MIB,
  // A 1,000-frame SEG's per-frame functional groups are ~1 MB; 8 MiB leaves room for the headers
  // of large multi-frame CTs too.
  headBytes: 8 * MIB,
  // After the pixel data may come Data Set Trailing Padding or a Digital Signatures Sequence.
  tailBytes: 64 * 1024,
};

export interface PartBytes {
  start: number;
  end: number;
}

export async function readPartHeader(body: ByteSource, part: PartBytes, limits = PART_READ_LIMITS): Promise<DicomHeader> {
  const size = part.end - part.start;
  if (size > limits.wholeMaxBytes && size > limits.headBytes + limits.tailBytes) {
    const header = await readAroundMiddle(body, part, limits);
    if (header) return header;
  }
  return readDicomHeader(await body.read(part.start, part.end));
}

async function readAroundMiddle(body: ByteSource, part: PartBytes, { headBytes, tailBytes }: PartReadLimits): Promise<DicomHeader | null> {
  const size = part.end - part.start;
  // Buffer.alloc zero-fills by asking the allocator for zeroed memory, not by writing zeros.
  const bytes = Buffer.alloc(size);
  await body.readInto(bytes.subarray(0, headBytes), part.start);
  await body.readInto(bytes.subarray(size - tailBytes), part.end - tailBytes);
  return readDicomHeaderAround(bytes, { start: headBytes, end: size - tailBytes });
}
