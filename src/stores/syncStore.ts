// What the sync status shows: offline, N waiting, sending, all synced, or failed with the reason.
import { create } from 'zustand';

export interface SyncState {
  online: boolean;
  waiting: number;
  sending: boolean;
  failed: number;
  lastError: string | null;
  /** Whether this tab leads the sync (one tab sends; the others wait). */
  leader: boolean;
  set: (patch: Partial<SyncState>) => void;
}

export const useSyncStore = create<SyncState>((set) => ({
  online: typeof navigator === 'undefined' ? true : navigator.onLine,
  waiting: 0,
  sending: false,
  failed: 0,
  lastError: null,
  leader: false,
  set: (patch) => set(patch),
}));

export function syncSummary(s: Pick<SyncState, 'online' | 'waiting' | 'sending' | 'failed' | 'lastError'>): string {
  if (s.failed > 0) return `${s.failed} failed: ${s.lastError ?? 'unknown reason'}`;
  if (!s.online) return s.waiting > 0 ? `Offline: ${s.waiting} waiting to be sent` : 'Offline';
  if (s.sending) return `Sending… (${s.waiting} waiting)`;
  if (s.waiting > 0) return `${s.waiting} waiting`;
  return 'All synced';
}
