// Series kept on this device for offline reading: what is kept (from IndexedDB) and the progress
// of a download under way, per series.
import { create } from 'zustand';
import { localDb } from '../storage/localDb.ts';
import { PARALLEL, prefetchSeries } from '../offline/prefetchSeries.ts';

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
  /** background: one frame at a time, as after a series has loaded in the viewer (the reader is working) */
  keep: (studyUid: string, seriesUid: string, opts?: { background?: boolean; signal?: AbortSignal }) => Promise<void>;
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
    keep: async (studyUid, seriesUid, opts = {}) => {
      if (get().series[seriesUid]?.state === 'saving') return;
      if (opts.background && get().series[seriesUid]?.state === 'kept') return;
      update(seriesUid, { state: 'saving', done: 0, total: 0, bytes: 0, error: null });
      try {
        const signal = opts.signal ?? new AbortController().signal;
        const result = await prefetchSeries(studyUid, seriesUid, (p) => update(seriesUid, p), signal, opts.background ? 1 : PARALLEL);
        await localDb().offlineSeries.put({ studyUid, seriesUid, frames: result.total, bytes: result.bytes, savedAt: Date.now() });
        update(seriesUid, { state: 'kept', ...result });
      } catch (err) {
        // Stopped (the reader left the case): not a failure; what was kept stays for next time.
        if (opts.signal?.aborted) set((s) => ({ series: Object.fromEntries(Object.entries(s.series).filter(([uid]) => uid !== seriesUid)) }));
        else update(seriesUid, { state: 'failed', error: err instanceof Error ? err.message : String(err) });
      }
    },
  };
});
