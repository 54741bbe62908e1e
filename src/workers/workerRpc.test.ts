import { describe, expect, it } from 'vitest';
import { WorkerRpc, replyError, type RpcWorker } from './workerRpc.ts';

type Request =
  | { id: number; op: 'echo'; value: string }
  | { id: number; op: 'fail'; message: string }
  | { id: number; op: 'count'; to: number }
  /** answered only when the test says (answerHeld) */
  | { id: number; op: 'hold' };

type Reply = { id: number; kind: 'done'; value: string } | { id: number; kind: 'step'; step: number } | { id: number; kind: 'error'; message: string };

/** A fake Worker: answers in a later task, as a real one does, echoing what it was sent. */
class FakeEchoWorker implements RpcWorker<Reply> {
  readonly posted: Array<{ message: Request; transfer: Transferable[] }> = [];
  terminated = false;
  private readonly onMessage: Array<(event: { data: Reply }) => void> = [];
  private readonly onError: Array<(event: { message: string; preventDefault(): void }) => void> = [];

  addEventListener(type: 'message', listener: (event: { data: Reply }) => void): void;
  addEventListener(type: 'error', listener: (event: { message: string; preventDefault(): void }) => void): void;
  addEventListener(type: 'message' | 'error', listener: never): void {
    if (type === 'message') this.onMessage.push(listener);
    else this.onError.push(listener);
  }

  postMessage(message: unknown, transfer: Transferable[]): void {
    const request = message as Request;
    this.posted.push({ message: request, transfer });
    setTimeout(() => {
      if (request.op === 'echo') this.reply({ id: request.id, kind: 'done', value: request.value });
      else if (request.op === 'fail') this.reply({ id: request.id, kind: 'error', message: request.message });
      else if (request.op === 'count') {
        for (let step = 1; step <= request.to; step++) this.reply({ id: request.id, kind: 'step', step });
        this.reply({ id: request.id, kind: 'done', value: `counted to ${request.to}` });
      }
    }, 0);
  }

  reply(data: Reply): void {
    for (const listener of this.onMessage) listener({ data });
  }

  /** What a worker that fails to load or crashes raises; true when the listener kept it from the console. */
  crash(message: string): boolean {
    let prevented = false;
    for (const listener of this.onError) listener({ message, preventDefault: () => (prevented = true) });
    return prevented;
  }

  terminate(): void {
    this.terminated = true;
  }
}

function setUp() {
  const workers: FakeEchoWorker[] = [];
  let stops = 0;
  const rpc = new WorkerRpc<Request, Reply, string>({
    name: 'the echo worker',
    start: () => {
      const worker = new FakeEchoWorker();
      workers.push(worker);
      return worker;
    },
    settle: (reply) => (reply.kind === 'done' ? { result: reply.value } : reply.kind === 'error' ? { error: new RangeError(reply.message) } : null),
    onStop: () => stops++,
  });
  return { rpc, workers, stops: () => stops };
}

describe('WorkerRpc (over a fake echo worker)', () => {
  it('starts the worker on the first request and keeps it, one id per request', async () => {
    const { rpc, workers } = setUp();
    expect(workers).toHaveLength(0);
    const a = rpc.call((id) => ({ id, op: 'echo', value: 'a' }));
    const b = rpc.call((id) => ({ id, op: 'echo', value: 'b' }));
    expect(await Promise.all([a, b])).toEqual(['a', 'b']);
    expect(workers).toHaveLength(1);
    expect(workers[0].posted.map((p) => p.message.id)).toEqual([1, 2]);
  });

  it('settles each request by the id of its reply, in whatever order the replies come', async () => {
    const { rpc, workers } = setUp();
    const first = rpc.call((id) => ({ id, op: 'hold' }));
    const second = rpc.call((id) => ({ id, op: 'hold' }));
    workers[0].reply({ id: 2, kind: 'done', value: 'second' });
    workers[0].reply({ id: 99, kind: 'done', value: 'nobody asked' });
    workers[0].reply({ id: 1, kind: 'done', value: 'first' });
    workers[0].reply({ id: 1, kind: 'done', value: 'first, again' });
    expect(await first).toBe('first');
    expect(await second).toBe('second');
  });

  it('passes the buffers the request lists to postMessage', async () => {
    const { rpc, workers } = setUp();
    const buffer = new ArrayBuffer(8);
    await rpc.call((id, transfer) => {
      transfer.push(buffer);
      return { id, op: 'echo', value: 'x' };
    });
    expect(workers[0].posted[0].transfer).toEqual([buffer]);
    expect(workers[0].posted[0].transfer[0]).toBe(buffer);
  });

  it("rejects with the error settle makes of an error reply, and the worker stays up", async () => {
    const { rpc, workers } = setUp();
    const failed = rpc.call((id) => ({ id, op: 'fail', message: 'bad input' }));
    await expect(failed).rejects.toThrow(RangeError);
    await expect(failed).rejects.toThrow('bad input');
    expect(await rpc.call((id) => ({ id, op: 'echo', value: 'still here' }))).toBe('still here');
    expect(workers).toHaveLength(1);
    expect(workers[0].terminated).toBe(false);
  });

  it('hands the replies on the way to the request that gets them, and settles on the last', async () => {
    const { rpc } = setUp();
    const steps: Reply[] = [];
    const other: Reply[] = [];
    const counted = rpc.call((id) => ({ id, op: 'count', to: 3 }), (reply) => steps.push(reply));
    const echoed = rpc.call((id) => ({ id, op: 'echo', value: 'e' }), (reply) => other.push(reply));
    expect(await counted).toBe('counted to 3');
    expect(await echoed).toBe('e');
    expect(steps).toEqual([1, 2, 3].map((step) => ({ id: 1, kind: 'step', step })));
    expect(other).toEqual([]);
  });

  it('fails what waits when the worker crashes, and starts a fresh one for the next request', async () => {
    const { rpc, workers, stops } = setUp();
    const a = rpc.call((id) => ({ id, op: 'hold' }));
    const b = rpc.call((id) => ({ id, op: 'hold' }));
    expect(workers[0].crash('out of memory')).toBe(true);
    await expect(a).rejects.toThrow('the echo worker failed: out of memory');
    await expect(b).rejects.toThrow('the echo worker failed: out of memory');
    expect(workers[0].terminated).toBe(true);
    expect(stops()).toBe(1);
    expect(await rpc.call((id) => ({ id, op: 'echo', value: 'again' }))).toBe('again');
    expect(workers).toHaveLength(2);
    expect(workers[1].posted[0].message.id).toBe(3);
  });

  it('says the worker could not be started when the error has no message', async () => {
    const { rpc, workers } = setUp();
    const a = rpc.call((id) => ({ id, op: 'hold' }));
    workers[0].crash('');
    await expect(a).rejects.toThrow('the echo worker failed: it could not be started');
  });

  it('rejects what waits when stopped; warm starts a worker ahead of the first request', async () => {
    const { rpc, workers, stops } = setUp();
    rpc.terminate();
    expect(stops()).toBe(1);
    rpc.warm();
    rpc.warm();
    expect(workers).toHaveLength(1);
    const held = rpc.call((id) => ({ id, op: 'hold' }));
    rpc.terminate();
    await expect(held).rejects.toThrow('the echo worker was stopped');
    expect(workers[0].terminated).toBe(true);
    workers[0].reply({ id: 1, kind: 'done', value: 'too late' });
    expect(await rpc.call((id) => ({ id, op: 'echo', value: 'new' }))).toBe('new');
    expect(workers).toHaveLength(2);
  });
});

describe('replyError', () => {
  class InputError extends Error {
    override name = 'InputError';
  }

  it('makes the class an error reply names, and a plain Error of any other', () => {
    const typed = replyError({ name: 'InputError', message: 'no labels' }, 'InputError', InputError);
    expect(typed).toBeInstanceOf(InputError);
    expect(typed.message).toBe('no labels');
    const plain = replyError({ name: 'TypeError', message: 'x is undefined' }, 'InputError', InputError);
    expect(plain).not.toBeInstanceOf(InputError);
    expect(plain.constructor).toBe(Error);
    expect(plain.message).toBe('x is undefined');
  });
});
