import { describe, expect, it } from 'vitest';
import { wadoAcceptable } from './wadoAccept.ts';

describe('WADO-RS Accept negotiation', () => {
  it('serves what each resource is, and */* or no Accept', () => {
    expect(wadoAcceptable('dicom', 'multipart/related; type="application/dicom"; transfer-syntax=*')).toBe(true);
    expect(wadoAcceptable('frames', 'multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1')).toBe(true);
    expect(wadoAcceptable('metadata', 'application/dicom+json')).toBe(true);
    expect(wadoAcceptable('rendered', 'image/png, */*;q=0.1')).toBe(true);
    for (const what of ['dicom', 'frames', 'metadata', 'rendered'] as const) {
      expect(wadoAcceptable(what, undefined)).toBe(true);
      expect(wadoAcceptable(what, '*/*')).toBe(true);
    }
  });

  it('refuses what it cannot serve, whatever the UID', () => {
    expect(wadoAcceptable('dicom', 'application/dicom')).toBe(false);
    expect(wadoAcceptable('dicom', 'text/html')).toBe(false);
    expect(wadoAcceptable('metadata', 'multipart/related; type="application/dicom"')).toBe(false);
    expect(wadoAcceptable('frames', 'application/dicom+json')).toBe(false);
    expect(wadoAcceptable('rendered', 'application/dicom')).toBe(false);
    expect(wadoAcceptable('metadata', 'application/dicom+json;q=0')).toBe(false);
  });
});
