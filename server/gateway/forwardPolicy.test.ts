import { describe, expect, it } from 'vitest';
import type { DicomwebResource } from '../dicomwebPath.ts';
import { archiveErrorAnswer, forwardedHeaders, forwardedQuery } from './forwardPolicy.ts';

const STUDY = '1.2.3';
const SERIES = '1.2.3.4';
const SOP = '1.2.3.4.5';
const studySearch: DicomwebResource = { kind: 'search', level: 'study' };
const instanceSearch: DicomwebResource = { kind: 'search', level: 'instance', studyUid: STUDY, seriesUid: SERIES };
const retrieve = (what: Extract<DicomwebResource, { kind: 'retrieve' }>['what']): DicomwebResource => ({ kind: 'retrieve', level: 'instance', what, studyUid: STUDY, seriesUid: SERIES, sopUid: SOP });

describe('forwardedQuery', () => {
  it('QIDO keeps attribute keys (keywords, tags, sequence paths) and includefield, limit, offset, fuzzymatching, in order', () => {
    const raw = 'PatientName=DOE%5EJ*&0020000D=1.2.3&ReferencedSeriesSequence.SeriesInstanceUID=1.2&00081115.0020000E=1.3&includefield=00080020&includefield=all&limit=10&offset=5&fuzzymatching=true';
    expect(forwardedQuery(studySearch, raw)).toBe(
      'PatientName=DOE%5EJ*&0020000D=1.2.3&ReferencedSeriesSequence.SeriesInstanceUID=1.2&00081115.0020000E=1.3&includefield=00080020&includefield=all&limit=10&offset=5&fuzzymatching=true',
    );
  });

  it('QIDO drops method overrides in every spelling and encoding, and names that are no attribute', () => {
    const raw = [
      '_method=DELETE', '%5Fmethod=DELETE', 'method=DELETE', 'Method=DELETE', 'X-HTTP-Method-Override=DELETE', 'x-http-method=DELETE',
      'X-Method-Override=DELETE', 'MethodOverride=DELETE', 'foo=1', 'expand=', 'a[]=1', 'a%5Bb%5D=1', 'Patient-Name=x', '0008002=x', 'StudyDate=20200101',
    ].join('&');
    expect(forwardedQuery(studySearch, raw)).toBe('StudyDate=20200101');
    expect(forwardedQuery(instanceSearch, raw)).toBe('StudyDate=20200101');
  });

  it('re-encodes what it keeps, so that Orthanc reads exactly the decided name and value', () => {
    expect(forwardedQuery(studySearch, 'PatientName=a+b&PatientID=x%26_method%3DDELETE')).toBe('PatientName=a%20b&PatientID=x%26_method%3DDELETE');
  });

  it('WADO: rendered and thumbnail keep their PS3.18 parameters; everything else keeps none', () => {
    const raw = 'quality=80&viewport=128,128&window=40,400,linear&annotation=patient&charset=utf-8&iccprofile=srgb&accept=image/png&_method=DELETE&foo=1';
    expect(forwardedQuery(retrieve('rendered'), raw)).toBe('quality=80&viewport=128%2C128&window=40%2C400%2Clinear&annotation=patient&charset=utf-8');
    expect(forwardedQuery(retrieve('thumbnail'), raw)).toBe('viewport=128%2C128&charset=utf-8');
    for (const what of ['dicom', 'metadata', 'frames', 'bulk'] as const) expect(forwardedQuery(retrieve(what), raw), what).toBe('');
    expect(forwardedQuery({ kind: 'store' }, raw)).toBe('');
    expect(forwardedQuery(null, raw)).toBe('');
  });
});

describe('forwardedHeaders', () => {
  const browser = {
    host: 'ctaw.example:5180',
    accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*',
    range: 'bytes=0-99',
    'content-type': 'multipart/related; type="application/dicom"; boundary=x',
    'content-length': '1234',
    cookie: 'ctaw_session=secret',
    'x-csrf-token': 'token',
    authorization: 'Basic b3J0aGFuYzpvcnRoYW5j',
    'x-http-method-override': 'DELETE',
    'x-http-method': 'DELETE',
    'x-method-override': 'DELETE',
    'x-foo': 'bar',
    forwarded: 'host=evil.example;proto=https',
    'x-forwarded-host': 'evil.example',
    origin: 'https://evil.example',
    referer: 'https://evil.example/',
    'accept-encoding': 'gzip',
    'if-none-match': '"x"',
    connection: 'keep-alive',
  };

  it('a read passes Accept and Range, and the browser Host', () => {
    expect(forwardedHeaders(browser, 'read', 'orthanc:8042')).toEqual({ accept: browser.accept, range: 'bytes=0-99', host: 'ctaw.example:5180' });
  });

  it('a store passes Accept, Content-Type and Content-Length', () => {
    expect(forwardedHeaders(browser, 'store', 'orthanc:8042')).toEqual({ accept: browser.accept, 'content-type': browser['content-type'], 'content-length': '1234', host: 'ctaw.example:5180' });
  });

  it('without a Host of the browser, the default', () => {
    expect(forwardedHeaders({ accept: 'application/dicom+json' }, 'read', '127.0.0.1:8042')).toEqual({ accept: 'application/dicom+json', host: '127.0.0.1:8042' });
  });
});

describe('archiveErrorAnswer', () => {
  const orthancBody = Buffer.from(JSON.stringify({ HttpError: 'Bad Request', HttpStatus: 400, Message: 'Parameter out of range', Method: 'GET', OrthancError: 'Parameter out of range', OrthancStatus: 3, Uri: '/dicom-web/studies' }));
  const text = (a: { body: Buffer }) => a.body.toString('utf8');

  it('gives a fixed body per status class, never Orthanc’s', () => {
    expect(archiveErrorAnswer('GET', 404, orthancBody)).toEqual({ status: 404, contentType: 'application/json', body: Buffer.from('{"error":"not found"}') });
    expect(text(archiveErrorAnswer('GET', 400, orthancBody))).toBe('{"error":"the image archive refused the request"}');
    expect(archiveErrorAnswer('GET', 415, null).status).toBe(415);
    expect(text(archiveErrorAnswer('POST', 500, orthancBody))).toBe('{"error":"the image archive failed to answer the request"}');
    expect(archiveErrorAnswer('GET', 302, null)).toMatchObject({ status: 502, contentType: 'application/json' });
    expect(archiveErrorAnswer('POST', 400, orthancBody).contentType).toBe('application/json');
  });

  it('passes a STOW-RS Store Instances Response (DICOM JSON) on, and only that', () => {
    const stowAnswer = Buffer.from(JSON.stringify({ '00080005': { vr: 'CS', Value: ['ISO_IR 100'] }, '00081198': { vr: 'SQ', Value: [{ '00081197': { vr: 'US', Value: [0x0110] } }] }, '00081199': { vr: 'SQ' } }));
    expect(archiveErrorAnswer('POST', 409, stowAnswer)).toEqual({ status: 409, contentType: 'application/dicom+json', body: stowAnswer });
    expect(archiveErrorAnswer('GET', 409, stowAnswer).contentType).toBe('application/json');
    expect(archiveErrorAnswer('POST', 409, Buffer.from('[{"00081198":{}}]')).contentType).toBe('application/json');
    expect(archiveErrorAnswer('POST', 409, Buffer.from('not json')).contentType).toBe('application/json');
  });
});
