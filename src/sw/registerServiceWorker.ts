// Registers the offline service worker (built to /sw.js) and hands it the files this page
// loaded before it took control, so the first visit already leaves a working offline copy.
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) return;
  void navigator.serviceWorker
    .register('/sw.js', { scope: '/' })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const urls = performance.getEntriesByType('resource').map((e) => e.name).filter((u) => u.startsWith(`${location.origin}/assets/`));
      // The viewer's Cornerstone chunk loads on demand: a first visit that never opened a series
      // must still leave it for reading offline.
      const runtime = (window as { __ctawViewerRuntime?: string }).__ctawViewerRuntime;
      if (runtime) urls.push(new URL(runtime, location.origin).href);
      registration.active?.postMessage({ kind: 'cache-assets', urls });
    })
    .catch((err: unknown) => console.warn('[offline] the service worker could not be registered:', err instanceof Error ? err.message : err));
}
