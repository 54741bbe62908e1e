// Entry point: `tsx server/main.ts` (npm start runs it after building the app).
import { buildApp } from './app.ts';
import { configFromEnv } from './config.ts';

const config = configFromEnv();
const app = await buildApp(config, { logger: process.env.CTAW_LOG !== '0' });
await app.listen({ host: config.host, port: config.port });
console.log(`CT annotation workstation: http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}/`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
