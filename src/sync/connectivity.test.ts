import { afterEach, describe, expect, it, vi } from 'vitest';
import { isNetworkFailure, nextConnectivity, startConnectivity, worthTrying, type ConnectivityEvent, type ConnectivityState } from './connectivity.ts';
import { ConnectivityMonitor } from './connectivityMonitor.ts';
import { useSyncStore } from '../stores/syncStore.ts';

const run = (start: ConnectivityState, ...events: ConnectivityEvent[]) => events.reduce(nextConnectivity, start);

describe('connectivity state machine', () => {
  it('starts offline when the browser says so, and stays so until a request answers', () => {
    const s0 = startConnectivity(false);
    expect(s0).toEqual({ online: false, basis: 'browser-offline' });
    expect(worthTrying(s0)).toBe(false);
    const back = run(s0, { kind: 'browser-online' });
    expect(back.online).toBe(false);
    expect(worthTrying(back)).toBe(true);
    expect(run(back, { kind: 'server-answered' })).toEqual({ online: true, basis: 'request-answered' });
  });

  it('a browser that claims to be online at start is believed only until a request fails for lack of a network', () => {
    const s0 = startConnectivity(true);
    expect(s0.online).toBe(true);
    const failed = run(s0, { kind: 'network-failure' });
    expect(failed).toEqual({ online: false, basis: 'request-failed' });
    // The browser's "online" proves nothing; only an answer does.
    expect(run(failed, { kind: 'browser-online' }).online).toBe(false);
    expect(run(failed, { kind: 'browser-online' }, { kind: 'server-answered' }).online).toBe(true);
  });

  it('goes offline on the browser event and on a failed request; any answer brings it back', () => {
    const online = run(startConnectivity(true), { kind: 'server-answered' });
    expect(run(online, { kind: 'browser-offline' })).toEqual({ online: false, basis: 'browser-offline' });
    expect(run(online, { kind: 'network-failure' }).online).toBe(false);
    expect(run(online, { kind: 'network-failure' }, { kind: 'server-answered' }).online).toBe(true);
    // A browser-online event while online changes nothing.
    expect(run(online, { kind: 'browser-online' })).toEqual(online);
  });

  it('only a rejected fetch (TypeError) is a missing network; aborts and time-outs are not', () => {
    expect(isNetworkFailure(new TypeError('Failed to fetch'))).toBe(true);
    expect(isNetworkFailure(new DOMException('The operation timed out.', 'TimeoutError'))).toBe(false);
    expect(isNetworkFailure(new DOMException('aborted', 'AbortError'))).toBe(false);
    expect(isNetworkFailure(new Error('HTTP 503'))).toBe(false);
  });
});

describe('connectivity monitor', () => {
  afterEach(() => vi.useRealTimers());

  it('publishes its verdict in the sync store from probes and reports', async () => {
    let up = false;
    const fetchImpl = (async () => {
      if (!up) throw new TypeError('Failed to fetch');
      return new Response('{}');
    }) as unknown as typeof fetch;
    const monitor = new ConnectivityMonitor('/api/health', fetchImpl);
    const seen: boolean[] = [];
    monitor.subscribe((s) => seen.push(s.online));
    expect(await monitor.probe()).toBe(false);
    expect(useSyncStore.getState().online).toBe(false);
    up = true;
    expect(await monitor.probe()).toBe(true);
    expect(useSyncStore.getState().online).toBe(true);
    monitor.reportFetchError(new DOMException('slow', 'TimeoutError'));
    expect(useSyncStore.getState().online).toBe(true);
    monitor.reportFetchError(new TypeError('Failed to fetch'));
    expect(useSyncStore.getState().online).toBe(false);
    monitor.reportServerAnswered();
    expect(seen).toEqual([false, true, false, true]);
  });
});
