import { describe, expect, it } from 'vitest';
import { newUid, stableUid, uuidToUid } from './dicomUid.ts';

describe('DICOM UIDs', () => {
  it('are valid 2.25 UIDs of at most 64 characters', async () => {
    for (const uid of [newUid(), await stableUid('case/reader'), uuidToUid('ffffffff-ffff-ffff-ffff-ffffffffffff')]) {
      expect(uid).toMatch(/^2\.25\.(0|[1-9]\d*)$/);
      expect(uid.length).toBeLessThanOrEqual(64);
    }
  });

  it('stable UIDs repeat for the same text only', async () => {
    expect(await stableUid('a')).toBe(await stableUid('a'));
    expect(await stableUid('a')).not.toBe(await stableUid('b'));
  });
});
