import { describe, expect, it } from 'vitest';
import { checkDicomwebPath } from './dicomwebPath.ts';

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
