// Whether the reader's work is safe on this device: shown beside the segment list.
import { create } from 'zustand';

export interface SaveStatusState {
  state: 'idle' | 'saving' | 'saved' | 'error';
  savedAt: number | null;
  version: number;
  error: string | null;
  restoredMessage: string | null;
  /** A differing result on the server waits for the reader's choice. */
  serverChoice: string | null;
  set: (patch: Partial<SaveStatusState>) => void;
  reset: () => void;
}

const initial = { state: 'idle' as const, savedAt: null, version: 0, error: null, restoredMessage: null, serverChoice: null };

export const useSaveStatusStore = create<SaveStatusState>((set) => ({
  ...initial,
  set: (patch) => set(patch),
  reset: () => set(initial),
}));
