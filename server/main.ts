// Entry point: `tsx server/main.ts` (npm start runs it after building the app); with --check it
// only reads the settings and tries the address.
// Anything that stops the start ends the process with one line on stderr (server/startupError.ts):
// a bad setting names the variable and what to do; anything else gives its message and says that
// CTAW_DEBUG=1 prints the stack.
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { type ServerConfig, configFromEnv } from './config.ts';
import { StartupError, shownValue, startupLines } from './startupError.ts';

let app: FastifyInstance | null = null;
try {
  const config = configFromEnv();
  // The address first: a port in use is said at once, before the database is opened and the first
  // admin made. listen below says it again should another program take the port meanwhile.
  await listenable(config);
  // npm start asks this much before it starts Orthanc and builds the app (scripts/start.sh).
  if (process.argv.includes('--check')) process.exit(0);
  // Loaded only once the settings are read, so that a module failing to load is caught here too.
  const { buildApp } = await import('./app.ts');
  app = await buildApp(config, { logger: config.log });
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    throw listenError(err, config);
  }
  console.log(`CT annotation workstation: http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}/`);
} catch (err) {
  process.stderr.write(`${startupLines(err, process.env.CTAW_DEBUG === '1')}\n`);
  // Closing frees the embedded database's lock; then exit, whatever handles are still open.
  await app?.close().catch(() => undefined);
  process.exit(1);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app!.close().then(() => process.exit(0));
  });
}

/** Opens and closes the address the server will listen on. */
function listenable(config: ServerConfig): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err) => reject(listenError(err, config)));
    probe.listen({ host: config.host, port: config.port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

function listenError(err: unknown, config: ServerConfig): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  const port = `CTAW_PORT=${config.port}`;
  const host = `CTAW_HOST=${shownValue(config.host)}`;
  if (code === 'EADDRINUSE') return new StartupError('CTAW_PORT', `${port} is in use by another program: stop it or set CTAW_PORT to a free port`, { cause: err });
  if (code === 'EACCES') return new StartupError('CTAW_PORT', `${port} may not be opened by this user (ports below 1024 need root): set CTAW_PORT to 1024 or above`, { cause: err });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new StartupError('CTAW_HOST', `${host} is not an address of this machine (${code}): set CTAW_HOST to one of its addresses, 127.0.0.1 or 0.0.0.0`, { cause: err });
  }
  return err;
}
