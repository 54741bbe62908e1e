// The readout under the pointer (position, HU) and each view's slice label, kept up to date from
// the views' events. Returns what removes the listeners.
import type { Types } from '@cornerstonejs/core';
import type * as ViewerRuntime from './viewerRuntime.ts';
import { useViewerStore } from '../stores/viewerStore.ts';
import { MPR_VIEWPORTS } from './viewportIds.ts';
import type { VolumeGrid } from './volumeGrid.ts';

export interface ReadoutSource {
  rt: typeof ViewerRuntime;
  elements: Record<string, HTMLDivElement>;
  viewport: (id: string) => Types.IVolumeViewport | undefined;
  volume: () => Types.IImageVolume | null;
  grid: VolumeGrid;
  loaded: () => Uint8Array | null;
}

export function wireReadout(src: ReadoutSource): () => void {
  const store = () => useViewerStore.getState();
  const { CoreEnums } = src.rt;
  const cleanups: Array<() => void> = [];
  for (const v of MPR_VIEWPORTS) {
    const element = src.elements[v.id];
    const onMove = (e: MouseEvent) => {
      const viewport = src.viewport(v.id);
      const volume = src.volume();
      if (!viewport || !volume) return;
      const rect = element.getBoundingClientRect();
      const pos: Types.Point2 = [e.clientX - rect.left, e.clientY - rect.top];
      store().set({ readout: src.rt.readoutAt(viewport, volume, src.grid.sliceAt, src.loaded(), pos, v.label) });
    };
    const updateSliceLabel = () => {
      const viewport = src.viewport(v.id);
      if (!viewport) return;
      const label = `${viewport.getSliceIndex() + 1}/${viewport.getNumberOfSlices()}`;
      if (store().sliceLabels[v.id] !== label) store().set({ sliceLabels: { ...store().sliceLabels, [v.id]: label } });
    };
    element.addEventListener('mousemove', onMove);
    element.addEventListener(CoreEnums.Events.CAMERA_MODIFIED, updateSliceLabel);
    element.addEventListener(CoreEnums.Events.VOLUME_NEW_IMAGE, updateSliceLabel);
    updateSliceLabel();
    cleanups.push(() => {
      element.removeEventListener('mousemove', onMove);
      element.removeEventListener(CoreEnums.Events.CAMERA_MODIFIED, updateSliceLabel);
      element.removeEventListener(CoreEnums.Events.VOLUME_NEW_IMAGE, updateSliceLabel);
    });
  }
  return () => cleanups.forEach((f) => f());
}
