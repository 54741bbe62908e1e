import { describe, expect, it } from 'vitest';
import { SESSION_CACHE_MS, SessionCache, gatedRoute } from './loginGate.ts';

describe('gatedRoute', () => {
  it('guards /api and /dicom-web routes except the health check and the login', () => {
    expect(gatedRoute('/api/health')).toBe('open');
    expect(gatedRoute('/api/auth/login')).toBe('open');
    expect(gatedRoute('/api/auth/session')).toBe('api');
    expect(gatedRoute('/api/worklist')).toBe('api');
    expect(gatedRoute('/api/cases/:id/reads')).toBe('api');
    expect(gatedRoute('/dicom-web')).toBe('dicomweb');
    expect(gatedRoute('/dicom-web/*')).toBe('dicomweb');
    expect(gatedRoute('/*')).toBe('open'); // the SPA's files
    expect(gatedRoute(undefined)).toBe('open'); // not found
  });
});

describe('SessionCache', () => {
  const found = { session: { id: 'x' }, user: { id: 1 } } as never;

  it('forgets a session after SESSION_CACHE_MS, and all on clear', async () => {
    const cache = new SessionCache();
    cache.set('t', Promise.resolve(found), 1000);
    expect(await cache.get('t', 1000 + SESSION_CACHE_MS - 1)).toMatchObject({ user: { id: 1 } });
    expect(cache.get('t', 1000 + SESSION_CACHE_MS)).toBeNull();
    cache.set('t', Promise.resolve(found), 1000);
    cache.clear();
    expect(cache.get('t', 1000)).toBeNull();
  });

  it('shares one lookup while it runs, and does not keep a missing session or a failed lookup', async () => {
    const cache = new SessionCache();
    let finish: (v: null) => void = () => {};
    const lookup = new Promise<null>((r) => (finish = r));
    cache.set('t', lookup, 0);
    expect(cache.get('t', 1)).toBe(lookup);
    finish(null);
    await lookup;
    await Promise.resolve();
    expect(cache.get('t', 2)).toBeNull();
    const failing = Promise.reject(new Error('db down'));
    cache.set('u', failing, 0);
    await failing.catch(() => undefined);
    await Promise.resolve();
    expect(cache.get('u', 1)).toBeNull();
  });
});
