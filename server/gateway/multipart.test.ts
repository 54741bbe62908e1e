import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ByteSource, FileSource, bufferSource } from './byteSource.ts';
import { MultipartError, type PartRange, parseContentType, splitMultipart } from './multipart.ts';

const part = (body: Buffer | string, headers = 'Content-Type: application/dicom') => Buffer.concat([Buffer.from(`--b1\r\n${headers}\r\n\r\n`), Buffer.from(body), Buffer.from('\r\n')]);

const dir = mkdtempSync(join(tmpdir(), 'ctaw-multipart-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** The body in a file, searched in blocks of chunkBytes. */
async function inFile<T>(body: Buffer, chunkBytes: number, use: (source: ByteSource) => Promise<T>): Promise<T> {
  const path = join(dir, `body-${files++}`);
  writeFileSync(path, body);
  const file = await open(path, 'r');
  try {
    return await use(new FileSource(file, body.length, chunkBytes));
  } finally {
    await file.close();
  }
}

/** What splitting gives from memory and from a file in blocks of every size up to past the body. */
async function everyWay(body: Buffer, boundary = 'b1'): Promise<Array<PartRange[] | string>> {
  const outcome = (p: Promise<PartRange[]>) => p.catch((err: Error) => (err instanceof MultipartError ? `MultipartError: ${err.message}` : `other: ${err.message}`));
  const out = [await outcome(splitMultipart(bufferSource(body), boundary))];
  for (const chunk of [1, 2, 3, 5, 7, 8, 13, 64, body.length + 1]) out.push(await inFile(body, chunk, (s) => outcome(splitMultipart(s, boundary))));
  return out;
}

const bodies = (body: Buffer, parts: PartRange[]) => parts.map((p) => body.subarray(p.start, p.end).toString('latin1'));

describe('multipart/related', () => {
  it('reads the content type and its parameters', () => {
    expect(parseContentType('multipart/related; type="application/dicom"; boundary=abc')).toEqual({ type: 'multipart/related', params: { type: 'application/dicom', boundary: 'abc' } });
    expect(parseContentType('Multipart/Related;Boundary="x y"')).toEqual({ type: 'multipart/related', params: { boundary: 'x y' } });
    expect(parseContentType(undefined)).toEqual({ type: '', params: {} });
  });

  it('finds the parts, binary bodies with CRLFs and dashes included', async () => {
    const binary = Buffer.from([0x0d, 0x0a, 0x2d, 0x2d, 0x62, 0x00, 0xff, 0x0d, 0x0a]);
    const body = Buffer.concat([Buffer.from('preamble\r\n'), part(binary), part('second', 'Content-Type: application/dicom\r\nContent-Location: x'), Buffer.from('--b1--\r\n')]);
    const parts = await splitMultipart(bufferSource(body), 'b1');
    expect(parts).toHaveLength(2);
    expect(body.subarray(parts[0].start, parts[0].end).equals(binary)).toBe(true);
    expect(parts[0].headers).toEqual({ 'content-type': 'application/dicom' });
    expect(bodies(body, parts)[1]).toBe('second');
    expect(parts[1].headers['content-location']).toBe('x');
  });

  it('finds the same parts in a file whatever the block size, delimiters and header ends split between blocks', async () => {
    const boundary = 'ctaw-test-0123456789abcdef';
    const p = (b: string, headers = 'Content-Type: application/dicom') => `--${boundary}\r\n${headers}\r\n\r\n${b}\r\n`;
    // Near-delimiters inside the bodies: a block ending inside one must not lose the real one.
    const body = Buffer.from(`${p(`\r\n--${boundary.slice(0, 9)}x\r\n\r\n`)}${p('', 'Content-Type: application/dicom')}--${boundary} \t\r\n\r\nno headers\r\n${p('last')}--${boundary}--`);
    const all = await everyWay(body, boundary);
    const [fromMemory] = all;
    expect(bodies(body, fromMemory as PartRange[])).toEqual([`\r\n--${boundary.slice(0, 9)}x\r\n\r\n`, '', 'no headers', 'last']);
    for (const got of all) expect(got).toEqual(fromMemory);
  });

  it('refuses a truncated body, a part with no closing boundary, and a body without delimiter or boundary, alike from a file', async () => {
    const whole = Buffer.concat([part('first'), part('second'), Buffer.from('--b1--\r\n')]);
    const refusals: Array<[Buffer, string]> = [
      // Cut inside the second part: its closing delimiter never comes.
      [whole.subarray(0, whole.indexOf('second') + 3), 'MultipartError: the multipart body is not closed'],
      [Buffer.from('--b1\r\nContent-Type: a\r\n\r\nxx'), 'MultipartError: the multipart body is not closed'],
      // The last delimiter without its "--" (the body ends at it).
      [Buffer.concat([part('first'), Buffer.from('--b1')]), 'MultipartError: malformed multipart delimiter line'],
      [Buffer.concat([part('first'), Buffer.from('--b1 \t')]), 'MultipartError: malformed multipart delimiter line'],
      // Headers that never end before the next delimiter.
      [Buffer.from('--b1\r\nContent-Type: a\r\nxx\r\n--b1--'), 'MultipartError: a part has no end of headers'],
      [Buffer.from('nothing here'), 'MultipartError: no multipart delimiter in the body'],
      [Buffer.alloc(0), 'MultipartError: no multipart delimiter in the body'],
    ];
    for (const [body, refusal] of refusals) {
      for (const got of await everyWay(body)) expect(got, JSON.stringify(body.toString('latin1'))).toBe(refusal);
    }
    await expect(splitMultipart(bufferSource(Buffer.from('--b1--')), 'bad\nboundary')).rejects.toThrow(MultipartError);
    expect(await splitMultipart(bufferSource(Buffer.from('--b1--\r\n')), 'b1')).toEqual([]);
  });

  it('refuses part headers of more than 64 KiB, which it would otherwise read into memory', async () => {
    const long = part('x', `Content-Type: application/dicom\r\nX-Padding: ${'a'.repeat(64 * 1024)}`);
    await expect(splitMultipart(bufferSource(Buffer.concat([long, Buffer.from('--b1--')])), 'b1')).rejects.toThrow(/more than 64 KiB of headers/);
  });
});
