// IEEE 754 half floats for integer voxel values: the texture format of a CT volume on GPUs
// without 16-bit normalized textures (see halfFloatTexture.ts).

/** The half-float bit pattern nearest to an integer (ties to even), as the GPU would round. */
export function halfOfInteger(n: number): number {
  if (n === 0) return 0;
  const sign = n < 0 ? 0x8000 : 0;
  const a = Math.abs(n);
  if (a >= 65520) return sign | 0x7c00; // beyond the largest half (65504): infinity
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--; // log2 of powers of two can land a hair low or high
  else if (2 ** (e + 1) <= a) e++;
  const scaled = (a / 2 ** e - 1) * 1024;
  let m = Math.floor(scaled);
  const rest = scaled - m;
  if (rest > 0.5 || (rest === 0.5 && m % 2 === 1)) m++;
  if (m === 1024) {
    m = 0;
    e++;
  }
  return sign | ((e + 15) << 10) | m;
}

let int16Table: Uint16Array | null = null;

/** Half floats of all 65536 Int16 values, indexed by value + 32768 (built once, 128 KB). */
export function halfOfInt16Table(): Uint16Array {
  if (!int16Table) {
    int16Table = new Uint16Array(65536);
    for (let v = -32768; v < 32768; v++) int16Table[v + 32768] = halfOfInteger(v);
  }
  return int16Table;
}

/** Int16 voxels to half floats, into `out` (same length). */
export function int16ToHalf(src: Int16Array, out: Uint16Array): Uint16Array {
  const table = halfOfInt16Table();
  for (let i = 0; i < src.length; i++) out[i] = table[src[i] + 32768];
  return out;
}
