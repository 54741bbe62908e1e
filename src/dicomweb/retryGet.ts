// Idempotent requests (GET, HEAD) sent again through a failover. On the replicated deployment a
// gateway or an Orthanc killed mid-load is taken out by HAProxy within ~3 s (docs/DEPLOY.md);
// until then the requests in flight, and those sent meanwhile, end without an answer or with
// 502, 503 or 504. Such a request is tried again after 0.2-0.4, 0.4-0.8, 0.8-1.6, 1.6-3.2 and
// 1.6-3.2 s: at least 4.6 s in all, so the last try comes after the balancer's check took the dead
// replica out, and at most ~9 s (half of each delay fixed, half random, to keep twenty readers
// out of step). Any other answer (a 500, a 404) is the server's and is returned as it is.
// STOW-RS (POST) is never retried here: the outbox does that, exactly once (syncEngine.ts).
//
// Retries ride out a failover, not an outage: once nothing has answered for RETRY_WINDOW_MS, a
// request gets one try (a viewer loading 300 frames from a server that is down says so in
// seconds, not after 300 retry windows); the first answer ends the outage.
import { isNetworkFailure } from '../sync/connectivity.ts';

export const RETRY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);
export const RETRY_DELAYS_MS: readonly number[] = [400, 800, 1600, 3200, 3200];
export const RETRY_WINDOW_MS = 10_000;

/** Since when nothing has answered (shared by every request of a page, or of a Node process). */
export class OutageClock {
  private since: number | null = null;
  constructor(private readonly now: () => number = Date.now) {}
  failed(): void {
    this.since ??= this.now();
  }
  answered(): void {
    this.since = null;
  }
  /** Whether a failed request may still be tried again. */
  retrying(windowMs: number): boolean {
    return this.since === null || this.now() - this.since < windowMs;
  }
}

const SHARED = new OutageClock();

/** The pause after try number attempt + 1 fails: half of its delay fixed, half random (random in [0, 1)). */
export function retryPauseMs(attempt: number, delaysMs: readonly number[] = RETRY_DELAYS_MS, random: () => number = Math.random): number {
  return delaysMs[attempt] / 2 + (random() * delaysMs[attempt]) / 2;
}

export interface RetryOptions {
  fetchImpl?: typeof fetch;
  delaysMs?: readonly number[];
  windowMs?: number;
  clock?: OutageClock;
  random?: () => number;
  /** the first try's answer when it was asked for already (index.html's early requests) */
  first?: Promise<Response>;
}

function idempotent(init: RequestInit): boolean {
  const method = (init.method ?? 'GET').toUpperCase();
  return method === 'GET' || method === 'HEAD';
}

/** Whether the browser itself says there is no network (then waiting is no use). Node: unknown. */
function browserOffline(): boolean {
  return typeof navigator !== 'undefined' && (navigator as { onLine?: boolean }).onLine === false;
}

function wait(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

/**
 * fetch(), with a GET or HEAD tried again on a failed connection or 502/503/504, as above. The
 * caller's signal (a time-out, an abort) spans every try. The last failure is the caller's: the
 * last answer, or the last rejection.
 */
export async function retryGet(url: string, init: RequestInit = {}, opts: RetryOptions = {}): Promise<Response> {
  const fetchImpl = opts.fetchImpl ?? ((...args: Parameters<typeof fetch>) => fetch(...args));
  const delays = idempotent(init) ? (opts.delaysMs ?? RETRY_DELAYS_MS) : [];
  const clock = opts.clock ?? SHARED;
  const random = opts.random ?? Math.random;
  const giveUp = (attempt: number) => {
    clock.failed();
    return attempt >= delays.length || !clock.retrying(opts.windowMs ?? RETRY_WINDOW_MS);
  };
  const pause = (attempt: number) => wait(retryPauseMs(attempt, delays, random), init.signal);
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await (attempt === 0 && opts.first ? opts.first : fetchImpl(url, init));
    } catch (err) {
      if (init.signal?.aborted || !isNetworkFailure(err)) throw err;
      if (giveUp(attempt) || browserOffline()) throw err;
      await pause(attempt);
      continue;
    }
    if (!RETRY_STATUSES.has(res.status)) {
      clock.answered();
      return res;
    }
    if (giveUp(attempt)) return res;
    // The body of an answer not used: let its connection go.
    await res.body?.cancel().catch(() => undefined);
    await pause(attempt);
  }
}
