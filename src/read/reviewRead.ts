// A lead looks at a reader's submitted read: its SEG loaded from the archive, locked, never saved
// as the lead's own and never submitted again.
import { segWorker } from '../seg/segWorkerClient.ts';
import { useSaveStatusStore } from '../stores/saveStatusStore.ts';
import { latestInSeries, type ServerResult } from '../sync/serverResults.ts';
import type { LabelmapTools } from '../viewer/labelmapOwner.ts';
import type { ReadOwner } from './readOwner.ts';

/** ?review=<SEG series>&reader=<name> on the viewer's URL: a lead opening a reader's read. */
export function reviewRequest(search: string): { seriesUid: string; reader: string } | null {
  const params = new URLSearchParams(search);
  const seriesUid = params.get('review');
  if (!seriesUid || !/^[0-9.]+$/.test(seriesUid)) return null;
  return { seriesUid, reader: (params.get('reader') ?? 'a reader').slice(0, 64) };
}

export class ReviewRead implements ReadOwner {
  private tools: LabelmapTools | null = null;
  private destroyed = false;

  constructor(
    private readonly studyUid: string,
    private readonly review: { seriesUid: string; reader: string },
  ) {}

  async prepare(tools: LabelmapTools): Promise<void> {
    this.tools = tools;
    useSaveStatusStore.getState().reset();
  }

  async shown(): Promise<void> {
    const tools = this.tools;
    if (!tools) return;
    const status = useSaveStatusStore.getState();
    const { reader, seriesUid } = this.review;
    let found: ServerResult | null;
    try {
      found = await latestInSeries(this.studyUid, seriesUid);
    } catch (err) {
      if (!this.destroyed) status.set({ state: 'error', error: `The read of ${reader} could not be fetched: ${err instanceof Error ? err.message : String(err)} Reopen the case to try again.` });
      return;
    }
    if (this.destroyed) return;
    if (!found) {
      status.set({ state: 'error', error: `The read of ${reader} is not available (not submitted yet, or not visible to you).` });
      return;
    }
    try {
      const source = tools.segSource;
      const decoded = await segWorker().decode(found.bytes, { grid: source.grid, slices: source.slices, seriesInstanceUid: source.seriesInstanceUid, frameOfReferenceUid: source.frameOfReferenceUid }, { copy: true });
      if (this.destroyed) return;
      tools.contouring.replaceLabelmap(decoded.labels, decoded.segments.map((s) => ({ ...s, visible: true, locked: true })));
      status.set({ restoredMessage: `Reviewing the read of ${reader} (instance ${found.instanceNumber}). Changes are not saved.` });
    } catch (err) {
      status.set({ state: 'error', error: `The read of ${reader} could not be loaded: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  async submit(): Promise<string> {
    throw new Error(`this is the read of ${this.review.reader}, open for review; it is not submitted again`);
  }

  async importSegFile(): Promise<string> {
    throw new Error(`this is the read of ${this.review.reader}, open for review; nothing is imported into it`);
  }

  async takeReplacement(): Promise<void> {}

  keepCurrent(): void {}

  destroy(): void {
    this.destroyed = true;
    this.tools = null;
  }
}
