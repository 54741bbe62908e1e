import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamFrames } from './frameStream.worker.ts';

const SLICE = 16; // 4x4 pixels
const format = { bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1, rescaleSlope: 1, rescaleIntercept: -1024 };

// A WADO-RS frame answer: one part, the frame's stored values all equal to `value`.
function frameBody(value: number, transferSyntax: string): { body: Buffer; type: string } {
  const pixels = Buffer.alloc(SLICE * 2);
  for (let i = 0; i < SLICE; i++) pixels.writeInt16LE(value, i * 2);
  const head = Buffer.from(`--b\r\nContent-Type: application/octet-stream; transfer-syntax=${transferSyntax}\r\n\r\n`);
  return { body: Buffer.concat([head, pixels, Buffer.from('\r\n--b--\r\n')]), type: 'multipart/related; type="application/octet-stream"; boundary=b' };
}

let server: Server;
let base = '';
let inFlight = 0;
const concurrency: Array<{ k: number; inFlight: number }> = [];
const failuresLeft = new Map<number, number>([[3, 2]]); // frame 3 answers 503 twice

beforeAll(async () => {
  server = createServer((req, res) => {
    const k = Number(/\/f\/(\d+)/.exec(req.url ?? '')?.[1]);
    inFlight++;
    concurrency.push({ k, inFlight });
    setTimeout(() => {
      inFlight--;
      const left = failuresLeft.get(k) ?? 0;
      if (left > 0) {
        failuresLeft.set(k, left - 1);
        res.writeHead(503).end();
      } else if (k === 5) res.writeHead(404).end();
      else {
        const { body, type } = frameBody(k * 10, k === 7 ? '1.2.840.10008.1.2.4.70' : '1.2.840.10008.1.2.1');
        res.writeHead(200, { 'Content-Type': type }).end(body);
      }
    }, 20);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('streamFrames (real HTTP server on loopback)', () => {
  it('fetches the first frame alone, then several at once; converts to HU, retries a 503, reports a 404 and passes compressed frames on', async () => {
    const jobs = [4, 3, 5, 0, 1, 2, 6, 7, 8, 9].map((k) => ({ k, url: `${base}/f/${k}` }));
    const slices = new Map<number, number[]>();
    const compressed: Array<{ k: number; ts: string; length: number }> = [];
    const failed: Array<{ k: number; error: string }> = [];
    await streamFrames(
      jobs,
      { format, inFlight: 3, retries: 2, takeBuffer: () => new Int16Array(SLICE), signal: new AbortController().signal },
      {
        slice: (k, hu) => slices.set(k, Array.from(hu)),
        compressed: (k, bytes, ts) => compressed.push({ k, ts, length: bytes.length }),
        failed: (k, error) => failed.push({ k, error }),
      },
    );
    expect(concurrency[0]).toEqual({ k: 4, inFlight: 1 });
    expect(concurrency[1].k).not.toBe(4); // the second request waited for the first answer
    expect(Math.max(...concurrency.map((c) => c.inFlight))).toBe(3);
    expect(slices.get(4)).toEqual(new Array(SLICE).fill(40 - 1024));
    expect(slices.get(3)).toEqual(new Array(SLICE).fill(30 - 1024)); // after two 503s
    expect([...slices.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 6, 8, 9]);
    expect(failed).toEqual([{ k: 5, error: 'HTTP 404' }]);
    expect(compressed).toEqual([{ k: 7, ts: '1.2.840.10008.1.2.4.70', length: SLICE * 2 }]);
  });

  it('holds the frames after the first until told to go on', async () => {
    concurrency.length = 0;
    let go: () => void = () => undefined;
    const afterFirst = new Promise<void>((r) => (go = r));
    const arrived: number[] = [];
    const done = streamFrames(
      [0, 1, 2].map((k) => ({ k, url: `${base}/f/${k}` })),
      { format, inFlight: 3, retries: 0, takeBuffer: () => new Int16Array(SLICE), signal: new AbortController().signal, afterFirst },
      { slice: (k) => arrived.push(k), compressed: () => undefined, failed: () => undefined },
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(arrived).toEqual([0]);
    expect(concurrency.map((c) => c.k)).toEqual([0]);
    go();
    await done;
    expect(arrived.sort()).toEqual([0, 1, 2]);
  });
});
