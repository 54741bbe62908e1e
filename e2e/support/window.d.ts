// The read-only hooks the app puts on window for tests (src/viewer/ViewerPage.tsx).
interface CtawViewerHooks {
  worldToCanvas(viewportId: string, world: [number, number, number]): [number, number] | null;
  canvasToWorld(viewportId: string, canvas: [number, number]): [number, number, number] | null;
  voxelAt(i: number, j: number, k: number): number | null;
  sliceSources(): Array<{ sopInstanceUid: string; positionMm: number[] } | null>;
  volumeGeometry(): { origin: number[]; spacing: number[]; dimensions: number[]; direction: number[] } | null;
  labelCounts(): Record<number, number>;
  labelIndices(value: number): number[];
  labelHash(): string;
  huAt(indices: number[]): number[];
  huSlice(k: number): number[];
  scroll(viewportId: string, delta: number): void;
  viewState(viewportId: string): { focalPoint: number[]; parallelScale: number; voiRange: { lower: number; upper: number } | null } | null;
  readonly viewsUp: boolean;
}
/** The read open on the viewer page (src/read/readSession.ts). */
interface CtawReadHooks {
  ownSegSeriesUid(): Promise<string>;
  /** the read's quantification (src/read/readQuantification.ts), once its tools are shown */
  quant?: { lungRuns(): number[]; componentVoxels(id: number): Uint32Array } | null;
}
interface Window {
  __ctawViewer?: CtawViewerHooks;
  __ctawRead?: CtawReadHooks;
  __ctawContouringStore?: { getState(): { set(patch: Record<string, unknown>): void; segments: Array<{ value: number; label: string }> } };
}
