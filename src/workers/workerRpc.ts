// The main thread's side of a web worker that answers requests by id (workers/*.worker.ts): one
// worker, started on first use and kept warm; each request gets the next id and a promise that its
// reply settles. A worker that fails to load or crashes (out of memory on a huge grid) answers
// nothing: what waits is rejected and the next request starts a fresh worker.

/** What of a Worker this uses; a real Worker is one (tests pass a fake). */
export interface RpcWorker<Reply> {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: { data: Reply }) => void): void;
  addEventListener(type: 'error', listener: (event: { message: string; preventDefault(): void }) => void): void;
  terminate(): void;
}

/** What a reply says of its request: its result, its failure, or null for a reply on the way (progress). */
export type RpcSettlement<Result> = { result: Result } | { error: Error } | null;

export interface WorkerRpcOptions<Reply, Result> {
  /** Starts the worker. Keep `new Worker(new URL(…, import.meta.url))` in the caller: Vite bundles
   * the worker script from that expression. */
  start: () => RpcWorker<Reply>;
  /** the worker in messages: "the agreement worker" failed: …, was stopped */
  name: string;
  settle: (reply: Reply) => RpcSettlement<Result>;
  /** called when the worker is stopped or lost, with whatever it held */
  onStop?: () => void;
}

/**
 * The Error an error reply ({ name, message } of what the worker caught) stands for: a `Typed`
 * when it names that class, else a plain Error. The name is given as text, not read off the class:
 * a minifier renames classes.
 */
export function replyError(error: { name: string; message: string }, name: string, Typed: new (message: string) => Error): Error {
  return error.name === name ? new Typed(error.message) : new Error(error.message);
}

interface Pending<Reply, Result> {
  resolve: (value: Result) => void;
  reject: (error: Error) => void;
  onInterim?: (reply: Reply) => void;
}

export class WorkerRpc<Request extends { id: number }, Reply extends { id: number }, Result> {
  private worker: RpcWorker<Reply> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending<Reply, Result>>();

  constructor(private readonly options: WorkerRpcOptions<Reply, Result>) {}

  private started(): RpcWorker<Reply> {
    if (this.worker) return this.worker;
    const worker = this.options.start();
    worker.addEventListener('message', (event) => {
      const reply = event.data;
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      const settled = this.options.settle(reply);
      if (settled === null) {
        waiting.onInterim?.(reply);
        return;
      }
      this.pending.delete(reply.id);
      if ('error' in settled) waiting.reject(settled.error);
      else waiting.resolve(settled.result);
    });
    worker.addEventListener('error', (event) => {
      event.preventDefault();
      this.fail(new Error(`${this.options.name} failed: ${event.message || 'it could not be started'}`));
    });
    this.worker = worker;
    return worker;
  }

  private fail(error: Error): void {
    this.worker?.terminate();
    this.worker = null;
    this.options.onStop?.();
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  /**
   * Sends the request `build` makes for the next id, moving the buffers it lists in `transfer`;
   * replies that settle nothing (null from settle) go to onInterim.
   */
  call<R extends Result = Result>(build: (id: number, transfer: ArrayBuffer[]) => Request, onInterim?: (reply: Reply) => void): Promise<R> {
    const worker = this.started();
    const id = this.nextId++;
    const transfer: ArrayBuffer[] = [];
    const request = build(id, transfer);
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: Result) => void, reject, onInterim });
      worker.postMessage(request, transfer);
    });
  }

  /** Starts the worker now, if it is not running. */
  warm(): void {
    this.started();
  }

  /** Stops the worker; requests still waiting are rejected. */
  terminate(): void {
    this.fail(new Error(`${this.options.name} was stopped`));
  }
}
