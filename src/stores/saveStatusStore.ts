// Whether the reader's work is safe on this device: shown beside the segment list.
import { create } from 'zustand';

export interface SaveStatusState {
  state: 'idle' | 'saving' | 'saved' | 'error';
  savedAt: number | null;
  version: number;
  error: string | null;
  restoredMessage: string | null;
  /**
   * A segmentation that would replace the reader's work (their result on the server, a SEG file)
   * waits for the reader's choice: nothing is replaced silently.
   */
  choice: { message: string; takeLabel: string; keepLabel: string } | null;
  /** the last submit's outcome, and whether one is under way (shown on both side panels) */
  submitMessage: string | null;
  submitting: boolean;
  set: (patch: Partial<SaveStatusState>) => void;
  reset: () => void;
}

const initial = { state: 'idle' as const, savedAt: null, version: 0, error: null, restoredMessage: null, choice: null, submitMessage: null, submitting: false };

export const useSaveStatusStore = create<SaveStatusState>((set) => ({
  ...initial,
  set: (patch) => set(patch),
  reset: () => set(initial),
}));
