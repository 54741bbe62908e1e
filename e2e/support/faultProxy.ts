// A faulty network of our own between the browser and the gateway: a plain HTTP proxy that
// passes everything through, except that each STOW-RS upload (POST .../studies) takes the next
// fault from a queue. The browser opens the app through it, so the app, its service worker and
// its sync engine see exactly what a flaky hospital network or a restarted archive would do.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type StowFault =
  /** answer with this status and never forward */
  | { kind: 'status'; status: number }
  /** read the upload, then never answer (the client's time-out must fire) */
  | { kind: 'hang' }
  /** forward the first bytes of the upload, then cut both connections mid-body */
  | { kind: 'cut-upload'; afterBytes: number }
  /** forward the whole upload and let the archive store it, then cut the answer off */
  | { kind: 'lose-answer' }
  /** run `before` (e.g. stop Orthanc), forward, then run `after` (start it again) */
  | { kind: 'around'; before: () => Promise<void>; after: () => Promise<void> };

export interface StowAttempt {
  fault: StowFault['kind'] | 'pass';
  status: number | null;
}

export interface FaultProxy {
  url: string;
  /** faults for the next STOW uploads, in order; later uploads pass */
  queueStowFaults(...faults: StowFault[]): void;
  attempts: StowAttempt[];
  close(): Promise<void>;
}

function isStow(req: IncomingMessage): boolean {
  return req.method === 'POST' && /\/dicom-web\/studies(\/[^/]+)?\/?$/.test((req.url ?? '').split('?')[0]);
}

export async function startFaultProxy(target: string, port = 0): Promise<FaultProxy> {
  const upstream = new URL(target);
  const queue: StowFault[] = [];
  const attempts: StowAttempt[] = [];
  const sockets = new Set<Socket>();

  function forward(req: IncomingMessage, res: ServerResponse, opts: { cutAfterBytes?: number; loseAnswer?: boolean } = {}): Promise<number | null> {
    return new Promise((resolve) => {
      const out = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
        (upRes) => {
          if (opts.loseAnswer) {
            // The archive has answered (so it stored the upload); the browser never hears it.
            upRes.resume();
            upRes.on('end', () => {
              req.socket.destroy();
              resolve(upRes.statusCode ?? null);
            });
            return;
          }
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
          upRes.on('end', () => resolve(upRes.statusCode ?? null));
        },
      );
      out.on('error', () => {
        if (!res.headersSent && !res.destroyed) res.writeHead(502).end();
        resolve(null);
      });
      if (opts.cutAfterBytes === undefined) {
        req.pipe(out);
        return;
      }
      let sent = 0;
      const limit = opts.cutAfterBytes;
      req.on('data', (chunk: Buffer) => {
        if (sent >= limit) return;
        const part = chunk.subarray(0, limit - sent);
        sent += part.length;
        out.write(part);
        if (sent >= limit) {
          // Both sides see the connection drop in the middle of the body.
          out.destroy();
          req.socket.destroy();
          resolve(null);
        }
      });
    });
  }

  const server: Server = createServer((req, res) => {
    if (!isStow(req)) {
      void forward(req, res);
      return;
    }
    const fault = queue.shift();
    const attempt: StowAttempt = { fault: fault?.kind ?? 'pass', status: null };
    attempts.push(attempt);
    void (async () => {
      if (!fault) attempt.status = await forward(req, res);
      else if (fault.kind === 'status') {
        req.resume();
        req.on('end', () => res.writeHead(fault.status, { 'content-type': 'application/json' }).end('{"error":"injected fault"}'));
        attempt.status = fault.status;
      } else if (fault.kind === 'hang') {
        req.resume();
      } else if (fault.kind === 'cut-upload') {
        await forward(req, res, { cutAfterBytes: fault.afterBytes });
      } else if (fault.kind === 'lose-answer') {
        attempt.status = await forward(req, res, { loseAnswer: true });
      } else {
        await fault.before();
        attempt.status = await forward(req, res);
        await fault.after();
      }
    })();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    queueStowFaults: (...faults) => queue.push(...faults),
    attempts,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
