// What the contouring panel shows: segments, the active tool and its settings, statistics, undo.
import { create } from 'zustand';
import type { SegmentSummary } from '../contouring/segmentStats.ts';
import type { DraftSegment } from '../model/segment.ts';


export type PaintTool =
  | 'none'
  | 'brush'
  | 'eraser'
  | 'sphere'
  | 'threshold'
  | 'grow2d'
  | 'grow3d'
  | 'scissorsRect'
  | 'scissorsCircle'
  | 'scissorsLasso';

export interface ThresholdPreset {
  id: string;
  label: string;
  range: [number, number];
}

export const THRESHOLD_PRESETS: ThresholdPreset[] = [
  { id: 'ggo', label: 'GGO', range: [-750, -300] },
  { id: 'consolidation', label: 'Consolidation', range: [-300, 100] },
];

export interface ContouringState {
  ready: boolean;
  configError: string | null;
  segments: DraftSegment[];
  activeValue: number;
  tool: PaintTool;
  radiusMm: number;
  thresholdRange: [number, number];
  growToleranceHu: number;
  growMaxVoxels: number;
  scissorsErase: boolean;
  emptyOnly: boolean;
  stats: Record<number, SegmentSummary>;
  canUndo: boolean;
  canRedo: boolean;
  undoLabel: string | null;
  redoLabel: string | null;
  /** Last message of an operation (e.g. "region growing stopped at the limit"). */
  notice: string | null;
  helpOpen: boolean;
  /** The 3D view does not show the latest edits yet (software WebGL updates it on request). */
  view3dStale: boolean;
  auto3d: boolean;
  set: (patch: Partial<ContouringState>) => void;
  reset: () => void;
}

const initial = {
  ready: false,
  configError: null,
  segments: [] as DraftSegment[],
  activeValue: 1,
  tool: 'none' as PaintTool,
  radiusMm: 10,
  thresholdRange: [-750, -300] as [number, number],
  growToleranceHu: 150,
  growMaxVoxels: 1_000_000,
  scissorsErase: false,
  emptyOnly: false,
  stats: {},
  canUndo: false,
  canRedo: false,
  undoLabel: null,
  redoLabel: null,
  notice: null,
  helpOpen: false,
  view3dStale: false,
  auto3d: true,
};

export const useContouringStore = create<ContouringState>((set) => ({
  ...initial,
  set: (patch) => set(patch),
  reset: () => set(initial),
}));
