// What the review screen shows of a case's reads: who read it, which two are compared, the
// overlay's mode, the disagreement regions, the form answers side by side, and the figures.
import { create } from 'zustand';
import type { PairFigures } from '../model/review.ts';

export type OverlayMode = 'all' | 'a' | 'b' | 'agree' | 'disagree';

export interface CompareReader {
  userId: number;
  name: string;
  problem: string | null;
  hasLabels: boolean;
}

export interface CompareItem {
  itemId: string;
  label: string;
  answers: Array<{ userId: number; text: string | null }>;
  differ: boolean;
}

export interface CompareState {
  phase: 'idle' | 'loading' | 'ready' | 'error';
  message: string | null;
  /** review: reads overlaid; consensus: the lead's own labelmap, the reads beside it */
  purpose: 'review' | 'consensus';
  caseId: number | null;
  readers: CompareReader[];
  a: number | null;
  b: number | null;
  mode: OverlayMode;
  /** the two reads in two columns of linked views (else overlaid in one) */
  sideBySide: boolean;
  regions: number;
  regionIndex: number;
  items: CompareItem[];
  figures: PairFigures | null;
  set: (patch: Partial<CompareState>) => void;
  reset: () => void;
}

const initial = { phase: 'idle' as const, message: null, purpose: 'review' as const, caseId: null, readers: [], a: null, b: null, mode: 'all' as const, sideBySide: false, regions: 0, regionIndex: -1, items: [], figures: null };

export const useCompareStore = create<CompareState>((set) => ({
  ...initial,
  set: (patch) => set(patch),
  reset: () => set(initial),
}));
