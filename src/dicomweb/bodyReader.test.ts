import { describe, expect, it } from 'vitest';
import { ReusableBodyReader } from './bodyReader.ts';

function chunkedResponse(chunks: Array<Uint8Array<ArrayBuffer>>): Response {
  const stream = new ReadableStream({
    type: 'bytes',
    start(controller) {
      for (const c of chunks) controller.enqueue(c);
      controller.close();
    },
  });
  return new Response(stream);
}

const bytes = (n: number, seed: number): Uint8Array<ArrayBuffer> => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255);

describe('ReusableBodyReader', () => {
  it('reads a body that arrives in pieces, whole and in order', async () => {
    const reader = new ReusableBodyReader(16);
    const body = await reader.read(chunkedResponse([bytes(10, 1), bytes(30, 2), bytes(5, 3)]));
    expect(Array.from(body)).toEqual([...bytes(10, 1), ...bytes(30, 2), ...bytes(5, 3)]);
  });

  it('reuses its buffer for the next body once it is large enough', async () => {
    const reader = new ReusableBodyReader(64);
    const first = await reader.read(chunkedResponse([bytes(40, 1)]));
    const second = await reader.read(chunkedResponse([bytes(50, 2)]));
    expect(Array.from(second)).toEqual(Array.from(bytes(50, 2)));
    // The same 64 bytes of memory, handed through the stream (the first view is detached by it).
    expect(second.buffer.byteLength).toBe(64);
    expect(first.buffer.byteLength).toBe(0);
  });

  it('reads an empty body and a body without a stream', async () => {
    const reader = new ReusableBodyReader(8);
    expect((await reader.read(new Response(null))).length).toBe(0);
    expect((await reader.read(chunkedResponse([]))).length).toBe(0);
  });
});
