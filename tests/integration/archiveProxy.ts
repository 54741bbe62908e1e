// A proxy between the gateway and the real Orthanc, for tests: it records every request the
// gateway makes of the archive (to prove what never reaches it), and can inject a fault by
// rewriting a request body in flight (to make the archive store something other than what the
// gateway judged). Everything else passes through untouched.
import http from 'node:http';

export interface ArchiveRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface ArchiveProxy {
  url: string;
  log: ArchiveRequest[];
  /** a fault to inject: the body sent on to the archive instead of the one received */
  rewrite: ((req: ArchiveRequest, body: Buffer) => Buffer) | null;
  close: () => Promise<void>;
}

export async function archiveProxy(target: string): Promise<ArchiveProxy> {
  const to = new URL(target);
  const proxy: ArchiveProxy = { url: '', log: [], rewrite: null, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen: ArchiveRequest = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers };
      proxy.log.push(seen);
      let body: Buffer = Buffer.concat(chunks);
      if (proxy.rewrite && body.length) body = proxy.rewrite(seen, body);
      const headers = { ...req.headers, host: to.host, ...(body.length ? { 'content-length': String(body.length) } : {}) };
      const upstream = http.request({ hostname: to.hostname, port: to.port, method: req.method, path: req.url, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      upstream.end(body.length ? body : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  proxy.url = `http://127.0.0.1:${port}`;
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}
