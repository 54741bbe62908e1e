import { describe, expect, it } from 'vitest';
import { formatDicomDate, getNumber, getNumbers, getString, personNameToString } from './dicomJson.ts';

describe('DICOM JSON values', () => {
  const ds = {
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane^M' }] },
    '00280030': { vr: 'DS', Value: ['0.6', '0.7'] },
    '00281052': { vr: 'DS', Value: [-1024] },
    '00080060': { vr: 'CS' },
  };
  it('reads strings, person names and numbers', () => {
    expect(getString(ds, '00100010')).toBe('Doe, Jane M');
    expect(getNumbers(ds, '00280030')).toEqual([0.6, 0.7]);
    expect(getNumber(ds, '00281052')).toBe(-1024);
    expect(getString(ds, '00080060')).toBeUndefined();
    expect(getNumber(ds, '12345678')).toBeUndefined();
  });
  it('keeps every group of a person name, so nothing stored is hidden', () => {
    // Orthanc splits a PatientName of "<img src=x onerror=alert(1)>" at "=" into PN groups.
    expect(personNameToString({ Alphabetic: '<img src', Ideographic: 'x onerror', Phonetic: 'alert(1)>' })).toBe('<img src=x onerror=alert(1)>');
    expect(personNameToString({ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎' })).toBe('Yamada^Tarou=山田^太郎');
    expect(personNameToString(undefined)).toBe('');
  });
  it('formats DICOM dates', () => {
    expect(formatDicomDate('20200415')).toBe('2020-04-15');
    expect(formatDicomDate('')).toBe('');
    expect(formatDicomDate('2020')).toBe('2020');
  });
});
