import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeSeg } from '../seg/segDecoder.ts';
import { encodeSeg } from '../seg/segEncoder.ts';
import type { SegGrid } from '../seg/segModel.ts';
import { SEGMENTS, slicesFor, tiltedGrid } from '../seg/segTestData.ts';
import { GridMismatchError } from './gridMatch.ts';
import { placeSegOnGrid, segFrameGeometry, SegGridError, unionGrid } from './segFrameGrid.ts';

const grid = tiltedGrid(16, 12, 20);
const [nx, ny] = grid.dims;

/** A SEG of the grid with voxel (5, 6) painted on slices k0..k1 (segment 1) and on k2 (segment 2). */
function seg(k0: number, k1: number, k2?: number, on: SegGrid = grid): Uint8Array {
  const labels = new Uint8Array(on.dims[0] * on.dims[1] * on.dims[2]);
  for (let k = k0; k <= k1; k++) labels[5 + on.dims[0] * (6 + on.dims[1] * k)] = 1;
  if (k2 !== undefined) labels[5 + on.dims[0] * (7 + on.dims[1] * k2)] = 2;
  return encodeSeg({
    source: { studyInstanceUid: '2.25.1', seriesInstanceUid: '2.25.2', frameOfReferenceUid: '2.25.3', grid: on, slices: slicesFor(on.dims[2]) },
    labels, segments: SEGMENTS, reader: 'R', seriesDescription: 'd', seriesNumber: 1, instanceNumber: 1, sopInstanceUid: '2.25.4', seriesInstanceUid: '2.25.5', contentDateTime: new Date(2026, 0, 1),
  }).bytes;
}

function shifted(g: SegGrid, k: number): [number, number, number] {
  const s = k * g.spacing[2];
  return [g.origin[0] + s * g.direction[6], g.origin[1] + s * g.direction[7], g.origin[2] + s * g.direction[8]];
}

describe('segFrameGeometry', () => {
  it('is the CT grid over the slices the frames cover', () => {
    const geometry = segFrameGeometry(seg(3, 9, 12));
    expect(geometry.grid.dims).toEqual([nx, ny, 10]);
    expect(geometry.grid.spacing).toEqual(grid.spacing);
    geometry.grid.direction.forEach((d, n) => expect(d).toBeCloseTo(grid.direction[n], 12));
    geometry.grid.origin.forEach((o, n) => expect(o).toBeCloseTo(shifted(grid, 3)[n], 6));
    expect(geometry.seriesInstanceUid).toBe('2.25.2');
    expect(geometry.frameOfReferenceUid).toBe('2.25.3');
  });

  it('decodes onto its own grid and onto a union grid, voxel for voxel', () => {
    const a = segFrameGeometry(seg(3, 9));
    const b = segFrameGeometry(seg(12, 15));
    const union = unionGrid(a, b);
    expect(union.dims[2]).toBe(13);
    const decodedB = decodeSeg(seg(12, 15), placeSegOnGrid(b, union));
    const painted = [...decodedB.labels.keys()].filter((n) => decodedB.labels[n] !== 0);
    expect(painted).toEqual([12, 13, 14, 15].map((k) => 5 + nx * (6 + ny * (k - 3))));
    // Frames further down than a's: the union starts at b's first slice.
    expect(unionGrid(b, a).origin.map((v) => +v.toFixed(6))).toEqual(shifted(grid, 3).map((v) => +v.toFixed(6)));
  });

  it('places a SEG on the full CT grid at the right slices', () => {
    const target = placeSegOnGrid(segFrameGeometry(seg(3, 9)), grid);
    expect(target.slices.map((s, k) => (s ? k : -1)).filter((k) => k >= 0)).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it('refuses a grid the frames do not fit, naming both geometries', () => {
    const geometry = segFrameGeometry(seg(3, 9));
    const finer: SegGrid = { ...grid, spacing: [0.35, 0.9, 2.5] };
    expect(() => placeSegOnGrid(geometry, finer)).toThrow(GridMismatchError);
    expect(() => placeSegOnGrid(geometry, finer)).toThrow(/16x12x20 voxels of 0\.35 x 0\.9 x 2\.5 mm.*16x12x7 voxels of 0\.7 x 0\.9 x 2\.5 mm.*spacing along i/);
    expect(() => placeSegOnGrid(geometry, { ...grid, origin: shifted(grid, 0.5) })).toThrow(/between slices/);
    expect(() => placeSegOnGrid(geometry, { ...grid, origin: [grid.origin[0] + 0.35, grid.origin[1], grid.origin[2]] })).toThrow(/shifted within the slice plane/);
    expect(() => placeSegOnGrid(geometry, { ...grid, dims: [nx, ny, 8] })).toThrow(/slice 8, outside the grid's 8 slices/);
    expect(() => placeSegOnGrid(geometry, { ...grid, dims: [nx + 1, ny, 20] })).toThrow(/frames of 16x12 pixels, not 17x12/);
  });

  it('takes the slice spacing from Spacing Between Slices for one frame, and from the gaps otherwise', () => {
    expect(segFrameGeometry(seg(4, 4)).grid).toMatchObject({ dims: [nx, ny, 1], spacing: [0.7, 0.9, 2.5] });
    // Frames every other slice of a 1.25 mm grid, written with Spacing Between Slices 1.25: kept.
    const fine: SegGrid = { ...grid, spacing: [0.7, 0.9, 1.25] };
    const labels = new Uint8Array(nx * ny * 20);
    for (const k of [2, 4, 8]) labels[k * nx * ny] = 1;
    const bytes = encodeSeg({
      source: { studyInstanceUid: '2.25.1', seriesInstanceUid: '2.25.2', frameOfReferenceUid: '2.25.3', grid: fine, slices: slicesFor(20) },
      labels, segments: SEGMENTS, reader: 'R', seriesDescription: 'd', seriesNumber: 1, instanceNumber: 1, sopInstanceUid: '2.25.4', seriesInstanceUid: '2.25.5', contentDateTime: new Date(2026, 0, 1),
    }).bytes;
    expect(segFrameGeometry(bytes).grid).toMatchObject({ dims: [nx, ny, 7], spacing: [0.7, 0.9, 1.25] });
  });

  it('refuses a file that is not a segmentation', () => {
    expect(() => segFrameGeometry(new Uint8Array(300))).toThrow(SegGridError);
  });

  const THIRD_PARTY = fileURLToPath(new URL('../../../shared/data/third_party_seg', import.meta.url));
  it.skipIf(!existsSync(THIRD_PARTY))('reads the grids of other tools\' SEGs (dcmqi, highdicom)', () => {
    const liver = segFrameGeometry(readFileSync(join(THIRD_PARTY, 'dcmqi/liver.dcm')));
    expect(liver.grid.dims).toEqual([512, 512, 3]);
    const overlaps = segFrameGeometry(readFileSync(join(THIRD_PARTY, 'dcmqi/partial_overlaps.dcm')));
    expect(unionGrid(liver, overlaps).dims.slice(0, 2)).toEqual([512, 512]);
    const binary = segFrameGeometry(readFileSync(join(THIRD_PARTY, 'highdicom/seg_image_ct_binary.dcm')));
    const decoded = decodeSeg(readFileSync(join(THIRD_PARTY, 'highdicom/seg_image_ct_binary.dcm')), placeSegOnGrid(binary, binary.grid));
    expect(decoded.labels.some((v) => v !== 0)).toBe(true);
    // A slide-microscopy label map has no patient geometry to rebuild.
    expect(() => segFrameGeometry(readFileSync(join(THIRD_PARTY, 'highdicom/seg_image_sm_control_labelmap.dcm')))).toThrow(/no Image Orientation/);
  });
});
