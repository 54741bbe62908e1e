import { describe, expect, it } from 'vitest';
import { labelmapHasVoxels } from './labelmapGrid.ts';

describe('labelmapHasVoxels', () => {
  it('is false for an empty labelmap and true wherever a single voxel is set, at any alignment', () => {
    const buffer = new Uint8Array(64);
    for (let offset = 0; offset < 4; offset++) {
      for (let length = 0; length < 13; length++) {
        const view = buffer.subarray(offset, offset + length);
        expect(labelmapHasVoxels(view)).toBe(false);
        for (let n = 0; n < length; n++) {
          view[n] = 3;
          expect(labelmapHasVoxels(view), `offset ${offset} length ${length} voxel ${n}`).toBe(true);
          view[n] = 0;
        }
      }
    }
  });

  it('ignores labels outside the view', () => {
    const buffer = new Uint8Array(16);
    buffer[0] = 1;
    buffer[15] = 1;
    expect(labelmapHasVoxels(buffer.subarray(1, 15))).toBe(false);
  });
});
