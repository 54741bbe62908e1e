// Against a real loopback HTTP server: one that answers 503 and then 200, one that is not
// listening yet and then is, one that only fails.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OutageClock, RETRY_DELAYS_MS, retryGet, retryPauseMs } from './retryGet.ts';

const FAST = { delaysMs: [20, 40, 80, 160] };
const servers: http.Server[] = [];

/** A server answering the statuses in turn (the last one from then on); its requests counted. */
async function serve(statuses: number[], port = 0): Promise<{ url: string; port: number; hits: () => number }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    const status = statuses[Math.min(hits++, statuses.length - 1)];
    res.writeHead(status, { 'content-type': 'text/plain' }).end(`answer ${hits} (${req.method})`);
  });
  servers.push(server);
  await new Promise<void>((ready) => server.listen(port, '127.0.0.1', ready));
  const bound = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${bound}/x`, port: bound, hits: () => hits };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(done))));
});

describe('retryGet', () => {
  it('asks again after 502/503/504 and returns the answer that came', async () => {
    const s = await serve([503, 502, 504, 200]);
    const res = await retryGet(s.url, {}, { ...FAST, clock: new OutageClock() });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('answer 4 (GET)');
    expect(s.hits()).toBe(4);
  });

  it('asks again when the connection is refused, until the server listens', async () => {
    const s = await serve([200]);
    await new Promise((done) => servers.pop()!.close(done));
    setTimeout(() => void serve([200], s.port), 50);
    const res = await retryGet(s.url, {}, { ...FAST, clock: new OutageClock() });
    expect(res.status).toBe(200);
  });

  it('gives up after the last delay: the last answer is the caller’s', async () => {
    const s = await serve([503]);
    const res = await retryGet(s.url, {}, { ...FAST, clock: new OutageClock() });
    expect(res.status).toBe(503);
    expect(s.hits()).toBe(5);
    const refused = await serve([200]);
    await new Promise((done) => servers.pop()!.close(done));
    await expect(retryGet(refused.url, {}, { ...FAST, clock: new OutageClock() })).rejects.toThrow(TypeError);
  });

  it('returns other answers at once, and never sends a POST again', async () => {
    for (const status of [200, 404, 500]) {
      const s = await serve([status, 200]);
      expect((await retryGet(s.url, {}, { ...FAST, clock: new OutageClock() })).status).toBe(status);
      expect(s.hits()).toBe(1);
    }
    const post = await serve([503, 200]);
    expect((await retryGet(post.url, { method: 'POST', body: 'x' }, { ...FAST, clock: new OutageClock() })).status).toBe(503);
    expect(post.hits()).toBe(1);
  });

  it('waits no longer than the caller’s signal allows', async () => {
    const s = await serve([503]);
    const t0 = Date.now();
    await expect(retryGet(s.url, { signal: AbortSignal.timeout(100) }, { delaysMs: [5000], clock: new OutageClock() })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('during a long outage a request gets one try; the first answer ends the outage', async () => {
    let now = 0;
    const clock = new OutageClock(() => now);
    const down = await serve([503]);
    await retryGet(down.url, {}, { ...FAST, clock, windowMs: 10_000 });
    expect(down.hits()).toBe(5);
    now = 20_000;
    await retryGet(down.url, {}, { ...FAST, clock, windowMs: 10_000 });
    expect(down.hits()).toBe(6);
    const up = await serve([200]);
    await retryGet(up.url, {}, { ...FAST, clock });
    await retryGet(down.url, {}, { ...FAST, clock, windowMs: 10_000 });
    expect(down.hits()).toBe(11);
  });

  it('spaces its tries over at least 4.6 s and at most ~9 s by default', () => {
    const total = (random: () => number) => RETRY_DELAYS_MS.reduce((n, _, k) => n + retryPauseMs(k, RETRY_DELAYS_MS, random), 0);
    expect(total(() => 0)).toBe(4600);
    expect(total(() => 0.999999)).toBeCloseTo(9200, -1);
  });
});
