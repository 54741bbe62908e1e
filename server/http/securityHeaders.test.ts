import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, inlineScriptHashes, policyOfIndex } from './securityHeaders.ts';

const sha = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

describe('inlineScriptHashes', () => {
  it('hashes the exact text of each inline script, and skips scripts with src', () => {
    const first = 'window.__ctawAssets = ["/assets/a.js"];';
    const second = '\n      (function () {\n        window.__ctawHealth = fetch("/api/health");\n      })();\n    ';
    const html = `<!doctype html><html><head><script>${first}</script>
      <script type="module" crossorigin src="/assets/main-1.js"></script>
      <SCRIPT data-src="x">${second}</SCRIPT ></head><body><script src=/x.js></script></body></html>`;
    expect(inlineScriptHashes(html)).toEqual([sha(first), sha(second)]);
    expect(inlineScriptHashes('<p>no scripts</p>')).toEqual([]);
  });
});

describe('contentSecurityPolicy', () => {
  it('allows the app’s own scripts, WebAssembly and the hashed inline scripts, and nothing framed, embedded or redirected', () => {
    const csp = contentSecurityPolicy(["'sha256-AAA='", "'sha256-BBB='"]);
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    expect(directives).toEqual({
      'default-src': "'self'",
      'script-src': "'self' 'wasm-unsafe-eval' 'sha256-AAA=' 'sha256-BBB='",
      'worker-src': "'self'",
      'connect-src': "'self'",
      'img-src': "'self' data: blob:",
      'style-src': "'self' 'unsafe-inline'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'self'",
      'frame-ancestors': "'none'",
    });
    expect(csp).not.toContain("'unsafe-eval'");
    expect(contentSecurityPolicy([])).toContain("script-src 'self' 'wasm-unsafe-eval';");
  });
});

describe('policyOfIndex', () => {
  it('follows a rebuilt index.html, looking at it at most once a second, and keeps the last policy while it is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ctaw-csp-'));
    const index = join(dir, 'index.html');
    let nowMs = 0;
    try {
      const policy = policyOfIndex(index, () => nowMs);
      expect(policy()).toBe(contentSecurityPolicy([]));
      writeFileSync(index, '<script>one()</script>');
      utimesSync(index, 1000, 1000);
      nowMs = 1000;
      expect(policy()).toBe(contentSecurityPolicy([sha('one()')]));
      writeFileSync(index, '<script>two()</script>');
      utimesSync(index, 2000, 2000);
      nowMs = 1500;
      expect(policy()).toBe(contentSecurityPolicy([sha('one()')]));
      nowMs = 2000;
      expect(policy()).toBe(contentSecurityPolicy([sha('two()')]));
      rmSync(index);
      nowMs = 3000;
      expect(policy()).toBe(contentSecurityPolicy([sha('two()')]));
      expect(policyOfIndex(null)()).toBe(contentSecurityPolicy([]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
