// A small DICOM Part 10 writer (Explicit VR Little Endian, defined-length sequences and items),
// shared by the SEG and SR encoders. Datasets are plain arrays of elements, sorted by tag when
// written (PS3.5 7.1: elements in ascending tag order), so builders can list them in any order.
import type { CodedConcept } from '../model/codedConcept.ts';

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
// Fixed for this writer (a 2.25 UUID-derived root, so no registered org root is needed).
export const IMPLEMENTATION_CLASS_UID = '2.25.214536888439935438394540214989328724176';

export type Vr = 'AT' | 'CS' | 'DA' | 'DS' | 'DT' | 'FD' | 'FL' | 'IS' | 'LO' | 'LT' | 'OB' | 'PN' | 'SH' | 'SQ' | 'ST' | 'TM' | 'UC' | 'UI' | 'UL' | 'UR' | 'US' | 'UT';
export interface Element {
  tag: number;
  vr: Vr;
  value: string | readonly number[] | Uint8Array | Item[];
}
export type Item = Element[];

// Explicit VR: these VRs have a 4-byte length after two reserved bytes, the others a 2-byte length
// (PS3.5 7.1.2).
const LONG_VRS = new Set<Vr>(['OB', 'SQ', 'UC', 'UR', 'UT']);
const utf8 = new TextEncoder();

export function tag(group: number, element: number): number {
  return group * 0x10000 + element;
}

export function el(group: number, element: number, vr: Vr, value: Element['value']): Element {
  return { tag: tag(group, element), vr, value };
}

export function seq(group: number, element: number, ...items: Item[]): Element {
  return el(group, element, 'SQ', items);
}

export class ByteWriter {
  bytes: Uint8Array;
  view: DataView;
  pos = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.pos + n));
    grown.set(this.bytes.subarray(0, this.pos));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }

  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.bytes.set(b, this.pos);
    this.pos += b.length;
  }

  header(t: number, vr: Vr, length: number): number {
    this.u16(Math.floor(t / 0x10000));
    this.u16(t & 0xffff);
    this.u16(vr.charCodeAt(0) | (vr.charCodeAt(1) << 8));
    if (LONG_VRS.has(vr)) {
      this.u16(0);
      this.u32(length);
      return this.pos - 4;
    }
    if (length > 0xffff) throw new Error(`DICOM value too long for ${vr} (${length} bytes)`);
    this.u16(length);
    return this.pos - 2;
  }

  patch32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }
}

const BINARY_SIZES: Partial<Record<Vr, number>> = { US: 2, UL: 4, AT: 4, FL: 4, FD: 8 };

function valueBytes(e: Element): Uint8Array {
  const { vr, value } = e;
  if (value instanceof Uint8Array) return value;
  const size = BINARY_SIZES[vr];
  if (size !== undefined) {
    const numbers = value as readonly number[];
    const out = new Uint8Array(numbers.length * size);
    const dv = new DataView(out.buffer);
    numbers.forEach((n, i) => {
      if (vr === 'US') dv.setUint16(i * 2, n, true);
      else if (vr === 'UL') dv.setUint32(i * 4, n, true);
      else if (vr === 'FL') dv.setFloat32(i * 4, n, true);
      else if (vr === 'FD') dv.setFloat64(i * 8, n, true);
      else {
        dv.setUint16(i * 4, Math.floor(n / 0x10000), true);
        dv.setUint16(i * 4 + 2, n & 0xffff, true);
      }
    });
    return out;
  }
  const text = utf8.encode(value as string);
  if (text.length % 2 === 0) return text;
  const padded = new Uint8Array(text.length + 1);
  padded.set(text);
  padded[text.length] = vr === 'UI' ? 0 : 0x20;
  return padded;
}

export function writeItems(w: ByteWriter, elements: Item): void {
  const sorted = [...elements].sort((a, b) => a.tag - b.tag);
  for (const e of sorted) {
    if (e.vr === 'SQ') {
      const at = w.header(e.tag, 'SQ', 0);
      const start = w.pos;
      for (const item of e.value as Item[]) {
        w.u16(0xfffe);
        w.u16(0xe000);
        const itemAt = w.pos;
        w.u32(0);
        const itemStart = w.pos;
        writeItems(w, item);
        w.patch32(itemAt, w.pos - itemStart);
      }
      w.patch32(at, w.pos - start);
      continue;
    }
    const bytes = valueBytes(e);
    w.header(e.tag, e.vr, bytes.length);
    w.raw(bytes);
  }
}

/** Preamble, "DICM" and the File Meta Information group (PS3.10 7.1) for an Explicit VR LE file. */
export function metaBytes(sopClassUid: string, sopInstanceUid: string, implementationVersionName: string): Uint8Array {
  const body = new ByteWriter(256);
  writeItems(body, [
    el(0x0002, 0x0001, 'OB', new Uint8Array([0, 1])),
    el(0x0002, 0x0002, 'UI', sopClassUid),
    el(0x0002, 0x0003, 'UI', sopInstanceUid),
    el(0x0002, 0x0010, 'UI', EXPLICIT_VR_LITTLE_ENDIAN),
    el(0x0002, 0x0012, 'UI', IMPLEMENTATION_CLASS_UID),
    el(0x0002, 0x0013, 'SH', implementationVersionName),
  ]);
  const w = new ByteWriter(body.pos + 144);
  w.pos = 128;
  w.raw(utf8.encode('DICM'));
  writeItems(w, [el(0x0002, 0x0000, 'UL', [body.pos])]);
  w.raw(body.bytes.subarray(0, body.pos));
  return w.bytes.subarray(0, w.pos);
}

// ---- value formatting: the VR rules the validator checks ----

/** A DS string of at most 16 characters, as precise as fits. */
export function formatDs(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`cannot write ${x} as a DICOM decimal`);
  if (Math.abs(x) < 1e-12) return '0';
  for (let digits = 15; digits > 0; digits--) {
    const s = String(Number(x.toPrecision(digits)));
    if (s.length <= 16) return s;
  }
  return '0';
}

// Characters a single-valued text VR cannot hold: the backslash separates values, control
// characters are not allowed outside LT/ST/UT.
export function cleanText(s: string | undefined, maxChars: number): string {
  const chars = Array.from((s ?? '').replace(/\\/g, '/').replace(/\p{Cc}/gu, ' ').trim());
  return chars.slice(0, maxChars).join('').trimEnd();
}

export function cleanCs(s: string, maxChars = 16): string {
  return s.toUpperCase().replace(/[^A-Z0-9 _]/g, '_').slice(0, maxChars).trim();
}

export function cleanDate(s: string | undefined): string {
  const v = (s ?? '').trim();
  return /^\d{8}$/.test(v) ? v : '';
}

export function cleanTime(s: string | undefined): string {
  const v = (s ?? '').trim();
  return /^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$/.test(v) ? v : '';
}

export function checkUid(s: string, what: string): string {
  const v = s.trim().replace(/\0+$/, '');
  if (!/^[0-9]+(\.[0-9]+)*$/.test(v) || v.length > 64) throw new Error(`${what} "${s}" is not a valid DICOM UID`);
  return v;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** DA of the local calendar date. */
export function dicomDate(d: Date): string {
  return `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}`;
}

/** TM of the local time, whole seconds. */
export function dicomTime(d: Date): string {
  return `${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}`;
}

/** Timezone Offset From UTC (0008,0201) of the local time zone at d, e.g. "+0100". */
export function timezoneOffset(d: Date): string {
  const minutes = -d.getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${two(Math.floor(abs / 60))}${two(abs % 60)}`;
}

/** A new UID under 2.25 (from 128 random bits), for callers that need SOP/Series Instance UIDs. */
export function generateUid(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  // RFC 4122 version-4 bits, so the number is a valid UUID's integer value as 2.25 requires.
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return `2.25.${n.toString()}`;
}

/** A Code Sequence item (PS3.3 Table 8.8-1). */
export function codeItem(c: CodedConcept): Item {
  const value = c.value.trim();
  const item: Item = [el(0x0008, 0x0102, 'SH', cleanText(c.scheme, 16)), el(0x0008, 0x0104, 'LO', cleanText(c.meaning, 64))];
  // SH holds 16 characters; longer codes (some SNOMED CT ids) go to Long Code Value, URNs to URN Code Value.
  if (/^(urn|https?):/i.test(value)) item.push(el(0x0008, 0x0120, 'UR', value));
  else if (value.length > 16) item.push(el(0x0008, 0x0119, 'UC', cleanText(value, 1024)));
  else item.push(el(0x0008, 0x0100, 'SH', cleanText(value, 16)));
  return item;
}
