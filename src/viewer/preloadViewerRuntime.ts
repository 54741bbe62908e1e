// The viewer's Cornerstone chunk (3.7 MB) fetched and compiled without running it, while the
// reader is on another page of the app, so that opening a case finds it ready. Fetched as a case
// opened, it came through the service worker beside the series metadata and the first frame and
// held both back: the first image came 460 ms after opening instead of 650 (COVID CT, 2 cores).
// A deep link does the same from index.html.
export function preloadViewerRuntime(): void {
  const url = (window as { __ctawViewerRuntime?: string }).__ctawViewerRuntime;
  if (!url || document.querySelector(`link[rel=modulepreload][href="${url}"]`)) return;
  const link = document.createElement('link');
  link.rel = 'modulepreload';
  link.href = url;
  document.head.appendChild(link);
}

/** Once the page has been idle a moment: the page the reader sees first comes first. */
export function preloadViewerRuntimeWhenIdle(): void {
  const later = (window as { requestIdleCallback?: (cb: () => void, opts: { timeout: number }) => void }).requestIdleCallback;
  if (later) later(preloadViewerRuntime, { timeout: 5000 });
  else setTimeout(preloadViewerRuntime, 2000);
}
