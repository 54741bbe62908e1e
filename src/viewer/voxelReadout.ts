// What sits under the cursor: world position, voxel index, HU and the source image.
import { utilities, type Types } from '@cornerstonejs/core';
import type { SliceInfo } from '../dicomweb/seriesValidation.ts';
import type { Readout } from '../stores/viewerStore.ts';

interface VolumeLike {
  imageData?: unknown;
  dimensions: Types.Point3;
  voxelManager?: { getAtIJK: (i: number, j: number, k: number) => unknown };
}

export function readoutAt(
  viewport: Types.IVolumeViewport,
  volume: VolumeLike,
  sliceAt: Array<SliceInfo | null>,
  loaded: Uint8Array | null,
  canvasPos: Types.Point2,
  viewportLabel: string,
): Readout {
  const world = viewport.canvasToWorld(canvasPos);
  const sliceCount = viewport.getNumberOfSlices();
  const sliceNumber = viewport.getSliceIndex() + 1;
  const base: Readout = {
    viewport: viewportLabel,
    sliceNumber,
    sliceCount,
    positionMm: [world[0], world[1], world[2]],
    voxel: null,
    hu: null,
    sopInstanceUid: null,
    instanceNumber: null,
  };
  if (!volume.imageData) return base;
  const ijk = utilities.transformWorldToIndex(volume.imageData as never, world);
  const [i, j, k] = ijk;
  const [nx, ny, nz] = volume.dimensions;
  if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return base;
  const slice = sliceAt[k];
  // A slice not yet arrived (or missing from the series) has no HU to show.
  const value = slice && loaded?.[k] ? Number(volume.voxelManager?.getAtIJK(i, j, k)) : NaN;
  return {
    ...base,
    voxel: [i, j, k],
    hu: Number.isFinite(value) ? Math.round(value) : null,
    sopInstanceUid: slice?.sopInstanceUid ?? null,
    instanceNumber: slice?.instanceNumber ?? null,
  };
}
