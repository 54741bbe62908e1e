import { describe, expect, it } from 'vitest';
import { storedIdentities, unjudgedStores } from './storedIdentity.ts';

const answer = (items: Array<[string, string]>) =>
  Buffer.from(JSON.stringify({ '00081199': { vr: 'SQ', Value: items.map(([sop, url]) => ({ '00081155': { vr: 'UI', Value: [sop] }, '00081190': { vr: 'UR', Value: [url] } })) } }));

describe("the archive's identities of what it stored", () => {
  it('are read from the Retrieve URLs of its answer', () => {
    const stored = storedIdentities(answer([['1.3', 'http://gw/dicom-web/studies/1.1/series/1.2/instances/1.3']]));
    expect(stored).toEqual([{ studyUid: '1.1', seriesUid: '1.2', sopUid: '1.3' }]);
    expect(unjudgedStores([{ studyUid: '1.1', seriesUid: '1.2', sopUid: '1.3' }], stored!)).toEqual([]);
  });

  it('that differ from the judged ones, or cannot be read, are reported', () => {
    const other = storedIdentities(answer([['1.3', 'http://gw/dicom-web/studies/1.1/series/9.9/instances/1.3']]))!;
    expect(unjudgedStores([{ studyUid: '1.1', seriesUid: '1.2', sopUid: '1.3' }], other)).toHaveLength(1);
    const renamed = storedIdentities(answer([['1.3', 'http://gw/dicom-web/studies/1.1/series/1.2/instances/1.4']]))!;
    expect(unjudgedStores([{ studyUid: '1.1', seriesUid: '1.2', sopUid: '1.3' }], renamed)).toHaveLength(1);
    expect(storedIdentities(Buffer.from('not json'))).toBeNull();
    expect(storedIdentities(answer([['1.3', 'http://gw/somewhere']]))).toBeNull();
  });
});
