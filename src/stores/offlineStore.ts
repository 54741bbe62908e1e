// Series kept on this device for offline reading: what is kept (from IndexedDB) and the progress
// of a download under way, per series.
import { create } from 'zustand';
import { localDb } from '../storage/localDb.ts';
import { prefetchSeries } from '../offline/prefetchSeries.ts';

export interface OfflineSeriesState {
  state: 'saving' | 'kept' | 'failed';
  done: number;
  total: number;
  bytes: number;
  error: string | null;
}

interface OfflineStore {
  series: Record<string, OfflineSeriesState>;
  loadKept: () => Promise<void>;
  keep: (studyUid: string, seriesUid: string) => Promise<void>;
}

export const useOfflineStore = create<OfflineStore>((set, get) => {
  const update = (seriesUid: string, patch: Partial<OfflineSeriesState>) =>
    set((s) => ({ series: { ...s.series, [seriesUid]: { ...(s.series[seriesUid] ?? { state: 'saving', done: 0, total: 0, bytes: 0, error: null }), ...patch } } }));
  return {
    series: {},
    loadKept: async () => {
      const rows = await localDb().offlineSeries.toArray().catch(() => []);
      const kept: Record<string, OfflineSeriesState> = {};
      for (const r of rows) kept[r.seriesUid] = { state: 'kept', done: r.frames, total: r.frames, bytes: r.bytes, error: null };
      set((s) => ({ series: { ...kept, ...s.series } }));
    },
    keep: async (studyUid, seriesUid) => {
      if (get().series[seriesUid]?.state === 'saving') return;
      update(seriesUid, { state: 'saving', done: 0, total: 0, bytes: 0, error: null });
      try {
        const result = await prefetchSeries(studyUid, seriesUid, (p) => update(seriesUid, p), new AbortController().signal);
        await localDb().offlineSeries.put({ studyUid, seriesUid, frames: result.total, bytes: result.bytes, savedAt: Date.now() });
        update(seriesUid, { state: 'kept', ...result });
      } catch (err) {
        update(seriesUid, { state: 'failed', error: err instanceof Error ? err.message : String(err) });
      }
    },
  };
});
