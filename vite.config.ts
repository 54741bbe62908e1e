import { build, defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// The viewer's Cornerstone chunk is imported once the first slice is painted; its file name goes
// into index.html so a deep link starts downloading it at once (see index.html, seriesViewer.ts).
// So do the frame worker's file (a deep link starts the worker at once: it takes a moment to
// load) and the list of every built file, which the service worker keeps for offline use: workers
// and codecs load on demand, and a series kept offline may be opened first with no network.
function viewerRuntimeUrl(): Plugin {
  return {
    name: 'ctaw-viewer-runtime-url',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.name === 'viewerRuntime');
        if (!chunk) return html;
        const assets = Object.values(ctx.bundle ?? {})
          .map((c) => `/${c.fileName}`)
          .filter((f) => f.startsWith('/assets/') && !f.endsWith('.map'));
        const frameWorker = assets.find((f) => /\/frameStream\.worker-[\w-]+\.js$/.test(f));
        const script =
          `window.__ctawViewerRuntime = ${JSON.stringify(`/${chunk.fileName}`)}; window.__ctawAssets = ${JSON.stringify(assets)};` +
          (frameWorker ? ` window.__ctawFrameWorkerUrl = ${JSON.stringify(frameWorker)};` : '');
        return { html, tags: [{ tag: 'script', children: script, injectTo: 'head-prepend' }] };
      },
    },
  };
}

// The service worker is built apart, as one classic script (/sw.js, scope the whole app): built
// among the app's entries it shared a chunk with the page as soon as both imported one module,
// and a classic service worker cannot import (registration failed: "script evaluation failed").
// A module service worker would, but Firefox ESR 140 cannot run one.
function serviceWorkerScript(): Plugin {
  let outDir = 'dist';
  return {
    name: 'ctaw-service-worker',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      await build({
        configFile: false,
        logLevel: 'error',
        build: {
          outDir,
          emptyOutDir: false,
          target: 'es2022',
          copyPublicDir: false,
          lib: { entry: fileURLToPath(new URL('./src/sw/serviceWorker.ts', import.meta.url)), formats: ['iife'], name: 'ctawServiceWorker', fileName: () => 'sw.js' },
        },
      });
    },
  };
}

// Not in the package's exports; src/viewer/halfFloatTexture.ts extends it (see there). The render
// benchmark page (bench/render/vite.config.ts) builds the same module and uses these too.
export const CORNERSTONE_INTERNAL_ALIASES = {
  'cornerstone-internal/streaming-texture': fileURLToPath(
    new URL('./node_modules/@cornerstonejs/core/dist/esm/RenderingEngine/vtkClasses/vtkStreamingOpenGLTexture.js', import.meta.url),
  ),
};

// Dev server proxies DICOMweb to the project's server (which owns the only door to Orthanc).
// changeOrigin false: Orthanc builds BulkDataURIs from the Host header, so they point here.
export default defineConfig({
  plugins: [react(), viewerRuntimeUrl(), serviceWorkerScript()],
  resolve: { alias: CORNERSTONE_INTERNAL_ALIASES },
  server: {
    port: 5173,
    proxy: { '/dicom-web': { target: 'http://127.0.0.1:5180', changeOrigin: false }, '/api': { target: 'http://127.0.0.1:5180' } },
  },
  worker: { format: 'es' },
  optimizeDeps: {
    exclude: ['@cornerstonejs/dicom-image-loader'],
    include: [
      'dicom-parser',
      '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
      '@cornerstonejs/codec-charls/decodewasmjs',
      '@cornerstonejs/codec-openjpeg/decodewasmjs',
      '@cornerstonejs/codec-openjph/wasmjs',
    ],
  },
  build: {
    target: 'es2022',
    sourcemap: process.env.CTAW_SOURCEMAP === "1",
    chunkSizeWarningLimit: 8000,
    rollupOptions: {
      input: { main: 'index.html' },
      output: { entryFileNames: 'assets/[name]-[hash].js' },
    },
  },
});
