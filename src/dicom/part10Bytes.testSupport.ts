// For tests: DICOM bytes written exactly as given (any order, any length, explicit or implicit
// VR, defined or undefined lengths), to build the malformed files a strict reader must refuse.
// The app's writer (part10Writer.ts) cannot write those: it sorts and measures. Not part of the app.

const enc = new TextEncoder();
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
export const UNDEFINED_LENGTH = 0xffffffff;

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A value: text padded to even length (UI with NUL, others with a space), or bytes as given. */
export function value(v: string | Uint8Array, vr = 'UI'): Uint8Array {
  if (v instanceof Uint8Array) return v;
  const text = enc.encode(v);
  return text.length % 2 === 0 ? text : concat(text, new Uint8Array([vr === 'UI' ? 0 : 0x20]));
}

export function u32(...vs: number[]): Uint8Array {
  const out = new DataView(new ArrayBuffer(4 * vs.length));
  vs.forEach((v, i) => out.setUint32(4 * i, v, true));
  return new Uint8Array(out.buffer);
}

function tagBytes(tag: number): Uint8Array {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setUint16(0, tag >>> 16, true);
  dv.setUint16(2, tag & 0xffff, true);
  return new Uint8Array(dv.buffer);
}

/** An Explicit VR element; length defaults to the value's. */
export function ex(tag: number, vr: string, v: string | Uint8Array, length?: number): Uint8Array {
  const body = value(v, vr);
  const n = length ?? body.length;
  const head = new DataView(new ArrayBuffer(LONG_VRS.has(vr) ? 8 : 4));
  head.setUint8(0, vr.charCodeAt(0));
  head.setUint8(1, vr.charCodeAt(1));
  if (LONG_VRS.has(vr)) head.setUint32(4, n, true);
  else head.setUint16(2, n, true);
  return concat(tagBytes(tag), new Uint8Array(head.buffer), body);
}

/** An Implicit VR element; length defaults to the value's. */
export function im(tag: number, v: string | Uint8Array, length?: number): Uint8Array {
  const body = value(v);
  return concat(tagBytes(tag), u32(length ?? body.length), body);
}

/** An item of defined length (or of the length given), or of undefined length with its delimiter. */
export function item(content: Uint8Array, length: number | 'undefined' = content.length): Uint8Array {
  if (length === 'undefined') return concat(tagBytes(0xfffee000), u32(UNDEFINED_LENGTH), content, tagBytes(0xfffee00d), u32(0));
  return concat(tagBytes(0xfffee000), u32(length), content);
}

/** An explicit VR sequence (VR SQ, or UN) of defined or undefined length. */
export function sq(tag: number, items: Uint8Array[], length: 'defined' | 'undefined' = 'defined', vr = 'SQ'): Uint8Array {
  const body = concat(...items);
  if (length === 'defined') return ex(tag, vr, body);
  return concat(ex(tag, vr, body, UNDEFINED_LENGTH), tagBytes(0xfffee0dd), u32(0));
}

/** An implicit VR sequence of defined or undefined length. */
export function imSq(tag: number, items: Uint8Array[], length: 'defined' | 'undefined' = 'defined'): Uint8Array {
  const body = concat(...items);
  if (length === 'defined') return im(tag, body);
  return concat(im(tag, body, UNDEFINED_LENGTH), tagBytes(0xfffee0dd), u32(0));
}

/** Encapsulated pixel data: an empty offset table, the fragments, the sequence delimiter. */
export function encapsulatedPixelData(...fragments: Uint8Array[]): Uint8Array {
  return concat(ex(0x7fe00010, 'OB', new Uint8Array(0), UNDEFINED_LENGTH), item(new Uint8Array(0)), ...fragments.map((f) => item(f)), tagBytes(0xfffee0dd), u32(0));
}

/** Preamble, DICM and a file meta (with its group length) naming the transfer syntax, then the body. */
export function part10(body: Uint8Array, transferSyntax = '1.2.840.10008.1.2.1', sopInstance = '1.2.3.4', sopClass = '1.2.840.10008.5.1.4.1.1.66.4'): Uint8Array {
  return part10WithMeta(concat(ex(0x00020001, 'OB', new Uint8Array([0, 1])), ex(0x00020002, 'UI', sopClass), ex(0x00020003, 'UI', sopInstance), ex(0x00020010, 'UI', transferSyntax)), body);
}

/** Preamble, DICM, the group length of the meta elements given (or the one given), them, then the body. */
export function part10WithMeta(meta: Uint8Array, body: Uint8Array, groupLength = meta.length): Uint8Array {
  return concat(new Uint8Array(128), enc.encode('DICM'), ex(0x00020000, 'UL', u32(groupLength)), meta, body);
}
