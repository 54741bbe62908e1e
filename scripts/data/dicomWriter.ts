// Minimal DICOM Part 10 writer (Explicit VR Little Endian) for the synthetic phantoms and
// test series the project makes itself. Only what those need: no sequences beyond one level,
// no other transfer syntax (tests make compressed copies with dcmtk).

export type DicomValue = string | number | number[] | Uint8Array | DicomElement[][];
export interface DicomElement {
  tag: number; // (group << 16) | element
  vr: string;
  value: DicomValue;
}

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UN', 'UT', 'UC', 'UR', 'OD', 'OL']);
const enc = new TextEncoder();

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

function pad(bytes: Uint8Array, padByte: number): Uint8Array {
  if (bytes.length % 2 === 0) return bytes;
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = padByte;
  return out;
}

function valueBytes(el: DicomElement): Uint8Array {
  const { vr, value } = el;
  if (value instanceof Uint8Array) return pad(value, 0);
  if (vr === 'US' || vr === 'SS') {
    const vals = Array.isArray(value) ? (value as number[]) : [value as number];
    const out = new DataView(new ArrayBuffer(vals.length * 2));
    vals.forEach((v, i) => (vr === 'US' ? out.setUint16(i * 2, v, true) : out.setInt16(i * 2, v, true)));
    return new Uint8Array(out.buffer);
  }
  if (vr === 'UL') {
    const out = new DataView(new ArrayBuffer(4));
    out.setUint32(0, value as number, true);
    return new Uint8Array(out.buffer);
  }
  const text = Array.isArray(value) ? (value as number[]).join('\\') : String(value);
  return pad(enc.encode(text), vr === 'UI' ? 0 : 0x20);
}

function header(tag: number, vr: string, length: number): Uint8Array {
  const long = LONG_VRS.has(vr);
  const dv = new DataView(new ArrayBuffer(long ? 12 : 8));
  dv.setUint16(0, tag >>> 16, true);
  dv.setUint16(2, tag & 0xffff, true);
  dv.setUint8(4, vr.charCodeAt(0));
  dv.setUint8(5, vr.charCodeAt(1));
  if (long) dv.setUint32(8, length, true);
  else dv.setUint16(6, length, true);
  return new Uint8Array(dv.buffer);
}

function encodeElements(elements: DicomElement[]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (const el of [...elements].sort((a, b) => a.tag - b.tag)) {
    if (el.vr === 'SQ') {
      const items = el.value as DicomElement[][];
      const itemParts = items.map((item) => {
        const body = concat(encodeElements(item));
        const itemHeader = new DataView(new ArrayBuffer(8));
        itemHeader.setUint16(0, 0xfffe, true);
        itemHeader.setUint16(2, 0xe000, true);
        itemHeader.setUint32(4, body.length, true);
        return concat([new Uint8Array(itemHeader.buffer), body]);
      });
      const body = concat(itemParts);
      parts.push(header(el.tag, 'SQ', body.length), body);
      continue;
    }
    const bytes = valueBytes(el);
    parts.push(header(el.tag, el.vr, bytes.length), bytes);
  }
  return parts;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** A whole Part 10 file: preamble, DICM, file meta (group 0002) and the data set. */
export function writePart10(dataset: DicomElement[], sopClassUid: string, sopInstanceUid: string): Uint8Array {
  const metaBody = concat(
    encodeElements([
      { tag: 0x00020001, vr: 'OB', value: new Uint8Array([0, 1]) },
      { tag: 0x00020002, vr: 'UI', value: sopClassUid },
      { tag: 0x00020003, vr: 'UI', value: sopInstanceUid },
      { tag: 0x00020010, vr: 'UI', value: EXPLICIT_VR_LITTLE_ENDIAN },
      { tag: 0x00020012, vr: 'UI', value: '1.2.826.0.1.3680043.10.1234.1' },
      { tag: 0x00020013, vr: 'SH', value: 'CTAW_0_1' },
    ]),
  );
  const groupLength = concat(encodeElements([{ tag: 0x00020000, vr: 'UL', value: metaBody.length }]));
  const preamble = new Uint8Array(132);
  preamble.set(enc.encode('DICM'), 128);
  return concat([preamble, groupLength, metaBody, concat(encodeElements(dataset))]);
}
