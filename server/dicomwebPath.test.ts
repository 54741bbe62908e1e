import { describe, expect, it } from 'vitest';
import { checkDicomwebPath, parseDicomwebResource } from './dicomwebPath.ts';

describe('checkDicomwebPath', () => {
  it('passes the standard QIDO, WADO and STOW resources', () => {
    for (const url of [
      '/dicom-web/studies?PatientID=1',
      '/dicom-web/studies/1.2.3/series',
      '/dicom-web/studies/1.2.3/series/4.5/metadata',
      '/dicom-web/studies/1.2.3/series/4.5/instances/6.7/frames/1,2',
      '/dicom-web/studies/1.2.3/series/4.5/instances/6.7/rendered',
      '/dicom-web/series?Modality=CT',
      '/dicom-web/instances',
    ]) {
      expect(checkDicomwebPath('GET', url), url).toMatchObject({ ok: true, upstreamPath: url });
    }
    expect(checkDicomwebPath('POST', '/dicom-web/studies')).toMatchObject({ ok: true });
    expect(checkDicomwebPath('POST', '/dicom-web/studies/1.2.3')).toMatchObject({ ok: true });
  });
  it("refuses Orthanc's own paths and the plugin's server-to-server API", () => {
    expect(checkDicomwebPath('GET', '/dicom-web/servers')).toMatchObject({ ok: false, status: 404 });
    expect(checkDicomwebPath('POST', '/dicom-web/servers/x/stow')).toMatchObject({ ok: false });
    expect(checkDicomwebPath('GET', '/dicom-web/../instances')).toMatchObject({ ok: false, status: 400 });
    expect(checkDicomwebPath('GET', '/dicom-web/studies/%2e%2e/%2e%2e/system')).toMatchObject({ ok: false, status: 400 });
    expect(checkDicomwebPath('GET', '/dicom-web/studies%2F..%2Fsystem')).toMatchObject({ ok: false, status: 400 });
    expect(checkDicomwebPath('GET', '/dicom-web//studies')).toMatchObject({ ok: false, status: 400 });
  });
  it('refuses writes other than STOW', () => {
    expect(checkDicomwebPath('DELETE', '/dicom-web/studies/1.2.3')).toMatchObject({ ok: false, status: 405 });
    expect(checkDicomwebPath('POST', '/dicom-web/studies/1.2/series')).toMatchObject({ ok: false, status: 405 });
    expect(checkDicomwebPath('PUT', '/dicom-web/studies')).toMatchObject({ ok: false, status: 405 });
  });
});

describe('parseDicomwebResource', () => {
  const st = '1.2.3';
  const se = '4.5';
  const sop = '6.7';
  it('names the QIDO, WADO and STOW resources by level and UIDs', () => {
    expect(parseDicomwebResource('GET', '/dicom-web/studies')).toEqual({ kind: 'search', level: 'study' });
    expect(parseDicomwebResource('GET', '/dicom-web/series/')).toEqual({ kind: 'search', level: 'series' });
    expect(parseDicomwebResource('GET', '/dicom-web/instances')).toEqual({ kind: 'search', level: 'instance' });
    expect(parseDicomwebResource('GET', `/dicom-web/studies/${st}/series`)).toEqual({ kind: 'search', level: 'series', studyUid: st });
    expect(parseDicomwebResource('GET', `/dicom-web/studies/${st}/instances`)).toEqual({ kind: 'search', level: 'instance', studyUid: st });
    expect(parseDicomwebResource('GET', `/dicom-web/studies/${st}/series/${se}/instances`)).toEqual({ kind: 'search', level: 'instance', studyUid: st, seriesUid: se });
    expect(parseDicomwebResource('GET', `/dicom-web/studies/${st}`)).toEqual({ kind: 'retrieve', level: 'study', what: 'dicom', studyUid: st });
    expect(parseDicomwebResource('GET', `/dicom-web/studies/${st}/metadata`)).toMatchObject({ level: 'study', what: 'metadata' });
    expect(parseDicomwebResource('GET', `/dicom-web/studies/${st}/series/${se}`)).toEqual({ kind: 'retrieve', level: 'series', what: 'dicom', studyUid: st, seriesUid: se });
    expect(parseDicomwebResource('GET', `/dicom-web/studies/${st}/series/${se}/rendered`)).toMatchObject({ level: 'series', what: 'rendered' });
    const instance = { kind: 'retrieve', level: 'instance', studyUid: st, seriesUid: se, sopUid: sop };
    const base = `/dicom-web/studies/${st}/series/${se}/instances/${sop}`;
    expect(parseDicomwebResource('GET', base)).toEqual({ ...instance, what: 'dicom' });
    expect(parseDicomwebResource('GET', `${base}/metadata`)).toEqual({ ...instance, what: 'metadata' });
    expect(parseDicomwebResource('GET', `${base}/thumbnail`)).toEqual({ ...instance, what: 'thumbnail' });
    expect(parseDicomwebResource('GET', `${base}/frames/1,2,3`)).toEqual({ ...instance, what: 'frames' });
    expect(parseDicomwebResource('GET', `${base}/frames/1/rendered`)).toEqual({ ...instance, what: 'rendered' });
    expect(parseDicomwebResource('GET', `${base}/bulk/7fe00010`)).toEqual({ ...instance, what: 'bulk' });
    expect(parseDicomwebResource('POST', '/dicom-web/studies')).toEqual({ kind: 'store' });
    expect(parseDicomwebResource('POST', `/dicom-web/studies/${st}`)).toEqual({ kind: 'store', studyUid: st });
  });

  it('refuses every other shape', () => {
    for (const [method, path] of [
      ['GET', '/dicom-web'],
      ['GET', '/dicom-web/series/1.2'],
      ['GET', '/dicom-web/instances/1.2/frames/1'],
      ['GET', '/dicom-web/studies/1.2/series/3.4/instances/5.6/frames/0'],
      ['GET', '/dicom-web/studies/1.2/series/3.4/instances/5.6/frames/1/x'],
      ['GET', '/dicom-web/studies/1.2/series/3.4/instances/5.6/pixeldata'],
      ['GET', '/dicom-web/studies/01.2'],
      ['GET', '/dicom-web/studies/1..2'],
      ['GET', `/dicom-web/studies/${'1.'.repeat(40)}1`],
      ['GET', '/dicom-web/studies/1.2/series/x'],
      ['POST', '/dicom-web/studies/1.2/series'],
      ['PUT', '/dicom-web/studies'],
      ['GET', '/dicom-web/servers'],
    ] as const) {
      expect(parseDicomwebResource(method, path), `${method} ${path}`).toBeNull();
    }
  });
});
