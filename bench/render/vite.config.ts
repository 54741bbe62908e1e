// Builds the render benchmark page (bench/render/index.html) on its own: no server, no DICOM, so
// the same files run under the driver here and on a machine with a real GPU.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { CORNERSTONE_INTERNAL_ALIASES } from '../../vite.config.ts';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'error',
  resolve: { alias: CORNERSTONE_INTERNAL_ALIASES },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: fileURLToPath(new URL('../../.bench/render-dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
  },
});
