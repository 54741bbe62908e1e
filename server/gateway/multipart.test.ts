import { describe, expect, it } from 'vitest';
import { MultipartError, parseContentType, splitMultipart } from './multipart.ts';

const part = (body: Buffer | string, headers = 'Content-Type: application/dicom') => Buffer.concat([Buffer.from(`--b1\r\n${headers}\r\n\r\n`), Buffer.from(body), Buffer.from('\r\n')]);

describe('multipart/related', () => {
  it('reads the content type and its parameters', () => {
    expect(parseContentType('multipart/related; type="application/dicom"; boundary=abc')).toEqual({ type: 'multipart/related', params: { type: 'application/dicom', boundary: 'abc' } });
    expect(parseContentType('Multipart/Related;Boundary="x y"')).toEqual({ type: 'multipart/related', params: { boundary: 'x y' } });
    expect(parseContentType(undefined)).toEqual({ type: '', params: {} });
  });

  it('cuts the parts out, binary bodies with CRLFs and dashes included', () => {
    const binary = Buffer.from([0x0d, 0x0a, 0x2d, 0x2d, 0x62, 0x00, 0xff, 0x0d, 0x0a]);
    const body = Buffer.concat([Buffer.from('preamble\r\n'), part(binary), part('second', 'Content-Type: application/dicom\r\nContent-Location: x'), Buffer.from('--b1--\r\n')]);
    const parts = splitMultipart(body, 'b1');
    expect(parts).toHaveLength(2);
    expect(parts[0].body.equals(binary)).toBe(true);
    expect(parts[0].headers).toEqual({ 'content-type': 'application/dicom' });
    expect(parts[1].body.toString()).toBe('second');
    expect(parts[1].headers['content-location']).toBe('x');
  });

  it('refuses a body without its closing delimiter or boundary', () => {
    expect(() => splitMultipart(Buffer.from('--b1\r\nContent-Type: a\r\n\r\nxx'), 'b1')).toThrow(MultipartError);
    expect(() => splitMultipart(Buffer.from('nothing here'), 'b1')).toThrow(MultipartError);
    expect(() => splitMultipart(Buffer.from('--b1--'), 'bad\nboundary')).toThrow(MultipartError);
    expect(splitMultipart(Buffer.from('--b1--\r\n'), 'b1')).toEqual([]);
  });
});
