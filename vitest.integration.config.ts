import { defineConfig } from 'vitest/config';

// Integration tests: the real server and Orthanc started by scripts/test.sh.
export default defineConfig({
  test: {
    include: ['tests/integration/**/*.test.ts'],
    environment: 'node',
    // Generous: a test that starts processes (the admin CLI, a server that must refuse to start)
    // spends most of its time starting tsx, which takes several times longer on a loaded 2-core
    // machine; a hang is still caught.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
