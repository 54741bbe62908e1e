// Registers the offline service worker (built to /sw.js) and hands it the files this page
// loaded before it took control, so the first visit already leaves a working offline copy.
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !import.meta.env.PROD) return;
  void navigator.serviceWorker
    .register('/sw.js', { scope: '/' })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      const urls = performance.getEntriesByType('resource').map((e) => e.name).filter((u) => u.startsWith(`${location.origin}/assets/`));
      // The viewer's Cornerstone chunk, its workers and codecs load on demand: a first visit
      // that never opened a series must still leave them for reading offline (see vite.config.ts).
      const onDemand = (window as { __ctawAssets?: string[] }).__ctawAssets ?? [];
      for (const file of onDemand) urls.push(new URL(file, location.origin).href);
      registration.active?.postMessage({ kind: 'cache-assets', urls });
    })
    .catch((err: unknown) => console.warn('[offline] the service worker could not be registered:', err instanceof Error ? err.message : err));
}
