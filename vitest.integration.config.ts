import { defineConfig } from 'vitest/config';

// Integration tests: the real server and Orthanc started by scripts/test.sh.
export default defineConfig({
  test: {
    include: ['tests/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
