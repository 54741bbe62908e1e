import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveAgent } from './upstream.ts';

// A server that announces what Orthanc's CivetWeb announces, and counts the connections it gets.
let server: http.Server;
let port = 0;
let connections = 0;
let resets = 0;

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    res.setHeader('keep-alive', 'timeout=1');
    res.end('ok');
  });
  server.keepAliveTimeout = 1000;
  server.on('connection', (socket) => {
    connections++;
    socket.on('error', () => resets++);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function get(agent: http.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describe('ArchiveAgent', () => {
  it('reuses one connection for requests one after another although the archive announces a one-second keep-alive', async () => {
    const plain = new http.Agent({ keepAlive: true, maxSockets: 1 });
    connections = 0;
    for (let n = 0; n < 5; n++) expect(await get(plain)).toBe('ok');
    // Node's own agent: a new connection every time (the cost this agent removes).
    expect(connections).toBe(5);
    plain.destroy();

    const agent = new ArchiveAgent({ keepAlive: true, maxSockets: 1 });
    connections = 0;
    for (let n = 0; n < 5; n++) expect(await get(agent)).toBe('ok');
    expect(connections).toBe(1);
    agent.destroy();
  });

  it('closes an idle connection itself before the archive would, so a later request never meets a closed socket', async () => {
    const agent = new ArchiveAgent({ keepAlive: true, maxSockets: 1 });
    connections = 0;
    resets = 0;
    expect(await get(agent)).toBe('ok');
    await new Promise((r) => setTimeout(r, 700));
    expect(await get(agent)).toBe('ok');
    expect(connections).toBe(2);
    expect(resets).toBe(0);
    agent.destroy();
  });
});
