import { describe, expect, it } from 'vitest';
import { KeptSeries, keptMarkerUrl, NOT_KEPT_TTL_MS, seriesOfFramePath, seriesWithFrames } from './keptSeries.ts';

describe('series kept offline, as the service worker tells them', () => {
  it('finds the series of a frame URL and of no other', () => {
    expect(seriesOfFramePath('/dicom-web/studies/1.2/series/3.4.5/instances/6.7/frames/1')).toBe('3.4.5');
    expect(seriesOfFramePath('/dicom-web/studies/1.2/series/3.4.5/instances/6.7/frames/1,2')).toBe('3.4.5');
    expect(seriesOfFramePath('/dicom-web/studies/1.2/series/3.4.5/metadata')).toBeNull();
    expect(seriesOfFramePath('/dicom-web/studies/1.2/series/3.4.5/instances/6.7')).toBeNull();
    expect(seriesOfFramePath('/dicom-web/studies/1.2/series/%E0%A4%A/instances/6.7/frames/1')).toBeNull();
  });

  it('a cache kept before markers existed gives the series of its frames, each once, and not those of its metadata only', () => {
    const o = 'http://127.0.0.1:5180/dicom-web/studies/1.2';
    const urls = [`${o}/series/3.4/metadata`, `${o}/series/3.4/instances/5/frames/1`, `${o}/series/3.4/instances/6/frames/1`, `${o}/series/7.8/metadata`, `${o}/series/9.1/instances/5/frames/1`, 'http://127.0.0.1:5180/forms/f.json'];
    expect(seriesWithFrames(urls).sort()).toEqual(['3.4', '9.1']);
  });

  it('names a marker per series that no DICOMweb request can ask for', () => {
    const url = new URL(keptMarkerUrl('http://127.0.0.1:5180', '1.2.3'));
    expect(url.origin).toBe('http://127.0.0.1:5180');
    expect(url.pathname.startsWith('/dicom-web/')).toBe(false);
    expect(keptMarkerUrl('http://a', '1.2.3')).not.toBe(keptMarkerUrl('http://a', '1.2.4'));
  });

  it('remembers kept for good, not kept only for a while, and a late "not kept" does not undo "kept"', () => {
    let now = 1000;
    const kept = new KeptSeries(() => now);
    expect(kept.lookup('1.2')).toBeUndefined();
    kept.set('1.2', false);
    expect(kept.lookup('1.2')).toBe(false);
    now += NOT_KEPT_TTL_MS + 1;
    expect(kept.lookup('1.2')).toBeUndefined(); // asked again: another tab may have kept it since
    kept.set('1.2', true);
    kept.set('1.2', false); // a lookup that began before the page said "kept"
    now += 10 * NOT_KEPT_TTL_MS;
    expect(kept.lookup('1.2')).toBe(true);
  });
});
