import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, describe, expect, it } from 'vitest';
import { spoolBody } from './stowSpool.ts';

const roots = mkdtempSync(join(tmpdir(), 'ctaw-spool-test-'));
afterAll(() => rmSync(roots, { recursive: true, force: true }));
let n = 0;
const freshRoot = () => {
  const root = join(roots, String(n++));
  mkdirSync(root);
  return root;
};

const chunks = (...parts: string[]) => Readable.from(parts.map((p) => Buffer.from(p)));

describe('a STOW-RS body spooled to disk', () => {
  it('holds exactly the bytes received, in a private file, until removed', async () => {
    const root = freshRoot();
    const body = await spoolBody(chunks('--b1\r\n', 'Content-Type: application/dicom\r\n\r\n', 'xyz', '\r\n--b1--'), 1000, null, root);
    expect(body).not.toBeNull();
    const expected = '--b1\r\nContent-Type: application/dicom\r\n\r\nxyz\r\n--b1--';
    expect(body!.size).toBe(expected.length);
    expect((await body!.bytes.read(0, body!.size)).toString()).toBe(expected);
    expect(await body!.bytes.indexOf(Buffer.from('xyz'), 0)).toBe(expected.indexOf('xyz'));
    expect(await text(body!.stream())).toBe(expected);
    const [folder] = readdirSync(root);
    expect(folder).toMatch(new RegExp(`^ctaw-stow-${process.pid}-`));
    expect(statSync(join(root, folder)).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, folder, 'body')).mode & 0o777).toBe(0o600);
    await body!.remove();
    await body!.remove();
    expect(readdirSync(root)).toEqual([]);
  });

  it('counts bytes against the limit as they arrive, and reads the rest without keeping it', async () => {
    const root = freshRoot();
    const stream = chunks('a'.repeat(600), 'b'.repeat(600), 'c'.repeat(600));
    expect(await spoolBody(stream, 1000, null, root)).toBeNull();
    expect(stream.readableEnded).toBe(true);
    expect(readdirSync(root)).toEqual([]);
    // Exactly the limit is fine.
    const exact = await spoolBody(chunks('a'.repeat(600), 'b'.repeat(400)), 1000, 1000, root);
    expect(exact!.size).toBe(1000);
    await exact!.remove();
  });

  it('refuses a declared Content-Length over the limit before spooling anything', async () => {
    const root = freshRoot();
    const stream = chunks('a'.repeat(10));
    expect(await spoolBody(stream, 1000, 1001, root)).toBeNull();
    expect(stream.readableEnded).toBe(true);
    expect(readdirSync(root)).toEqual([]);
  });

  it('removes the file when the client aborts mid-body', async () => {
    const root = freshRoot();
    const stream = new PassThrough();
    const spooled = spoolBody(stream, 1000, null, root);
    stream.write(Buffer.from('--b1\r\n'));
    await new Promise((r) => setTimeout(r, 20));
    expect(readdirSync(root)).toHaveLength(1);
    stream.destroy(new Error('aborted'));
    await expect(spooled).rejects.toThrow('aborted');
    expect(readdirSync(root)).toEqual([]);
  });

  it('removes the file when an HTTP client goes away mid-body', async () => {
    const root = freshRoot();
    let outcome: Promise<unknown> = Promise.resolve();
    const server = http.createServer((req) => {
      outcome = spoolBody(req, 1 << 20, Number(req.headers['content-length']), root).then(
        () => 'spooled',
        (err: Error) => `failed: ${err.message}`,
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const client = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-length': 1000 } });
      client.on('error', () => {});
      client.write(Buffer.alloc(400, 0x61));
      const spooled = () => readdirSync(root).map((d) => join(root, d, 'body')).find((f) => existsSync(f) && statSync(f).size === 400);
      for (let k = 0; k < 200 && !spooled(); k++) await new Promise((r) => setTimeout(r, 10));
      expect(spooled()).toBeDefined();
      client.destroy();
      expect(await outcome).toMatch(/^failed: /);
      expect(readdirSync(root)).toEqual([]);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('removes, once, the folders of gateways that no longer run, and no one else’s', async () => {
    const root = freshRoot();
    // A pid no process has (above the kernel's pid_max), ours, and another program's folder.
    for (const name of ['ctaw-stow-99999999-abc', `ctaw-stow-${process.pid}-def`, 'other-thing']) mkdirSync(join(root, name));
    const body = await spoolBody(chunks('x'), 10, null, root);
    await body!.remove();
    expect(existsSync(join(root, 'ctaw-stow-99999999-abc'))).toBe(false);
    expect(existsSync(join(root, `ctaw-stow-${process.pid}-def`))).toBe(true);
    expect(existsSync(join(root, 'other-thing'))).toBe(true);
  });
});
