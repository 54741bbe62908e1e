// The reading layout: axial, coronal, sagittal MPR and a 3D rendering of one volume, with the
// mouse bindings of a reading workstation (left: window/level or crosshairs, middle: pan,
// right: zoom, wheel: slices).
import { Enums as CoreEnums, RenderingEngine, type Types } from '@cornerstonejs/core';
import {
  addTool,
  CrosshairsTool,
  Enums as ToolEnums,
  PanTool,
  StackScrollTool,
  ToolGroupManager,
  TrackballRotateTool,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import { MPR_VIEWPORTS, RENDERING_ENGINE_ID, VIEWPORT_3D } from './viewportIds.ts';

export { MPR_VIEWPORTS, RENDERING_ENGINE_ID, VIEWPORT_3D };

export const MPR_TOOL_GROUP = 'ctaw-mpr';
const TOOL_GROUP_3D = 'ctaw-3d';

let toolsRegistered = false;
function registerTools(): void {
  if (toolsRegistered) return;
  toolsRegistered = true;
  for (const tool of [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, CrosshairsTool, TrackballRotateTool]) addTool(tool);
}

export interface Layout {
  engine: RenderingEngine;
  destroy: () => void;
  setLeftTool: (tool: 'windowLevel' | 'crosshairs') => void;
}

export function createMprLayout(elements: Record<string, HTMLDivElement>): Layout {
  registerTools();
  const engine = new RenderingEngine(RENDERING_ENGINE_ID);
  engine.setViewports(
    MPR_VIEWPORTS.map((v) => ({
      viewportId: v.id,
      type: CoreEnums.ViewportType.ORTHOGRAPHIC,
      element: elements[v.id],
      defaultOptions: { orientation: v.orientation as CoreEnums.OrientationAxis, background: [0, 0, 0] as Types.Point3 },
    })),
  );
  const group = ToolGroupManager.createToolGroup(MPR_TOOL_GROUP)!;
  for (const v of MPR_VIEWPORTS) group.addViewport(v.id, RENDERING_ENGINE_ID);
  group.addTool(WindowLevelTool.toolName);
  group.addTool(PanTool.toolName);
  group.addTool(ZoomTool.toolName);
  group.addTool(StackScrollTool.toolName);
  group.addTool(CrosshairsTool.toolName, {
    getReferenceLineColor: (viewportId: string) => ({ axial: 'rgb(255, 80, 80)', coronal: 'rgb(80, 220, 80)', sagittal: 'rgb(80, 160, 255)' })[viewportId] ?? 'yellow',
  });
  group.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
  group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Wheel }] });

  const setLeftTool = (tool: 'windowLevel' | 'crosshairs'): void => {
    if (tool === 'crosshairs') {
      group.setToolPassive(WindowLevelTool.toolName);
      group.setToolActive(CrosshairsTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
    } else {
      group.setToolDisabled(CrosshairsTool.toolName);
      group.setToolActive(WindowLevelTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
    }
  };

  return {
    engine,
    setLeftTool,
    destroy: () => {
      ToolGroupManager.destroyToolGroup(MPR_TOOL_GROUP);
      ToolGroupManager.destroyToolGroup(TOOL_GROUP_3D);
      engine.destroy();
    },
  };
}

/**
 * Adds the 3D view once the volume is loaded: a 3D viewport attached while the volume streams
 * re-renders on every update and, in software WebGL, starves the 2D views for seconds.
 */
export function add3dViewport(engine: RenderingEngine, element: HTMLDivElement): void {
  engine.enableElement({
    viewportId: VIEWPORT_3D,
    type: CoreEnums.ViewportType.VOLUME_3D,
    element,
    defaultOptions: { background: [0.05, 0.05, 0.08] as Types.Point3, orientation: CoreEnums.OrientationAxis.CORONAL },
  });
  const group = ToolGroupManager.createToolGroup(TOOL_GROUP_3D)!;
  group.addViewport(VIEWPORT_3D, RENDERING_ENGINE_ID);
  group.addTool(TrackballRotateTool.toolName);
  group.addTool(ZoomTool.toolName);
  group.addTool(PanTool.toolName);
  group.setToolActive(TrackballRotateTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Primary }] });
  group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Auxiliary }] });
  group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: ToolEnums.MouseBindings.Secondary }] });
}
