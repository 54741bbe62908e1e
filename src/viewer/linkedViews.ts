// The second column of MPR views of a side-by-side layout: the same volume in the same three
// orientations, each view's camera (slice, zoom, pan) and window linked both ways with its
// namesake in the first column, and the first column's mouse tools. What each column overlays is
// not the viewer's business: the labelmap's owner draws there.
import { Enums as CoreEnums, setVolumesForViewports, type RenderingEngine, type Types } from '@cornerstonejs/core';
import { SynchronizerManager, ToolGroupManager, synchronizers } from '@cornerstonejs/tools';
import { LINKED_VIEWPORTS, RENDERING_ENGINE_ID } from './viewportIds.ts';
import { MPR_TOOL_GROUP } from './viewportLayout.ts';

export interface LinkedViews {
  ids: string[];
  destroy: () => void;
}

const VOI_SYNC = 'ctaw-linked-voi';

export async function addLinkedViews(engine: RenderingEngine, elements: Record<string, HTMLElement>, volumeId: string): Promise<LinkedViews> {
  for (const v of LINKED_VIEWPORTS) {
    engine.enableElement({
      viewportId: v.id,
      type: CoreEnums.ViewportType.ORTHOGRAPHIC,
      element: elements[v.id] as HTMLDivElement,
      defaultOptions: { orientation: v.orientation as CoreEnums.OrientationAxis, background: [0, 0, 0] as Types.Point3 },
    });
  }
  // The first column has just been narrowed by the new layout: its canvases follow, its cameras stay.
  engine.resize(true, true);
  const ids = LINKED_VIEWPORTS.map((v) => v.id);
  await setVolumesForViewports(engine, [{ volumeId }], ids);
  const group = ToolGroupManager.getToolGroup(MPR_TOOL_GROUP);
  for (const id of ids) group?.addViewport(id, RENDERING_ENGINE_ID);

  const syncIds: string[] = [];
  const voi = synchronizers.createVOISynchronizer(VOI_SYNC, { syncInvertState: false, syncColormap: false });
  syncIds.push(VOI_SYNC);
  for (const v of LINKED_VIEWPORTS) {
    const source = engine.getViewport(v.of) as Types.IVolumeViewport;
    const target = engine.getViewport(v.id) as Types.IVolumeViewport;
    // Start where the first column is: same slice, zoom, pan and window.
    target.setCamera(source.getCamera());
    const range = source.getProperties()?.voiRange;
    if (range) target.setProperties({ voiRange: range });
    const camera = synchronizers.createCameraPositionSynchronizer(`ctaw-linked-camera-${v.of}`);
    syncIds.push(camera.id);
    for (const viewportId of [v.of, v.id]) {
      camera.add({ renderingEngineId: RENDERING_ENGINE_ID, viewportId });
      voi.add({ renderingEngineId: RENDERING_ENGINE_ID, viewportId });
    }
  }
  engine.renderViewports(ids);

  return {
    ids,
    destroy: () => {
      for (const id of syncIds) SynchronizerManager.destroySynchronizer(id);
      for (const id of ids) {
        group?.removeViewports(RENDERING_ENGINE_ID, id);
        engine.disableElement(id);
      }
      engine.resize(true, true);
    },
  };
}
