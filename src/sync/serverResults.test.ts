import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DicomwebError } from '../dicomweb/httpClient.ts';
import { latestInSeries } from './serverResults.ts';

// A loopback archive whose answer depends on the series asked for.
let server: Server;
let base = '';
const instance = (sop: string, n: number) => ({ '00080018': { vr: 'UI', Value: [sop] }, '00200013': { vr: 'IS', Value: [n] } });

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url.includes('/series/none/')) return void res.writeHead(204).end();
    if (url.includes('/series/hidden/')) return void res.writeHead(404).end();
    if (url.includes('/series/failing/')) return void res.writeHead(503).end();
    if (url.includes('/series/two/instances?')) {
      return void res.writeHead(200, { 'Content-Type': 'application/dicom+json' }).end(JSON.stringify([instance('1.2.3', 1), instance('1.2.4', 2)]));
    }
    if (url.endsWith('/series/two/instances/1.2.4')) {
      const body = Buffer.concat([Buffer.from('--b\r\nContent-Type: application/dicom\r\n\r\n'), Buffer.from([7, 8, 9]), Buffer.from('\r\n--b--\r\n')]);
      return void res.writeHead(200, { 'Content-Type': 'multipart/related; type="application/dicom"; boundary=b' }).end(body);
    }
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('latestInSeries (real HTTP server on loopback)', () => {
  it('fetches the instance with the highest Instance Number', async () => {
    const found = await latestInSeries('s', 'two', base);
    expect(found?.sopInstanceUid).toBe('1.2.4');
    expect(found?.instanceNumber).toBe(2);
    expect(Array.from(found!.bytes)).toEqual([7, 8, 9]);
  });

  // A 503 and a refused connection are tried again for 4.6-9.2 s each first (retryGet.ts).
  it('an empty or hidden series is "none"; an archive that fails or cannot be reached is an error, never "none"', { timeout: 30_000 }, async () => {
    expect(await latestInSeries('s', 'none', base)).toBeNull();
    expect(await latestInSeries('s', 'hidden', base)).toBeNull();
    await expect(latestInSeries('s', 'failing', base)).rejects.toBeInstanceOf(DicomwebError);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(latestInSeries('s', 'two', `http://127.0.0.1:${port}/dicom-web`)).rejects.toMatchObject({ kind: 'offline' });
  });
});
