// Compresses a labelmap slice for the draft store. Labelmaps are long runs of zeros, which
// deflate shrinks a thousandfold; the browser's CompressionStream does it off the JS heap.
export async function compressSlice(bytes: Uint8Array): Promise<Uint8Array> {
  return transform(bytes, new CompressionStream('deflate-raw'));
}

export async function decompressSlice(bytes: Uint8Array): Promise<Uint8Array> {
  return transform(bytes, new DecompressionStream('deflate-raw'));
}

async function transform(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  void writer.write(bytes as Uint8Array<ArrayBuffer>).then(() => writer.close());
  const buffer = await new Response(stream.readable).arrayBuffer();
  return new Uint8Array(buffer);
}
