// Whether the server can be reached, judged by what requests do rather than by navigator.onLine.
// The browser's flag says only that some network interface is up: it stays true on a ward
// network with no route to the server, behind a captive portal, and (Chromium 150 with DevTools
// network emulation, which Playwright's setOffline uses) in every document loaded after the
// network was cut. The browser's `offline` event is still trusted — it never says "offline"
// wrongly — but "online" is believed only once a request has reached the server.

/** Why the app thinks what it thinks; shown nowhere, but it decides which evidence may overturn it. */
export type ConnectivityBasis = 'assumed' | 'browser-offline' | 'request-failed' | 'request-answered';

export interface ConnectivityState {
  online: boolean;
  basis: ConnectivityBasis;
}

export type ConnectivityEvent =
  /** the page starts; `browserOnline` is navigator.onLine, a hint and nothing more */
  | { kind: 'start'; browserOnline: boolean }
  | { kind: 'browser-offline' }
  /** the browser says the network is back: worth a probe, not yet proof */
  | { kind: 'browser-online' }
  /** a request failed for lack of a network (fetch rejected; not an HTTP error, not a time-out) */
  | { kind: 'network-failure' }
  /** the server answered, whatever the status: the network is there */
  | { kind: 'server-answered' };

export function startConnectivity(browserOnline: boolean): ConnectivityState {
  return nextConnectivity({ online: true, basis: 'assumed' }, { kind: 'start', browserOnline });
}

export function nextConnectivity(state: ConnectivityState, event: ConnectivityEvent): ConnectivityState {
  switch (event.kind) {
    case 'start':
      // Optimistic when the browser says online: the first request (the start-up probe) settles it.
      return event.browserOnline ? { online: true, basis: 'assumed' } : { online: false, basis: 'browser-offline' };
    case 'browser-offline':
      return { online: false, basis: 'browser-offline' };
    case 'browser-online':
      // Still offline until a request gets through; the caller probes at once.
      return state.online ? state : { online: false, basis: 'request-failed' };
    case 'network-failure':
      return { online: false, basis: 'request-failed' };
    case 'server-answered':
      return { online: true, basis: 'request-answered' };
  }
}

/** Whether sending is worth trying now: not while the browser itself says there is no network. */
export function worthTrying(state: ConnectivityState): boolean {
  return state.basis !== 'browser-offline';
}

/** A fetch rejection that means "no network" (TypeError), not an abort or a time-out. */
export function isNetworkFailure(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  return name !== 'AbortError' && name !== 'TimeoutError' && err instanceof TypeError;
}
