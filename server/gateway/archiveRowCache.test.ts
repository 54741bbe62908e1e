import { describe, expect, it } from 'vitest';
import { ArchiveRowCache } from './archiveRowCache.ts';
import type { Upstream } from './upstream.ts';

// A stand-in for Orthanc's /changes routes: the log is a list of change types, numbered from 1.
function fakeArchive(log: string[]): { upstream: Upstream; asked: string[] } {
  const asked: string[] = [];
  const answer = (doc: unknown) => ({ status: 200, headers: {}, body: Buffer.from(JSON.stringify(doc)) });
  const upstream = {
    buffered: async (_m: string, path: string) => {
      asked.push(path);
      if (path === '/changes?last') return answer({ Changes: [], Done: true, Last: log.length });
      const since = Number(/since=(\d+)/.exec(path)![1]);
      const limit = Number(/limit=(\d+)/.exec(path)![1]);
      const page = log.slice(since, since + limit).map((ChangeType, i) => ({ ChangeType, Seq: since + i + 1 }));
      return answer({ Changes: page, Done: since + limit >= log.length, Last: since + page.length });
    },
  } as unknown as Upstream;
  return { upstream, asked };
}

const row = (uid: string) => ({ '0020000D': { vr: 'UI', Value: [uid] } });

async function search(cache: ArchiveRowCache, fetched: string[]): Promise<unknown> {
  const v = await cache.current();
  return cache.through('k', v, async () => {
    fetched.push('k');
    return [row('1.2.3')];
  });
}

describe("Orthanc's rows reused while the archive has not changed", () => {
  it('keeps rows when only Stable* events were logged, drops them at any other change', async () => {
    const log = ['NewInstance', 'NewSeries', 'NewStudy'];
    const { upstream } = fakeArchive(log);
    const cache = new ArchiveRowCache(upstream);
    const fetched: string[] = [];
    await search(cache, fetched);
    await search(cache, fetched);
    expect(fetched).toHaveLength(1);
    log.push('StableSeries', 'StableStudy', 'StablePatient');
    await search(cache, fetched);
    expect(fetched).toHaveLength(1);
    log.push('StableSeries', 'NewInstance', 'StableStudy');
    await search(cache, fetched);
    expect(fetched).toHaveLength(2);
    log.push('UpdatedMetadata');
    await search(cache, fetched);
    expect(fetched).toHaveLength(3);
  });

  it('reads the changes a page at a time, and drops rows when more than 1,000 were logged', async () => {
    const log = ['NewInstance'];
    const { upstream, asked } = fakeArchive(log);
    const cache = new ArchiveRowCache(upstream);
    const fetched: string[] = [];
    await search(cache, fetched);
    for (let i = 0; i < 250; i++) log.push('StableStudy');
    await search(cache, fetched);
    expect(fetched).toHaveLength(1);
    expect(asked.filter((p) => p.includes('since='))).toEqual(['/changes?since=1&limit=100', '/changes?since=101&limit=100', '/changes?since=201&limit=100']);
    log.push(...Array.from({ length: 249 }, () => 'StableSeries'), 'NewSeries');
    await search(cache, fetched);
    expect(fetched).toHaveLength(2);
    asked.length = 0;
    for (let i = 0; i < 1001; i++) log.push('StableStudy');
    await search(cache, fetched);
    expect(fetched).toHaveLength(3);
    // No page was read for a run longer than 1,000.
    expect(asked.filter((p) => p.includes('since='))).toEqual([]);
  });
});
