// Headers on every answer of the gateway: the app, its assets, /api and /dicom-web. Set on the raw
// response when the request comes in, so that answers the DICOMweb proxy writes itself (hijacked
// replies), error answers and 404s carry them too. One policy for all: a worker's script is
// governed by the CSP of its own response, not by the page's, so the assets need the app's.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

// How often the built index.html is looked at for a change (a rebuild under a running server,
// as `npm test` does): its inline scripts then change, and the old hashes would block them.
const INDEX_CHECK_MS = 1000;

/**
 * 'sha256-…' sources for the inline scripts of index.html (the early fetches, and the asset list
 * Vite writes into it: vite.config.ts); a hash rather than 'unsafe-inline', so that nothing
 * injected into the page runs. Scripts with src are covered by 'self'.
 */
export function inlineScriptHashes(html: string): string[] {
  const hashes: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    if (/\ssrc\s*=/i.test(` ${m[1]}`)) continue;
    hashes.push(`'sha256-${createHash('sha256').update(m[2], 'utf8').digest('base64')}'`);
  }
  return hashes;
}

export function contentSecurityPolicy(scriptHashes: readonly string[]): string {
  return [
    "default-src 'self'",
    // The codecs of @cornerstonejs/dicom-image-loader (JPEG-LS, JPEG 2000, HTJ2K, libjpeg-turbo)
    // are WebAssembly: compiling them needs 'wasm-unsafe-eval'. Not 'unsafe-eval': the app evaluates
    // no strings (the bundle's one code generator, ndarray's in dcmjs's SEG helpers, is on paths
    // the app does not take: src/seg reads and writes SEGs itself).
    `script-src 'self' 'wasm-unsafe-eval' ${scriptHashes.join(' ')}`.trimEnd(),
    // The frame, SEG and decode workers and the service worker are files of the app.
    "worker-src 'self'",
    "connect-src 'self'",
    // data: the image loader decodes baseline colour JPEG through an Image from a data: URL;
    // blob: the tools' cursors are SVGs behind object URLs.
    "img-src 'self' data: blob:",
    // 'unsafe-inline' for styles only: Cornerstone's annotation text sets style attributes
    // (setAttribute('style')) and its viewer runtime adds a <style> element; no script runs from a style.
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy for index.html as it is on disk now: re-hashed when it changes, looked at once per INDEX_CHECK_MS. */
export function policyOfIndex(indexHtmlPath: string | null, now: () => number = Date.now): () => string {
  let policy = contentSecurityPolicy([]);
  let mtimeMs: number | null = null;
  let checkedAt = -Infinity;
  return () => {
    if (indexHtmlPath === null || now() - checkedAt < INDEX_CHECK_MS) return policy;
    checkedAt = now();
    try {
      const changed = statSync(indexHtmlPath).mtimeMs;
      if (changed !== mtimeMs) {
        policy = contentSecurityPolicy(inlineScriptHashes(readFileSync(indexHtmlPath, 'utf8')));
        mtimeMs = changed;
      }
    } catch {
      // Not there (no build, or one under way): the last policy stands.
    }
    return policy;
  };
}

/** indexHtmlPath: the built index.html whose inline scripts may run; null without a built app. */
export function securityHeaders(app: FastifyInstance, opts: { indexHtmlPath: string | null }): void {
  const policy = policyOfIndex(opts.indexHtmlPath);
  const headers: Array<[string, string]> = [
    ['X-Content-Type-Options', 'nosniff'],
    ['Referrer-Policy', 'no-referrer'],
    // For browsers without frame-ancestors.
    ['X-Frame-Options', 'DENY'],
    // Cross-origin isolation: the CT volume is then one SharedArrayBuffer that the viewer and the
    // quantification worker both read, where the worker held a copy of its own (70-160 MB more
    // per open case). Everything the app loads is its own origin, so nothing else changes.
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Cross-Origin-Embedder-Policy', 'require-corp'],
  ];
  app.addHook('onRequest', async (request, reply) => {
    reply.raw.setHeader('Content-Security-Policy', policy());
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    // /api answers carry the CSRF token and who is logged in: kept by no cache, shared or not.
    // /dicom-web answers too: the patient's images stay out of the browser's disk cache (a case
    // kept for offline reading is in Cache Storage, which this does not touch), and Chromium
    // writing every frame there cost ~20% of a series' transport time (bench/transport.ts:
    // 6.6 s -> 5.1 s for the 300-slice phantom, 2.0 -> 1.6 s for the COVID CT, 3 runs each).
    if (/^\/(api|dicom-web)(\/|\?|$)/.test(request.raw.url ?? '')) reply.raw.setHeader('Cache-Control', 'no-store');
  });
}
