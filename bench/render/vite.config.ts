// Builds the render benchmark page (bench/render/index.html) on its own: no server, no DICOM, so
// the same files run under the driver here and on a machine with a real GPU.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'error',
  resolve: {
    alias: {
      'cornerstone-internal/streaming-texture': fileURLToPath(
        new URL('../../node_modules/@cornerstonejs/core/dist/esm/RenderingEngine/vtkClasses/vtkStreamingOpenGLTexture.js', import.meta.url),
      ),
    },
  },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: fileURLToPath(new URL('../../.bench/render-dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
  },
});
