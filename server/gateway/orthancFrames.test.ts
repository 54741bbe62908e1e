import { describe, expect, it } from 'vitest';
import { requestedSyntax } from './orthancFrames.ts';

describe('requestedSyntax: the Accept headers a frame may be served by Orthanc ID for', () => {
  it('takes the stored-syntax wildcard and a named syntax, quoted or not', () => {
    expect(requestedSyntax('multipart/related; type="application/octet-stream"; transfer-syntax=*')).toBe('*');
    expect(requestedSyntax('multipart/related;type=application/octet-stream;transfer-syntax=1.2.840.10008.1.2.1')).toBe('1.2.840.10008.1.2.1');
    expect(requestedSyntax('Multipart/Related; Type="Application/Octet-Stream"; Transfer-Syntax="1.2.840.10008.1.2.4.70"')).toBe('1.2.840.10008.1.2.4.70');
  });

  it('leaves everything else to the DICOMweb plugin', () => {
    for (const accept of [
      undefined,
      '',
      '*/*',
      'application/octet-stream',
      'multipart/related; type="application/octet-stream"',
      'multipart/related; type="image/jpeg"; transfer-syntax=1.2.840.10008.1.2.4.50',
      'multipart/related; type="application/octet-stream"; transfer-syntax=*, image/jpeg',
      'multipart/related; type="application/octet-stream"; transfer-syntax=*; q=0.5',
      'multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1x',
      'multipart/related; type="application/octet-stream"; transfer-syntax',
    ]) expect(requestedSyntax(accept), String(accept)).toBeNull();
  });
});
