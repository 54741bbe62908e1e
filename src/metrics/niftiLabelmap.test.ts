import { describe, expect, it } from 'vitest';
import { niftiBytes } from './nifti.testSupport.ts';
import { NiftiError, readNiftiMask } from './niftiLabelmap.ts';
import { tiltedGrid } from '../seg/segTestData.ts';
import type { SegGrid } from '../seg/segModel.ts';

describe('readNiftiMask', () => {
  const grid: SegGrid = { dims: [4, 3, 2], spacing: [0.75, 0.875, 2.5], origin: [-100, 20, -300], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  const labels = Uint8Array.from({ length: 24 }, (_, n) => n % 4);

  it('gives the grid in DICOM patient coordinates and the nonzero or one-value mask', () => {
    const { grid: read, mask } = readNiftiMask(niftiBytes(labels, grid));
    expect(read).toEqual(grid);
    expect([...mask]).toEqual([...labels].map((v) => (v !== 0 ? 1 : 0)));
    expect([...readNiftiMask(niftiBytes(labels, grid), 2).mask]).toEqual([...labels].map((v) => (v === 2 ? 1 : 0)));
  });

  it('keeps a tilted grid (to float32 precision)', () => {
    const tilted = tiltedGrid(5, 4, 3);
    const read = readNiftiMask(niftiBytes(new Uint8Array(60), tilted)).grid;
    expect(read.dims).toEqual([5, 4, 3]);
    read.direction.forEach((d, n) => expect(d).toBeCloseTo(tilted.direction[n], 6));
    read.origin.forEach((o, n) => expect(o).toBeCloseTo(tilted.origin[n], 4));
    read.spacing.forEach((s, n) => expect(s).toBeCloseTo(tilted.spacing[n], 6));
  });

  it('reads int16 labels, big endian, with scl_slope/scl_inter applied', () => {
    const values = Int16Array.from({ length: 24 }, (_, n) => (n % 3) - 1); // -1, 0, 1
    expect([...readNiftiMask(niftiBytes(values, grid, { bigEndian: true })).mask]).toEqual([...values].map((v) => (v !== 0 ? 1 : 0)));
    // stored 0..2 -> 1 + 2v = 1, 3, 5: every voxel is nonzero, value 3 where 1 is stored.
    const stored = Int16Array.from({ length: 24 }, (_, n) => n % 3);
    const scaled = niftiBytes(stored, grid, { sclSlope: 2, sclInter: 1 });
    expect([...readNiftiMask(scaled).mask]).toEqual(new Array(24).fill(1));
    expect([...readNiftiMask(scaled, 3).mask]).toEqual([...stored].map((v) => (v === 1 ? 1 : 0)));
  });

  it('refuses what is not a 3D NIfTI labelmap', () => {
    expect(() => readNiftiMask(new Uint8Array(400))).toThrow(NiftiError);
    const truncated = niftiBytes(labels, grid).subarray(0, 360);
    expect(() => readNiftiMask(truncated)).toThrow(/truncated/);
    const fourD = niftiBytes(new Uint8Array(48), grid);
    new DataView(fourD.buffer).setInt16(40, 4, true);
    new DataView(fourD.buffer).setInt16(48, 2, true);
    expect(() => readNiftiMask(fourD)).toThrow(/not a 3D labelmap/);
  });
});
