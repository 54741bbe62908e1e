import { describe, expect, it } from 'vitest';
import { cacheRule } from './cachePolicy.ts';

const origin = 'http://127.0.0.1:5180';
const rule = (path: string, method = 'GET') => cacheRule(method, new URL(path, origin), origin);

describe('service worker cache rules', () => {
  it('keeps the app, its assets and the case images for offline use', () => {
    expect(rule('/')).toBe('shell');
    expect(rule('/viewer/1.2.3/4.5.6')).toBe('shell');
    expect(rule('/assets/index-abc123.js')).toBe('asset');
    expect(rule('/dicom-web/studies/1.2/series/3.4/instances/5.6/frames/1')).toBe('frames');
    expect(rule('/dicom-web/studies/1.2/series/3.4/metadata')).toBe('metadata');
    expect(rule('/dicom-web/studies?PatientName=x')).toBe('metadata');
    expect(rule('/study-config.json')).toBe('metadata');
    expect(rule('/forms/chest-ct-comorbidity.v1.json')).toBe('metadata');
    expect(rule('/forms/nested/form.json')).toBe('network');
  });

  it('never caches writes, the API or other origins', () => {
    expect(rule('/dicom-web/studies', 'POST')).toBe('network');
    expect(rule('/api/health')).toBe('network');
    expect(cacheRule('GET', new URL('https://elsewhere.example/assets/x.js'), origin)).toBe('network');
  });
});
