// Stored pixel values to HU (Modality LUT, PS3.3 C.11.1): value * slope + intercept, written
// into the volume's Int16 slice. Hot loop: one pass, no allocation.

export interface PixelFormat {
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: number; // 0 unsigned, 1 two's complement
  rescaleSlope: number;
  rescaleIntercept: number;
}

export function storedToHu(raw: Uint8Array, out: Int16Array, f: PixelFormat): void {
  const n = out.length;
  if (f.bitsAllocated !== 16) throw new Error(`${f.bitsAllocated}-bit CT pixels are not supported`);
  if (raw.byteLength < n * 2) throw new Error(`frame has ${raw.byteLength} bytes, expected ${n * 2}`);
  // An aligned view when possible; the multipart body may start at an odd offset.
  const aligned = raw.byteOffset % 2 === 0 ? raw : raw.slice();
  const words = new Uint16Array(aligned.buffer, aligned.byteOffset, n);
  const { rescaleSlope: slope, rescaleIntercept: intercept } = f;
  const shift = 32 - f.bitsStored;
  const mask = f.bitsStored >= 16 ? 0xffff : (1 << f.bitsStored) - 1;
  const signed = f.pixelRepresentation === 1;
  if (slope === 1 && Number.isInteger(intercept)) {
    for (let i = 0; i < n; i++) {
      const v = signed ? ((words[i] << shift) >> shift) : words[i] & mask;
      out[i] = v + intercept;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = signed ? ((words[i] << shift) >> shift) : words[i] & mask;
    out[i] = Math.round(v * slope + intercept);
  }
}
