// The read-only hooks the app puts on window for tests (src/viewer/ViewerPage.tsx).
interface CtawViewerHooks {
  worldToCanvas(viewportId: string, world: [number, number, number]): [number, number] | null;
  voxelAt(i: number, j: number, k: number): number | null;
  sliceSources(): Array<{ sopInstanceUid: string; positionMm: number[] } | null>;
  volumeGeometry(): { origin: number[]; spacing: number[]; dimensions: number[]; direction: number[] } | null;
}
interface Window {
  __ctawViewer?: CtawViewerHooks;
}
