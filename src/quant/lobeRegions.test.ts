import { describe, expect, it } from 'vitest';
import { lobeOfType, lobeRegions } from './lobeRegions.ts';
import { lesionLookup } from './involvement.ts';

describe('lobe regions', () => {
  it('names a lobe by its SNOMED code or its meaning, and nothing else', () => {
    expect(lobeOfType({ value: '45653009', meaning: 'x' })).toBe('RUL');
    expect(lobeOfType({ value: '72481006', meaning: 'x' })).toBe('RML');
    expect(lobeOfType({ value: '90572001', meaning: 'x' })).toBe('RLL');
    expect(lobeOfType({ value: '266005', meaning: 'x' })).toBe('RLL');
    expect(lobeOfType({ value: '44714003', meaning: 'x' })).toBe('LUL');
    expect(lobeOfType({ value: '41224006', meaning: 'x' })).toBe('LLL');
    expect(lobeOfType({ value: 'L9', meaning: 'Structure of lower lobe of left lung' })).toBe('LLL');
    expect(lobeOfType({ value: 'L9', meaning: 'Right middle lobe' })).toBe('RML');
    expect(lobeOfType({ value: '3341006', meaning: 'Right lung' })).toBeNull();
    expect(lobeOfType({ value: '52988006', meaning: 'Lesion' })).toBeNull();
  });

  it('gives each in-lung lesion voxel to the lobe that reaches it first through the lesion, a tie to the lobe first in grid order', () => {
    // One row: RUL segment (4), three lesion voxels (1), RML segment (5), empty.
    const labels = new Uint8Array([4, 1, 1, 1, 5, 0]);
    const lungs = new Uint8Array(6).fill(1);
    const lobes = lobeRegions(labels, lungs, [6, 1, 1], [[4], [5], [], [], []], lesionLookup([1]));
    expect(Array.from(lobes)).toEqual([1, 1, 1, 2, 2, 0]);
  });

  it('leaves lesion voxels outside the lungs, and lesions touching no lobe, in no lobe', () => {
    // RUL, lesion, lesion outside the lung, then a lesion with no lobe beside it.
    const labels = new Uint8Array([4, 1, 1, 0, 1, 1]);
    const lungs = new Uint8Array([1, 1, 0, 1, 1, 1]);
    const lobes = lobeRegions(labels, lungs, [6, 1, 1], [[4], [], [], [], []], lesionLookup([1]));
    expect(Array.from(lobes)).toEqual([1, 1, 0, 0, 0, 0]);
  });

  it('refuses masks of another size', () => {
    expect(() => lobeRegions(new Uint8Array(5), new Uint8Array(6), [6, 1, 1], [[], [], [], [], []], lesionLookup([1]))).toThrow(/grid/);
  });
});
