import { describe, expect, it } from 'vitest';
import { isLesionSegment } from '../quant/lesionSegments.ts';
import { componentIndices, runLengths } from './readQuantification.ts';

const concept = (value: string, meaning: string) => ({ value, scheme: 'SCT', meaning });

describe('the read quantification helpers', () => {
  it('counts every segment as lesion unless its type is a lung or a lobe', () => {
    expect(isLesionSegment({ label: 'Ground-glass opacity', type: { value: '112120', scheme: 'DCM', meaning: 'Ground glass opacity' } })).toBe(true);
    expect(isLesionSegment({ label: 'Consolidation', type: concept('95436008', 'Lung consolidation') })).toBe(true);
    expect(isLesionSegment({ label: 'Right lung', type: concept('3341006', 'Right lung') })).toBe(false);
    expect(isLesionSegment({ label: 'RLL', type: concept('266005', 'Lower lobe of right lung') })).toBe(false);
    expect(isLesionSegment({ label: 'Lobe', type: { value: 'X1', scheme: '99LOCAL', meaning: 'Middle lobe' } })).toBe(false);
  });

  it('finds the voxels of one component within its box', () => {
    // 3×2×2 grid: component 2 at (1,0,0) and (2,1,1); component 1 elsewhere.
    const labels = new Uint16Array([0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
    expect(Array.from(componentIndices(labels, [3, 2, 2], [1, 0, 0, 2, 1, 1], 2))).toEqual([1, 11]);
    expect(Array.from(componentIndices(labels, [3, 2, 2], [2, 0, 0, 2, 0, 0], 2))).toEqual([]);
  });

  it('run-length codes a mask', () => {
    expect(runLengths(new Uint8Array([0, 0, 1, 1, 1, 2, 0]))).toEqual([0, 2, 1, 3, 2, 1, 0, 1]);
    expect(runLengths(new Uint8Array(0))).toEqual([]);
  });
});
