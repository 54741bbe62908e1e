import { describe, expect, it } from 'vitest';
import type { FastifyReply } from 'fastify';
import { SeriesMetadataCache } from './seriesMetadataCache.ts';
import type { Buffered, Upstream } from './upstream.ts';

const STUDY = '1.2.3';
const SERIES = '1.2.3.4';
const PATH = `/dicom-web/studies/${STUDY}/series/${SERIES}/metadata`;

/** An archive that knows one series; its metadata answers wait for `release()` when held. */
function fakeArchive(opts: { hold?: boolean } = {}) {
  const asked: string[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  let body = '[{"00080018":{"vr":"UI","Value":["1"]}}]';
  let lastUpdate = '20261204T100000';
  const ok = (text: string, type = 'application/json'): Buffered => ({ status: 200, headers: { 'content-type': type }, body: Buffer.from(text) });
  const upstream = {
    async buffered(method: string, path: string, _headers: unknown, sent?: Buffer): Promise<Buffered> {
      asked.push(`${method} ${path}`);
      if (path === '/tools/lookup') return ok(sent?.toString() === SERIES ? JSON.stringify([{ ID: 'orthanc-series', Type: 'Series' }]) : '[]');
      if (path === '/series/orthanc-series') return ok(JSON.stringify({ LastUpdate: lastUpdate, Instances: ['a'] }));
      if (path === PATH) {
        if (opts.hold) await gate;
        return ok(body, 'application/dicom+json');
      }
      return { status: 404, headers: {}, body: Buffer.alloc(0) };
    },
  } as unknown as Upstream;
  const change = (next: string) => {
    body = next;
    lastUpdate = '20261204T110000';
  };
  return { upstream, asked, release: () => release(), change, metadataAsks: () => asked.filter((a) => a === `GET ${PATH}`).length };
}

function fakeReply() {
  const sent: { status?: number; body?: string } = {};
  const reply = {
    code(status: number) {
      sent.status = status;
      return reply;
    },
    header() {
      return reply;
    },
    async send(body: Buffer) {
      sent.body = body.toString('utf8');
      return reply;
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

const settle = () => new Promise((r) => setTimeout(r, 10));

/** A cache on a fake archive, with SERIES warmed and the warm-up finished. */
async function warmedCache() {
  const archive = fakeArchive();
  const cache = new SeriesMetadataCache(archive.upstream);
  cache.warm('gw', STUDY, SERIES);
  await settle();
  return { archive, cache };
}

describe('series metadata warmed ahead of the viewer (the next cases of a worklist)', () => {
  it('a warmed series is answered without asking the archive for its metadata again', async () => {
    const { archive, cache } = await warmedCache();
    expect(archive.metadataAsks()).toBe(1);
    const { reply, sent } = fakeReply();
    expect(await cache.serve('gw', PATH, 'application/dicom+json', reply)).toBe(true);
    expect(sent.body).toContain('00080018');
    expect(archive.metadataAsks()).toBe(1);
  });

  it('the viewer asking while the warm-up runs waits for it instead of asking a second time', async () => {
    const archive = fakeArchive({ hold: true });
    const cache = new SeriesMetadataCache(archive.upstream);
    cache.warm('gw', STUDY, SERIES);
    const { reply, sent } = fakeReply();
    const served = cache.serve('gw', PATH, 'application/dicom+json', reply);
    await settle();
    archive.release();
    expect(await served).toBe(true);
    expect(sent.status).toBe(200);
    expect(archive.metadataAsks()).toBe(1);
  });

  it('a warmed entry is never served stale: a series changed since is asked again', async () => {
    const { archive, cache } = await warmedCache();
    archive.change('[{"00080018":{"vr":"UI","Value":["2"]}}]');
    const { reply, sent } = fakeReply();
    await cache.serve('gw', PATH, 'application/dicom+json', reply);
    expect(sent.body).toContain('"2"');
    expect(archive.metadataAsks()).toBe(2);
  });

  it('what is held is not warmed again, and a series the archive does not have is not asked for', async () => {
    const { archive, cache } = await warmedCache();
    cache.warm('gw', STUDY, SERIES);
    await settle();
    expect(archive.metadataAsks()).toBe(1);
    const before = archive.asked.length;
    cache.warm('gw', STUDY, '9.9.9');
    await settle();
    expect(archive.asked.slice(before)).toEqual(['POST /tools/lookup']);
  });
});
