import { describe, expect, it } from 'vitest';
import { buildVolumeGrid } from './volumeGrid.ts';
import type { SliceInfo } from '../dicomweb/seriesValidation.ts';

const slice = (z: number): SliceInfo => ({ sopInstanceUid: `1.${z}`, instanceNumber: z, positionMm: [-10, -20, z], normalPositionMm: z, dataset: {} });
const AXIAL = [1, 0, 0, 0, 1, 0];

describe('buildVolumeGrid', () => {
  it('places a regular series slice by slice', () => {
    const g = buildVolumeGrid([0, 2, 4].map(slice), 64, 32, [0.5, 0.7], 2, AXIAL);
    expect(g.dimensions).toEqual([32, 64, 3]);
    expect(g.spacingMm).toEqual([0.7, 0.5, 2]);
    expect(g.origin).toEqual([-10, -20, 0]);
    expect(g.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(g.sliceAt.map((s) => s?.positionMm[2])).toEqual([0, 2, 4]);
  });
  it('leaves missing slices empty at their place', () => {
    const g = buildVolumeGrid([0, 2, 8, 10].map(slice), 4, 4, [1, 1], 2, AXIAL);
    expect(g.dimensions[2]).toBe(6);
    expect(g.sliceAt.map((s) => s?.positionMm[2] ?? null)).toEqual([0, 2, null, null, 8, 10]);
  });
  it('uses the cross product of the orientation as the slice normal', () => {
    const coronal = [1, 0, 0, 0, 0, -1];
    expect(buildVolumeGrid([slice(0)], 4, 4, [1, 1], 1, coronal).direction.slice(6)).toEqual([0, 1, 0]);
  });
});
