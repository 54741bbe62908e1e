// Reads response bodies into one buffer that is reused from frame to frame. Taking each frame
// with arrayBuffer() left ~0.5 MB of garbage per slice, which piled up to ~90 MB over a 133-slice
// CT before the next collection and set the renderer's peak memory.

export class ReusableBodyReader {
  private buffer: ArrayBuffer;

  constructor(initialBytes = 1 << 20) {
    this.buffer = new ArrayBuffer(initialBytes);
  }

  /**
   * The whole body, as a view that stays valid only until the next read: consume it (or copy
   * it) before reading again.
   */
  async read(res: Response): Promise<Uint8Array> {
    const reader = byobReader(res.body);
    if (!reader) return new Uint8Array(await res.arrayBuffer());
    let buffer = this.buffer;
    let filled = 0;
    for (;;) {
      if (filled === buffer.byteLength) {
        const bigger = new ArrayBuffer(buffer.byteLength * 2);
        new Uint8Array(bigger).set(new Uint8Array(buffer));
        buffer = bigger;
      }
      // The view's buffer is transferred to the stream and comes back in `value`.
      const { done, value } = await reader.read(new Uint8Array(buffer, filled, buffer.byteLength - filled));
      if (value) buffer = value.buffer as ArrayBuffer;
      if (done) break;
      filled += value!.byteLength;
    }
    this.buffer = buffer;
    return new Uint8Array(buffer, 0, filled);
  }
}

function byobReader(body: ReadableStream<Uint8Array> | null): ReadableStreamBYOBReader | null {
  try {
    return body ? body.getReader({ mode: 'byob' }) : null;
  } catch {
    return null; // not a byte stream here: a buffer per body, as before
  }
}
