// Studies and series listed by QIDO-RS for the study browser.
import { create } from 'zustand';
import { searchSeries, searchStudies, type SeriesSummary, type StudySummary } from '../dicomweb/qido.ts';

type Status = 'idle' | 'loading' | 'ready' | 'failed';

interface StudyBrowserState {
  status: Status;
  error: string | null;
  studies: StudySummary[];
  series: Record<string, SeriesSummary[] | 'loading' | { error: string }>;
  expanded: string | null;
  loadStudies: () => Promise<void>;
  toggleStudy: (studyUid: string) => Promise<void>;
}

export const useStudyBrowserStore = create<StudyBrowserState>((set, get) => ({
  status: 'idle',
  error: null,
  studies: [],
  series: {},
  expanded: null,
  loadStudies: async () => {
    set({ status: 'loading', error: null });
    try {
      const studies = await searchStudies();
      set({ status: 'ready', studies });
    } catch (err) {
      set({ status: 'failed', error: err instanceof Error ? err.message : String(err) });
    }
  },
  toggleStudy: async (studyUid) => {
    if (get().expanded === studyUid) {
      set({ expanded: null });
      return;
    }
    set({ expanded: studyUid });
    const have = get().series[studyUid];
    if (Array.isArray(have)) return;
    set({ series: { ...get().series, [studyUid]: 'loading' } });
    try {
      const list = await searchSeries(studyUid);
      set({ series: { ...get().series, [studyUid]: list } });
    } catch (err) {
      set({ series: { ...get().series, [studyUid]: { error: err instanceof Error ? err.message : String(err) } } });
    }
  },
}));
