import { describe, expect, it } from 'vitest';
import { decoyPath, decoyUid, namedUids, withDecoys } from './hiddenAsMissing.ts';

describe('decoys for hidden UIDs', () => {
  it('are valid UIDs of the same length, new each time', () => {
    const uid = '2.25.123456789012345678901234567890123456';
    const a = decoyUid(uid);
    expect(a).toMatch(/^2\.25\.[1-9]\d*$/);
    expect(a).toHaveLength(uid.length);
    expect(decoyUid(uid)).not.toBe(a);
    expect(decoyUid('1.2')).toMatch(/^2\.25\.[1-9]$/);
  });

  it('find the UIDs a QIDO names, by keyword or tag, in lists too', () => {
    const named = namedUids(new URLSearchParams('StudyInstanceUID=1.2&0020000e=3.4\\5.6&SOPInstanceUID=7.8,9.1&PatientID=x'));
    expect(named).toEqual({ study: ['1.2'], series: ['3.4', '5.6'], instance: ['7.8', '9.1'] });
  });

  it('replace only the hidden UIDs, in the query and in the path', () => {
    const out = withDecoys(new URLSearchParams('SeriesInstanceUID=3.4\\5.6&PatientID=3.4&limit=2'), new Set(['3.4']));
    const [series, rest] = [out.get('SeriesInstanceUID')!, out.get('PatientID')];
    expect(series).toMatch(/^2\.25\.\d\\5\.6$/);
    expect(rest).toBe('3.4'); // not a UID key
    expect(out.get('limit')).toBe('2');
    const path = decoyPath('/dicom-web/studies/1.2/series/3.4/instances/5.6/frames/1?x=3.4', ['3.4', '5.6']);
    expect(path).toMatch(/^\/dicom-web\/studies\/1\.2\/series\/2\.25\.\d\/instances\/2\.25\.\d\/frames\/1\?x=3\.4$/);
  });
});
