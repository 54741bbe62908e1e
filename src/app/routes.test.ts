import { describe, expect, it } from 'vitest';
import { parseRoute, viewerPath } from './routes.ts';

describe('routes', () => {
  it('parses the study browser and viewer URLs', () => {
    expect(parseRoute('/')).toEqual({ name: 'home' });
    expect(parseRoute('/studies')).toEqual({ name: 'studies' });
    expect(parseRoute('/viewer/1.2.3/4.5.6')).toEqual({ name: 'viewer', studyInstanceUid: '1.2.3', seriesInstanceUid: '4.5.6' });
    expect(parseRoute(viewerPath('2.25.1', '2.25.2'))).toEqual({ name: 'viewer', studyInstanceUid: '2.25.1', seriesInstanceUid: '2.25.2' });
  });
  it('refuses anything that is not a UID', () => {
    expect(parseRoute('/viewer/1.2/<script>')).toEqual({ name: 'not-found', path: '/viewer/1.2/<script>' });
    expect(parseRoute('/viewer/1.2/../3')).toMatchObject({ name: 'not-found' });
    expect(parseRoute('/elsewhere')).toMatchObject({ name: 'not-found' });
  });
});
