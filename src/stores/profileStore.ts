// Who is reading. Until login exists the reader names themselves; drafts, the outbox and results
// are keyed by this name, and later by the logged-in identity without a schema change.
import { create } from 'zustand';

const KEY = 'ctaw.reader';

function stored(): string {
  try {
    return localStorage.getItem(KEY) ?? '';
  } catch {
    return '';
  }
}

export interface ProfileState {
  reader: string;
  setReader: (name: string) => void;
}

export const useProfileStore = create<ProfileState>((set) => ({
  reader: stored(),
  setReader: (name) => {
    const reader = name.trim().slice(0, 64);
    try {
      localStorage.setItem(KEY, reader);
    } catch {
      // Private mode or a full quota: the name still holds for this tab.
    }
    set({ reader });
  },
}));
