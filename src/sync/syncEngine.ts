// Sends the outbox to the archive: oldest first, one at a time, each STOW with a time-out,
// retried with exponential backoff and jitter while the failure is one that can pass (network,
// 5xx, time-out). The outbox lives in IndexedDB, so a reload resumes where it stopped; one tab
// leads (Web Locks), so two open tabs never send the same result twice at once. Sending the same
// result again is harmless anyway: it has the same SOP Instance UID, and the archive keeps one.
import type { LocalDb, OutboxRecord } from '../storage/localDb.ts';
import { useSyncStore } from '../stores/syncStore.ts';
import type { ConnectivityMonitor } from './connectivityMonitor.ts';
import { worthTrying } from './connectivity.ts';
import { retryDelayMs, type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.ts';
import { stowInstance } from './stowClient.ts';

export interface SyncOptions {
  baseUrl: string;
  timeoutMs: number;
  backoff: BackoffPolicy;
  /** headers a STOW needs now (the session's CSRF token), or null while nobody is logged in */
  authorize: () => Promise<Record<string, string> | null>;
  /** a STOW came back 401: the session is gone */
  onLoginNeeded: () => void;
  /** the page's connectivity judge: told what each send found, and asked whether to try */
  connectivity: Pick<ConnectivityMonitor, 'current' | 'subscribe' | 'reportNetworkFailure' | 'reportServerAnswered'> | null;
}

const DEFAULTS: SyncOptions = { baseUrl: '/dicom-web', timeoutMs: 30_000, backoff: DEFAULT_BACKOFF, authorize: async () => ({}), onLoginNeeded: () => undefined, connectivity: null };
/** While nobody is logged in, the outbox waits (a login wakes it at once). */
const LOGIN_WAIT_MS = 30_000;
const LOCK = 'ctaw-sync-leader';

export class SyncEngine {
  private readonly options: SyncOptions;
  private wake: (() => void) | null = null;
  private stopped = false;
  private attempt = 0;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly db: LocalDb,
    options: Partial<SyncOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  start(): void {
    // The server reachable again: send now rather than at the end of a back-off.
    this.unsubscribe =
      this.options.connectivity?.subscribe((state) => {
        if (!state.online) return;
        this.attempt = 0;
        this.kick();
      }) ?? null;
    void this.refreshCounts();
    const run = () => this.leadLoop();
    if (navigator.locks) void navigator.locks.request(LOCK, run);
    else void run();
  }

  /** New work in the outbox (or the network is back): try now. */
  kick(): void {
    void this.refreshCounts();
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  async refreshCounts(): Promise<void> {
    const [waiting, failed, lastFailed] = await Promise.all([
      this.db.outbox.where('state').anyOf('waiting', 'sending').count(),
      this.db.outbox.where('state').equals('failed').count(),
      this.db.outbox.where('state').equals('failed').last(),
    ]);
    useSyncStore.getState().set({ waiting, failed, lastError: lastFailed?.lastError ?? null });
  }

  /** Runs while this tab holds the leader lock (released when the tab goes). */
  private async leadLoop(): Promise<void> {
    useSyncStore.getState().set({ leader: true });
    while (!this.stopped) {
      const next = await this.db.outbox.where('state').anyOf('waiting', 'sending').sortBy('createdAt').then((rows) => rows[0]);
      const connectivity = this.options.connectivity?.current;
      if (!next || (connectivity && !worthTrying(connectivity))) {
        await this.refreshCounts();
        await this.sleep(next ? 5000 : 30_000);
        continue;
      }
      const delay = await this.send(next);
      await this.refreshCounts();
      if (delay > 0) await this.sleep(delay);
    }
    useSyncStore.getState().set({ leader: false, sending: false });
  }

  /** Sends one result; returns how long to wait before the next try (0: go on). */
  private async send(item: OutboxRecord): Promise<number> {
    const store = useSyncStore.getState();
    const headers = await this.options.authorize();
    if (!headers) {
      store.set({ lastError: 'log in to send your results' });
      return LOGIN_WAIT_MS;
    }
    store.set({ sending: true });
    await this.db.outbox.update(item.id!, { state: 'sending' });
    const outcome = await stowInstance(this.options.baseUrl, item.body, this.options.timeoutMs, fetch, headers);
    store.set({ sending: false });
    if (outcome.ok || !outcome.unanswered) this.options.connectivity?.reportServerAnswered();
    else if (outcome.unreachable) this.options.connectivity?.reportNetworkFailure();
    const attempts = item.attempts + 1;
    if (outcome.ok) {
      this.attempt = 0;
      await this.db.transaction('rw', this.db.outbox, this.db.syncLog, async () => {
        await this.db.outbox.update(item.id!, { state: 'sent', attempts, lastError: null, body: new Uint8Array(0) });
        await this.db.syncLog.add({ at: Date.now(), caseKey: item.caseKey, user: item.user, event: `sent ${item.kind} ${item.sopInstanceUid}${outcome.duplicate ? ' (already stored)' : ''}` });
      });
      return 0;
    }
    if (!outcome.retry) {
      await this.db.outbox.update(item.id!, { state: 'failed', attempts, lastError: outcome.reason });
      await this.db.syncLog.add({ at: Date.now(), caseKey: item.caseKey, user: item.user, event: `failed ${item.kind} ${item.sopInstanceUid}: ${outcome.reason}` });
      return 0;
    }
    if (outcome.loginNeeded) {
      this.options.onLoginNeeded();
      await this.db.outbox.update(item.id!, { state: 'waiting', attempts, lastError: outcome.reason });
      store.set({ lastError: outcome.reason });
      return LOGIN_WAIT_MS;
    }
    this.attempt++;
    await this.db.outbox.update(item.id!, { state: 'waiting', attempts, lastError: outcome.reason });
    store.set({ lastError: outcome.reason });
    return retryDelayMs(this.attempt, this.options.backoff);
  }
}
