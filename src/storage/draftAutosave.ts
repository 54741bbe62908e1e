// Saves the draft shortly after each edit: changed slices gather while the reader paints and
// are written at most AUTOSAVE_DELAY_MS after the last change, one save at a time. A page being
// hidden or closed saves at once.
import { useSaveStatusStore } from '../stores/saveStatusStore.ts';
import type { DraftSegment as Segment } from '../model/segment.ts';
import type { DraftStore } from './draftStore.ts';

export const AUTOSAVE_DELAY_MS = 300;
/** After a refused write (quota, a closing database), the pending slices are tried again this often. */
export const RETRY_AFTER_ERROR_MS = 5000;

export interface DraftSource {
  labels: Uint8Array;
  dims: readonly [number, number, number];
  segments: () => { segments: Segment[]; activeValue: number };
}

function quotaMessage(err: unknown): string {
  const name = (err as { name?: string; inner?: { name?: string } })?.inner?.name ?? (err as { name?: string })?.name;
  if (name === 'QuotaExceededError') return 'The browser refused to store more (storage quota full). Your earlier saves are kept; free space or submit to the server.';
  return `Saving on this device failed: ${err instanceof Error ? err.message : String(err)}. Your earlier saves are kept.`;
}

export class DraftAutosave {
  private dirty = new Set<number>();
  private segmentsDirty = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  private readonly onHide = () => {
    if (document.visibilityState === 'hidden') void this.flush();
  };
  private readonly onPageHide = () => void this.flush();

  constructor(
    private readonly store: DraftStore,
    private readonly source: DraftSource,
  ) {
    document.addEventListener('visibilitychange', this.onHide);
    window.addEventListener('pagehide', this.onPageHide);
  }

  private get status() {
    return useSaveStatusStore.getState();
  }

  /** Slices changed (empty list: only the segment list changed). */
  changed(slices: Iterable<number>): void {
    for (const k of slices) this.dirty.add(k);
    this.segmentsDirty = true;
    if (this.status.state !== 'saving') this.status.set({ state: 'saving' });
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, AUTOSAVE_DELAY_MS);
  }

  /** Writes what is pending now; resolves when it is stored. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.running) await this.running;
    if (this.dirty.size === 0 && !this.segmentsDirty) return;
    const slices = [...this.dirty];
    this.dirty.clear();
    this.segmentsDirty = false;
    const { segments, activeValue } = this.source.segments();
    const t0 = performance.now();
    this.running = this.store
      .save(this.source.labels, this.source.dims, slices, segments, activeValue)
      .then((version) => {
        this.lastSaveMs = performance.now() - t0;
        const more = this.dirty.size > 0 || this.segmentsDirty;
        this.status.set({ state: more ? 'saving' : 'saved', savedAt: Date.now(), version, error: null });
      })
      .catch((err: unknown) => {
        // Nothing saved is lost; the slices stay pending for the next try.
        for (const k of slices) this.dirty.add(k);
        this.segmentsDirty = true;
        this.status.set({ state: 'error', error: quotaMessage(err) });
        if (!this.timer && !this.destroyed) {
          this.timer = setTimeout(() => {
            this.timer = null;
            void this.flush();
          }, RETRY_AFTER_ERROR_MS);
        }
      })
      .finally(() => {
        this.running = null;
      });
    await this.running;
  }

  /** Duration of the last save (benchmark). */
  lastSaveMs = 0;

  private destroyed = false;

  destroy(): void {
    this.destroyed = true;
    document.removeEventListener('visibilitychange', this.onHide);
    window.removeEventListener('pagehide', this.onPageHide);
    void this.flush();
  }
}
