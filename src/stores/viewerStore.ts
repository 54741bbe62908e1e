// What the viewer shows about the open series: load state, progress, warnings, readout.
import { create } from 'zustand';

export type LoadPhase = 'idle' | 'metadata' | 'streaming' | 'loaded' | 'refused' | 'failed';

export interface Readout {
  viewport: string;
  sliceNumber: number;
  sliceCount: number;
  positionMm: [number, number, number];
  voxel: [number, number, number] | null;
  hu: number | null;
  sopInstanceUid: string | null;
  instanceNumber: number | null;
}

export interface ViewerState {
  phase: LoadPhase;
  message: string | null;
  warnings: string[];
  framesLoaded: number;
  framesTotal: number;
  bytesLoaded: number;
  failedFrames: number;
  seriesLabel: string;
  windowLabel: string;
  leftTool: 'windowLevel' | 'crosshairs';
  readout: Readout | null;
  sliceLabels: Record<string, string>;
  rendering: string;
  /**
   * The 3D view: waiting for the volume; offered (software WebGL, where its first frame costs
   * tens of seconds of CPU and slows every other view: the reader asks for it); starting; shown.
   */
  view3d: 'waiting' | 'offered' | 'starting' | 'shown';
  /** two columns of linked MPR views, each captioned (a lead comparing two reads); null: one */
  sideBySide: { left: string; right: string } | null;
  set: (patch: Partial<ViewerState>) => void;
  reset: () => void;
}

const initial = {
  phase: 'idle' as LoadPhase,
  message: null,
  warnings: [],
  framesLoaded: 0,
  framesTotal: 0,
  bytesLoaded: 0,
  failedFrames: 0,
  seriesLabel: '',
  windowLabel: 'Lung W1500 L-600',
  leftTool: 'windowLevel' as const,
  readout: null,
  sliceLabels: {},
  rendering: '',
  view3d: 'waiting' as const,
  sideBySide: null,
};

export const useViewerStore = create<ViewerState>((set) => ({
  ...initial,
  set: (patch) => set(patch),
  reset: () => set(initial),
}));
