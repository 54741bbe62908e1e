// Shows the labelmap over the CT with Cornerstone's segmentation rendering: a Uint8 volume on the
// CT's grid whose bytes the editor owns, coloured per segment, in the MPR views and the 3D view.
import { cache, volumeLoader, type Types } from '@cornerstonejs/core';
import { Enums as ToolEnums, segmentation } from '@cornerstonejs/tools';
import type { GridFrame } from './brushGeometry.ts';
import type { Rgb } from '../model/color.ts';
import { FILL_ALPHA } from './sliceOverlay.ts';

type LabelmapVolume = Types.IImageVolume & {
  vtkOpenGLTexture: { setUpdatedFrame: (k: number) => void };
  imageData: { modified: () => void };
};

const LABELMAP = ToolEnums.SegmentationRepresentations.Labelmap;

export class LabelmapDisplay {
  readonly segmentationId: string;
  readonly data: Uint8Array;
  private readonly volume: LabelmapVolume;
  private viewportIds: string[] = [];

  constructor(seriesUid: string, frame: GridFrame, referenceMetadata: Record<string, unknown>) {
    this.segmentationId = `ctaw-seg:${seriesUid}`;
    // The "ctaw" scheme: Cornerstone fetches the slices of app-made volumes from the image cache.
    const volumeId = `ctaw:labelmap:${seriesUid}`;
    if (cache.getVolume(volumeId)) cache.removeVolumeLoadObject(volumeId);
    if (segmentation.state.getSegmentation(this.segmentationId)) segmentation.removeSegmentation(this.segmentationId);
    const [nx, ny, nz] = frame.dims;
    this.data = new Uint8Array(nx * ny * nz);
    this.volume = volumeLoader.createLocalVolume(volumeId, {
      scalarData: this.data,
      dimensions: [...frame.dims] as Types.Point3,
      spacing: [...frame.spacing] as Types.Point3,
      origin: [...frame.origin] as Types.Point3,
      direction: [...frame.direction] as Types.Mat3,
      metadata: { ...referenceMetadata, BitsAllocated: 8, BitsStored: 8, HighBit: 7, PixelRepresentation: 0, Modality: 'SEG' } as never,
    }) as LabelmapVolume;
    segmentation.addSegmentations([{ segmentationId: this.segmentationId, representation: { type: LABELMAP, data: { volumeId } } }]);
  }

  /** Adds the labelmap to views (the MPR views first, the 3D view once it exists). */
  async attach(viewportIds: string[]): Promise<void> {
    const fresh = viewportIds.filter((id) => !this.viewportIds.includes(id));
    if (fresh.length === 0) return;
    this.viewportIds.push(...fresh);
    const map: Record<string, Array<{ segmentationId: string }>> = {};
    for (const id of fresh) map[id] = [{ segmentationId: this.segmentationId }];
    await segmentation.addLabelmapRepresentationToViewportMap(map);
  }

  setColor(value: number, color: Rgb): void {
    for (const id of this.viewportIds) {
      segmentation.config.color.setSegmentIndexColor(id, this.segmentationId, value, [color[0], color[1], color[2], Math.round(FILL_ALPHA * 255)] as Types.Color);
    }
  }

  setVisible(value: number, visible: boolean): void {
    for (const id of this.viewportIds) {
      segmentation.config.visibility.setSegmentIndexVisibility(id, { segmentationId: this.segmentationId, type: LABELMAP }, value, visible);
    }
  }

  /** Marks axial slices for re-upload to the GPU; the next render of any view shows them. */
  markSlices(slices: Iterable<number>): void {
    for (const k of slices) this.volume.vtkOpenGLTexture.setUpdatedFrame(k);
    this.volume.imageData.modified();
  }

  destroy(): void {
    try {
      segmentation.removeSegmentation(this.segmentationId);
    } catch {
      // Views already gone with the rendering engine.
    }
    cache.removeVolumeLoadObject(this.volume.volumeId);
  }
}
