// The quantification of the open read on screen: the automatic lung masks (progress, volumes),
// the lungs' involvement by the lesion segments (live while painting), and a lesion suggestion
// waiting for the reader's decision.
import { create } from 'zustand';
import type { Involvement } from '../quant/involvement.ts';
import type { SuggestedComponent } from '../quant/lesionSuggestion.ts';

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
  suggestion: QuantTask & { components: SuggestedComponent[]; message: string | null };
  set: (patch: Partial<QuantState>) => void;
  reset: () => void;
}

const idle: QuantTask = { state: 'idle', fraction: 0, stage: '', error: null };
const initial = {
  lungs: { ...idle, rightMl: 0, leftMl: 0, fromDraft: false },
  involvement: null,
  showLungs: false,
  suggestion: { ...idle, components: [], message: null },
};

export const useQuantStore = create<QuantState>((set) => ({
  ...initial,
  set: (patch) => set(patch),
  reset: () => set(initial),
}));
