import { describe, expect, it } from 'vitest';
import { LUNG } from './ctVolume.ts';
import { lobeReport, sliceSensitivitySpecificity, suggestedVoxelsBySide } from './sliceAgreement.ts';

describe('sliceSensitivitySpecificity', () => {
  it('counts every cell of the confusion table', () => {
    const flags = [1, 1, 0, 0, 1, 0, 0, 1];
    const truth = [1, 0, 1, 0, 1, 0, 0, 1];
    expect(sliceSensitivitySpecificity(flags, truth)).toEqual({ sensitivity: 3 / 4, specificity: 3 / 4, tp: 3, fp: 1, tn: 3, fn: 1 });
  });

  it('treats any nonzero as positive and reads typed arrays', () => {
    const r = sliceSensitivitySpecificity(new Uint8Array([2, 0, 7]), new Float64Array([1, 0, 0]));
    expect(r).toEqual({ sensitivity: 1, specificity: 1 / 2, tp: 1, fp: 1, tn: 1, fn: 0 });
  });

  it('gives NaN for a rate with no slice to measure it on', () => {
    const r = sliceSensitivitySpecificity([0, 1], [0, 0]);
    expect(r.sensitivity).toBeNaN();
    expect(r.specificity).toBe(1 / 2);
  });

  it('refuses flags and labels of different lengths', () => {
    expect(() => sliceSensitivitySpecificity([1], [1, 0])).toThrow(/1 slice flags for 2/);
  });
});

describe('lobeReport', () => {
  it('counts suggested voxels per slice and lung', () => {
    // 2×1×3: voxel 0 right, voxel 1 left on every slice.
    const lungs = new Uint8Array([LUNG.right, LUNG.left, LUNG.right, LUNG.left, LUNG.right, LUNG.none]);
    const labels = new Uint16Array([1, 0, 2, 2, 0, 3]);
    const bySide = suggestedVoxelsBySide(labels, lungs, [2, 1, 3]);
    expect([...bySide.right]).toEqual([1, 1, 0]);
    expect([...bySide.left]).toEqual([0, 1, 0]);
  });

  it('puts the flagged slices against the lobes named on them', () => {
    const bySide = { right: [0, 0, 5, 1, 0], left: [3, 2, 0, 1, 0] };
    // Left lung: slices 0–1 upper third, 2–4 lower; right lung: all middle.
    const zones = { right: [1, 1, 1, 1, 1], left: [0, 0, 2, 2, 2] };
    const lobes = [['LUL'], ['LUL', 'LLL'], ['LLL'], ['RLL'], []];
    const r = lobeReport(bySide, zones, lobes);
    expect(r.flagged).toEqual({ slices: 4, right_only: 1, left_only: 2, both: 1 });
    expect(r.lobes.LUL).toEqual({ labelled_slices: 2, flagged: 2, flagged_on_its_side: 2 });
    // Slice 2 names LLL but the suggestion is in the right lung there.
    expect(r.lobes.LLL).toEqual({ labelled_slices: 2, flagged: 2, flagged_on_its_side: 1 });
    expect(r.lobes.RLL).toEqual({ labelled_slices: 1, flagged: 1, flagged_on_its_side: 1 });
    expect(r.lobes.RML).toEqual({ labelled_slices: 0, flagged: 0, flagged_on_its_side: 0 });
    expect(r.zones.left_upper).toEqual({ flagged_slices: 2, labelled_same_side: 2 });
    expect(r.zones.left_lower).toEqual({ flagged_slices: 1, labelled_same_side: 0 });
    expect(r.zones.right_middle).toEqual({ flagged_slices: 2, labelled_same_side: 1 });
    expect(r.zones.right_upper).toEqual({ flagged_slices: 0, labelled_same_side: 0 });
  });
});
