// Which requests the service worker answers from Cache Storage, and how. Pure, so the rules are
// unit-tested; the worker itself only carries them out.
export type CacheRule = 'shell' | 'asset' | 'frames' | 'metadata' | 'network';

export const SHELL_CACHE = 'ctaw-shell-v1';
export const ASSET_CACHE = 'ctaw-assets-v1';
export const DICOM_CACHE = 'ctaw-dicom-v1';

/**
 * - shell: the SPA's pages (index.html), network first so a deploy is picked up, cache when offline
 * - asset: hashed build files, cache first (they never change under one name)
 * - frames: WADO-RS pixel data, from the cache when kept there (an instance's pixels never change);
 *   the page writes them (src/offline/prefetchSeries.ts), never the worker while a series streams
 * - metadata: QIDO and series metadata, network first, cache when offline
 * - network: everything else (STOW, the API) goes to the network untouched
 */
export function cacheRule(method: string, url: URL, origin: string): CacheRule {
  if (method !== 'GET' || url.origin !== origin) return 'network';
  const path = url.pathname;
  if (path.startsWith('/assets/')) return 'asset';
  if (path.startsWith('/dicom-web/')) {
    if (/\/frames\/[\d,]+$/.test(path)) return 'frames';
    if (/\/metadata$/.test(path) || /\/(studies|series|instances)$/.test(path)) return 'metadata';
    return 'network';
  }
  if (path.startsWith('/api/')) return 'network';
  if (path === '/' || path === '/index.html' || path.startsWith('/viewer/')) return 'shell';
  if (/^\/[\w.-]+\.(json|svg|png|ico|webmanifest)$/.test(path)) return 'metadata';
  // The study's read form schemas (named by study-config.json): needed to read a case offline.
  if (/^\/forms\/[\w.-]+\.json$/.test(path)) return 'metadata';
  return 'network';
}
