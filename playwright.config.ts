// End-to-end tests: Debian's Chromium (software WebGL2 through SwiftShader) against the real
// server and Orthanc that scripts/test.sh starts. One worker: two cores render in software.
import { defineConfig } from '@playwright/test';

const baseURL = process.env.CTAW_BASE_URL ?? 'http://127.0.0.1:5181';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    baseURL,
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    // Requests a service worker makes bypass page.route(), which the fault-injecting tests use;
    // the offline tests allow it.
    serviceWorkers: 'block',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
        '--no-first-run', '--disable-quic', '--disable-dev-shm-usage', '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist',
      ],
    },
  },
});
