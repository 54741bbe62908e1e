// The quantification of the open read on screen: the automatic lung masks (progress, volumes),
// the lungs' involvement by the lesion segments (live while painting), and a lesion suggestion
// waiting for the reader's decision.
import { create } from 'zustand';
import type { Involvement } from '../quant/involvement.ts';
import type { SuggestedComponent } from '../quant/lesionSuggestion.ts';
import type { ReadFigures } from '../quant/readFigures.ts';

export interface QuantTask {
  state: 'idle' | 'running' | 'done' | 'failed';
  /** 0…1 while running */
  fraction: number;
  stage: string;
  error: string | null;
}

export interface QuantState {
  lungs: QuantTask & { rightMl: number; leftMl: number; fromDraft: boolean };
  involvement: Involvement | null;
  showLungs: boolean;
  /** the lung the contouring tools edit now (LUNG value), 0: the read's segments */
  editingLung: 0 | 1 | 2;
  suggestion: QuantTask & { components: SuggestedComponent[]; message: string | null };
  /** lesion biomarkers and lobes, recomputed once painting pauses; `stale` while an edit waits for them */
  figures: { state: 'idle' | 'running' | 'done' | 'failed'; stale: boolean; error: string | null; result: ReadFigures | null };
  set: (patch: Partial<QuantState>) => void;
  reset: () => void;
}

const idle: QuantTask = { state: 'idle', fraction: 0, stage: '', error: null };
const initial = {
  lungs: { ...idle, rightMl: 0, leftMl: 0, fromDraft: false },
  involvement: null,
  showLungs: false,
  editingLung: 0 as 0 | 1 | 2,
  suggestion: { ...idle, components: [], message: null },
  figures: { state: 'idle' as const, stale: false, error: null, result: null },
};

export const useQuantStore = create<QuantState>((set) => ({
  ...initial,
  set: (patch) => set(patch),
  reset: () => set(initial),
}));
