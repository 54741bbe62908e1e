import { describe, expect, it } from 'vitest';
import { chunkUids, withStudyList } from './studySearch.ts';

describe('study UID lists for Orthanc', () => {
  it('packs UIDs in order into lists no longer than the limit, commas counted', () => {
    const uids = ['1.2.3', '1.2.44', '1.2.555', '1.2.6'];
    expect(chunkUids(uids, 13)).toEqual([['1.2.3', '1.2.44'], ['1.2.555', '1.2.6']]);
    expect(chunkUids(uids, 1000)).toEqual([uids]);
    expect(chunkUids([], 1000)).toEqual([]);
    // A UID longer than the limit still goes, alone.
    expect(chunkUids(['1.2.3', '1.23456789012'], 8)).toEqual([['1.2.3'], ['1.23456789012']]);
  });

  it('asks a UID that is not plain digits and dots alone, where a comma in it cannot split a list', () => {
    expect(chunkUids(['1.2', '1.3,1.4', '1.5'], 1000)).toEqual([['1.3,1.4'], ['1.2', '1.5']]);
  });

  it('at most 8,000 characters by default: 64-character UIDs, 123 a list', () => {
    const uids = Array.from({ length: 300 }, (_, i) => `2.25.${String(i).padStart(59, '7')}`);
    const chunks = chunkUids(uids);
    expect(chunks.map((c) => c.length)).toEqual([123, 123, 54]);
    expect(chunks.flat()).toEqual(uids);
    for (const c of chunks) expect(c.join(',').length).toBeLessThanOrEqual(8000);
  });

  it('replaces empty StudyInstanceUID keys (any spelling) by the list, other keys kept in order', () => {
    const q = withStudyList(new URLSearchParams('PatientID=X*&studyinstanceuid=&0020000d=&includefield=00080061'), ['1.2', '1.3']);
    expect([...q]).toEqual([
      ['PatientID', 'X*'],
      ['includefield', '00080061'],
      ['StudyInstanceUID', '1.2,1.3'],
    ]);
  });
});
