// The page's one connectivity judge: runs the state machine of connectivity.ts on the browser's
// events, on what the app's requests report, and on a probe of /api/health (never cached: the
// service worker sends /api to the network), and publishes the verdict in the sync store.
import { useSyncStore } from '../stores/syncStore.ts';
import { isNetworkFailure, nextConnectivity, startConnectivity, type ConnectivityEvent, type ConnectivityState } from './connectivity.ts';

/** While offline by a failed request (the browser thinks it is online), ask again this often. */
const PROBE_EVERY_MS = 15_000;
const PROBE_TIMEOUT_MS = 10_000;

type Listener = (state: ConnectivityState) => void;

export class ConnectivityMonitor {
  private state: ConnectivityState;
  private readonly listeners = new Set<Listener>();
  private probeTimer: ReturnType<typeof setTimeout> | null = null;
  private started = false;

  constructor(
    private readonly probeUrl = '/api/health',
    private readonly fetchImpl: typeof fetch = (...args) => fetch(...args),
  ) {
    this.state = startConnectivity(typeof navigator === 'undefined' ? true : navigator.onLine);
    this.publish();
  }

  start(): void {
    if (this.started || typeof window === 'undefined') return;
    this.started = true;
    window.addEventListener('offline', () => this.apply({ kind: 'browser-offline' }));
    window.addEventListener('online', () => {
      this.apply({ kind: 'browser-online' });
      void this.probe();
    });
    void this.probe();
  }

  get current(): ConnectivityState {
    return this.state;
  }

  /** Called back on every change of the verdict. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reportNetworkFailure(): void {
    this.apply({ kind: 'network-failure' });
  }

  reportServerAnswered(): void {
    this.apply({ kind: 'server-answered' });
  }

  /** Reports what a fetch rejection means: a network failure, or nothing (abort, time-out). */
  reportFetchError(err: unknown): void {
    if (isNetworkFailure(err)) this.reportNetworkFailure();
  }

  /** One request to the server; its outcome is the verdict. */
  async probe(): Promise<boolean> {
    try {
      const res = await this.fetchImpl(this.probeUrl, { cache: 'no-store', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      // Drain the body so the connection is reused.
      await res.arrayBuffer().catch(() => undefined);
      this.reportServerAnswered();
      return true;
    } catch (err) {
      this.reportFetchError(err);
      return false;
    } finally {
      this.scheduleProbe();
    }
  }

  private apply(event: ConnectivityEvent): void {
    const next = nextConnectivity(this.state, event);
    if (next.online === this.state.online && next.basis === this.state.basis) return;
    this.state = next;
    this.publish();
    this.scheduleProbe();
    for (const listener of this.listeners) listener(next);
  }

  private publish(): void {
    if (useSyncStore.getState().online !== this.state.online) useSyncStore.getState().set({ online: this.state.online });
  }

  /** Offline by a failed request: probe until the server answers (the browser will not tell). */
  private scheduleProbe(): void {
    if (!this.started) return;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    if (this.state.basis !== 'request-failed') return;
    this.probeTimer = setTimeout(() => void this.probe(), PROBE_EVERY_MS);
  }
}

let monitor: ConnectivityMonitor | null = null;

/** The page's monitor, started on first use. */
export function connectivity(): ConnectivityMonitor {
  if (!monitor) {
    monitor = new ConnectivityMonitor();
    monitor.start();
  }
  return monitor;
}
