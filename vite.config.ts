import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Dev server proxies DICOMweb to the project's server (which owns the only door to Orthanc).
// changeOrigin false: Orthanc builds BulkDataURIs from the Host header, so they point here.
export default defineConfig({
  plugins: [react()],
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
    sourcemap: false,
    chunkSizeWarningLimit: 8000,
    rollupOptions: {
      // The service worker is built beside index.html as /sw.js: its scope is the whole app.
      input: { main: 'index.html', sw: 'src/sw/serviceWorker.ts' },
      output: { entryFileNames: (chunk) => (chunk.name === 'sw' ? 'sw.js' : 'assets/[name]-[hash].js') },
    },
  },
});
