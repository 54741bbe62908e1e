import { describe, expect, it } from 'vitest';
import { firstPart, transferSyntaxOf } from './multipart.ts';

function multipart(boundary: string, partType: string, body: Uint8Array): Uint8Array {
  const enc = new TextEncoder();
  const head = enc.encode(`--${boundary}\r\nContent-Type: ${partType}\r\nContent-Location: x\r\n\r\n`);
  const tail = enc.encode(`\r\n--${boundary}--\r\n`);
  const out = new Uint8Array(head.length + body.length + tail.length);
  out.set(head);
  out.set(body, head.length);
  out.set(tail, head.length + body.length);
  return out;
}

describe('firstPart', () => {
  it('returns the body of a WADO-RS frame without its headers and delimiter', () => {
    const body = new Uint8Array([1, 2, 13, 10, 45, 45, 3, 255]);
    const bytes = multipart('abc-123', 'application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1', body);
    const part = firstPart(bytes, 'multipart/related; type="application/octet-stream"; boundary=abc-123');
    expect(Array.from(part.body)).toEqual(Array.from(body));
    expect(transferSyntaxOf(part.contentType)).toBe('1.2.840.10008.1.2.1');
  });
  it('reads a quoted boundary and a compressed transfer syntax', () => {
    const bytes = multipart('q', 'image/jls; transfer-syntax=1.2.840.10008.1.2.4.80', new Uint8Array([0xff, 0xd8]));
    const part = firstPart(bytes, 'multipart/related; boundary="q"; type="image/jls"');
    expect(Array.from(part.body)).toEqual([0xff, 0xd8]);
    expect(transferSyntaxOf(part.contentType)).toBe('1.2.840.10008.1.2.4.80');
  });
  it('refuses a truncated answer', () => {
    const whole = multipart('b', 'application/octet-stream', new Uint8Array(10));
    const bytes = whole.subarray(0, whole.length - 9); // the closing delimiter cut off
    expect(() => firstPart(bytes, 'multipart/related; boundary=b')).toThrow('truncated');
  });
  it('passes a single-part answer through', () => {
    const bytes = new Uint8Array([5, 6]);
    expect(firstPart(bytes, 'application/octet-stream').body).toBe(bytes);
  });
});
