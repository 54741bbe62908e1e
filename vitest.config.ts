import { defineConfig } from 'vitest/config';

// Unit tests: pure functions beside the code (src, server, scripts, workers).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'server/**/*.test.ts', 'scripts/**/*.test.ts', 'workers/**/*.test.ts'],
    environment: 'node',
  },
});
