// One reader's read of one case, from opening to submitting: the draft restored from this device
// (or the reader's latest result on the archive), autosave, a replacement offered and never
// forced, a SEG file imported, the read form, and the submit into the outbox. The page drives it;
// the viewer only hands it the labelmap's tools (LabelmapOwner).
import type { ContouringSession } from '../contouring/contouringSession.ts';
import { labelmapHasVoxels } from '../contouring/labelmapGrid.ts';
import type { ReadFormSession } from '../form/readFormSession.ts';
import type { DecodedSeg } from '../seg/segModel.ts';
import { segWorker, type SegWorkerClient } from '../seg/segWorkerClient.ts';
import { DraftAutosave } from '../storage/draftAutosave.ts';
import { DraftStore } from '../storage/draftStore.ts';
import { caseKey, type LocalDb } from '../storage/localDb.ts';
import { useContouringStore } from '../stores/contouringStore.ts';
import { useSaveStatusStore } from '../stores/saveStatusStore.ts';
import { appSync } from '../sync/appSync.ts';
import { retryDelayMs } from '../sync/backoff.ts';
import { latestInSeries, type ServerResult } from '../sync/serverResults.ts';
import { submitRead } from '../sync/submitRead.ts';
import type { LabelmapTools } from '../viewer/labelmapOwner.ts';
import type { ReadOwner } from './readOwner.ts';
import { startQuantification, type ReadQuantification } from './readQuantification.ts';
import { newUid } from '../sync/dicomUid.ts';
import { candidateSegSeries, consensusSeriesDescription, knownReadSeries, legacySeriesUids, rememberReadSeries, segSeriesDescription, seriesForSubmit } from './readSeries.ts';

export interface ReadTarget {
  studyUid: string;
  seriesUid: string;
  /** the reader (their user name; the name they typed without accounts) */
  reader: string;
  /** a reader's own read, or a lead's consensus of the readers' (named so on the archive) */
  purpose?: 'read' | 'consensus';
}

/** What a read talks to; the defaults are the app's (tests give a codec that runs in place and a loopback archive). */
export interface ReadSessionDeps {
  codec: Pick<SegWorkerClient, 'encode' | 'decode' | 'warm'>;
  /** the DICOMweb base the reader's results are looked up on */
  archiveBase: string;
  /** new work in the outbox: the sync engine should look */
  outboxChanged: () => void;
}

export class ReadSession implements ReadOwner {
  protected tools: LabelmapTools | null = null;
  protected destroyed = false;
  protected restored = false;
  private pendingReplacement: (() => Promise<void>) | null = null;
  /** Instance Number of the reader's latest result on the archive, once it was asked. */
  private serverInstanceNumber = 0;
  autosave: DraftAutosave | null = null;
  /** the read form of this case (answers, measurements), once the tools are up */
  readForm: ReadFormSession | null = null;
  /** lung masks, involvement and lesion suggestion of this read, once the tools are up */
  quant: ReadQuantification | null = null;
  /** time to restore the draft on open (benchmark) */
  draftRestoreMs = 0;
  readonly caseKey: string;

  private readonly deps: ReadSessionDeps;

  constructor(
    protected readonly db: LocalDb,
    protected readonly target: ReadTarget,
    deps: Partial<ReadSessionDeps> = {},
  ) {
    this.caseKey = caseKey(target.studyUid, target.seriesUid);
    this.deps = { codec: deps.codec ?? segWorker(), archiveBase: deps.archiveBase ?? '/dicom-web', outboxChanged: deps.outboxChanged ?? (() => appSync().kick()) };
  }

  private get contouring(): ContouringSession {
    if (!this.tools) throw new Error('the contouring tools are not ready yet');
    return this.tools.contouring;
  }

  /** Loads the reader's saved draft of this case into the labelmap and starts autosaving. */
  async prepare(tools: LabelmapTools): Promise<void> {
    this.tools = tools;
    // Started now, while the network is there: a submit made offline must not depend on it.
    this.deps.codec.warm();
    const status = useSaveStatusStore.getState();
    status.reset();
    const session = tools.contouring;
    const dims = tools.segSource.grid.dims;
    const drafts = new DraftStore(this.db, this.caseKey, this.target.reader);
    const t0 = performance.now();
    try {
      const snapshot = await drafts.restore(session.editor.labelmap.data, dims);
      if (snapshot) {
        this.restored = true;
        session.applyDraft(snapshot.segments, snapshot.activeValue);
        this.draftRestoreMs = performance.now() - t0;
        status.set({ state: 'saved', version: snapshot.version, restoredMessage: `Your draft was restored (save ${snapshot.version}).` });
      }
    } catch (err) {
      status.set({ state: 'error', error: `Your saved draft could not be loaded: ${err instanceof Error ? err.message : String(err)}` });
    }
    this.autosave = new DraftAutosave(drafts, {
      labels: session.editor.labelmap.data,
      dims,
      segments: () => {
        const c = useContouringStore.getState();
        return { segments: c.segments, activeValue: c.activeValue };
      },
    });
    session.onEdited = (slices) => this.autosave?.changed(slices);
  }

  /** The tools are usable at once; the archive is asked meanwhile (it may be slow or away). */
  async shown(): Promise<void> {
    const tools = this.tools;
    if (!tools || this.destroyed) return;
    void this.checkServerResult();
    this.quant = startQuantification(this.db, this.caseKey, this.target.reader, tools);
    this.readForm = new tools.runtime.ReadFormSession(this.db, this.caseKey, this.target.reader, tools.config.form);
    const { engine, elements, mprIds, volume } = tools.views;
    await this.readForm.start(engine, elements, mprIds, volume);
  }

  /** Offers or loads the reader's latest result on the archive, when this device did not send it. */
  private async checkServerResult(): Promise<void> {
    let server: ServerResult | null = null;
    // The archive may be slow, restarting or out of reach: ask again until it answers, or the
    // reader would start from an empty labelmap unaware of their result there, and their next
    // submission would be numbered as if it were the first.
    for (let attempt = 0; ; attempt++) {
      try {
        server = await this.latestOwnResult();
        break;
      } catch {
        if (this.destroyed) return;
        await retryDelay(attempt);
        if (this.destroyed) return;
      }
    }
    if (!server || this.destroyed) return;
    this.serverInstanceNumber = server.instanceNumber;
    const session = this.contouring;
    // Nothing local and nothing painted yet: the server's result is the starting point.
    if (!this.restored && !session.editor.history.canUndo) return this.loadServerResult(server);
    // Both exist: if the server's is not one this device sent, the reader chooses; never silently.
    const mine = await this.db.outbox.where('[caseKey+user]').equals([this.caseKey, this.target.reader]).filter((o) => o.sopInstanceUid === server.sopInstanceUid).count();
    if (mine > 0 || this.destroyed) return;
    this.offerReplacement(
      { message: `The server has a segmentation you submitted elsewhere (instance ${server.instanceNumber}) that differs from your work on this device. Which do you keep?`, takeLabel: "Load the server's version", keepLabel: "Keep this device's draft" },
      () => this.loadServerResult(server),
    );
  }

  /**
   * The reader's latest SEG of this case on the archive, or null when there is none; throws when
   * the archive could not be asked. A series found there (a submit from another device) is kept
   * as this read's, so that later submits go into it.
   */
  private async latestOwnResult(): Promise<ServerResult | null> {
    const { studyUid } = this.target;
    for (const candidate of await candidateSegSeries(this.db, studyUid, this.caseKey, this.target.reader, this.deps.archiveBase, this.description())) {
      const found = await latestInSeries(studyUid, candidate.seriesUid, this.deps.archiveBase);
      if (!found) continue;
      if (candidate.origin !== 'random' && !(await knownReadSeries(this.db, this.caseKey, this.target.reader))) {
        // Another case of the same study has results under the same description: only a SEG of
        // this CT is this read's.
        if (!(await this.decodeOnThisCt(found.bytes).then(() => true, () => false))) continue;
        const form = candidate.origin === 'legacy' ? (await legacySeriesUids(this.caseKey, this.target.reader)).form : newUid();
        await rememberReadSeries(this.db, { caseKey: this.caseKey, user: this.target.reader, segSeriesUid: candidate.seriesUid, formSeriesUid: form, origin: candidate.origin });
      }
      return found;
    }
    return null;
  }

  /** Asks the reader before anything replaces their labelmap. */
  private offerReplacement(choice: { message: string; takeLabel: string; keepLabel: string }, take: () => Promise<void>): void {
    this.pendingReplacement = take;
    useSaveStatusStore.getState().set({ choice });
  }

  /** Replaces the labelmap with a SEG from the server (the reader's choice, or no local draft). */
  private async loadServerResult(server: ServerResult): Promise<void> {
    const status = useSaveStatusStore.getState();
    try {
      const decoded = await this.decodeOnThisCt(server.bytes);
      if (this.destroyed) return;
      this.contouring.replaceLabelmap(decoded.labels, decoded.segments.map((s) => ({ ...s, visible: true, locked: false })));
      status.set({ restoredMessage: `Your submitted segmentation was loaded from the server (instance ${server.instanceNumber}).`, choice: null });
    } catch (err) {
      status.set({ state: 'error', error: `Your segmentation on the server could not be loaded: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  private decodeOnThisCt(bytes: Uint8Array): Promise<DecodedSeg> {
    const source = this.tools?.segSource;
    if (!source) return Promise.reject(new Error('the CT is not loaded yet'));
    return this.deps.codec.decode(bytes, { grid: source.grid, slices: source.slices, seriesInstanceUid: source.seriesInstanceUid, frameOfReferenceUid: source.frameOfReferenceUid }, { copy: true });
  }

  /**
   * A DICOM-SEG file from elsewhere onto this CT. It starts the labelmap when nothing is painted;
   * over painted work the reader is asked first. Resolves to what to tell the reader.
   */
  async importSegFile(file: File): Promise<string> {
    const session = this.contouring;
    const decoded = await this.decodeOnThisCt(new Uint8Array(await file.arrayBuffer()));
    const voxels = decoded.labels.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
    const names = decoded.segments.map((s) => s.label).join(', ');
    const summary = `${file.name}: ${decoded.segments.length} segment${decoded.segments.length === 1 ? '' : 's'} (${names}), ${voxels.toLocaleString('en-US')} voxels on ${decoded.frames} frames${decoded.warnings.length ? `. Note: ${decoded.warnings.join(' ')}` : ''}`;
    const take = async () => {
      session.replaceLabelmap(decoded.labels, decoded.segments.map((s) => ({ ...s, visible: true, locked: false })));
      useSaveStatusStore.getState().set({ restoredMessage: `Loaded ${file.name}.`, choice: null });
    };
    if (!labelmapHasVoxels(session.editor.labelmap.data)) {
      await take();
      return `Loaded ${summary}`;
    }
    this.offerReplacement({ message: `Replace your segmentation with ${summary}?`, takeLabel: `Replace with ${file.name}`, keepLabel: 'Keep mine' }, take);
    return `Read ${summary}. Your segmentation stays until you choose to replace it.`;
  }

  /** The reader chose what was offered over their current labelmap. */
  async takeReplacement(): Promise<void> {
    const take = this.pendingReplacement;
    this.pendingReplacement = null;
    if (take) await take();
  }

  keepCurrent(): void {
    this.pendingReplacement = null;
    useSaveStatusStore.getState().set({ choice: null });
  }

  /** Queues the read as it is now (the labelmap as a DICOM-SEG, the form as an SR); returns a message. */
  async submit(): Promise<string> {
    const tools = this.tools;
    if (!tools) throw new Error('the series is not ready');
    const form = this.readForm?.formForSubmit();
    // The figures of this labelmap, computed now if an edit is still waiting for them, so the SR
    // never carries the biomarkers of an earlier state than the SEG beside it.
    const quantification = form ? await this.quant?.forSubmit() : null;
    await this.autosave?.flush();
    const series = await seriesForSubmit(this.db, this.caseKey, this.target.reader);
    const result = await submitRead(this.db, {
      caseKey: this.caseKey,
      user: this.target.reader,
      source: tools.segSource,
      labels: tools.contouring.editor.labelmap.data,
      segments: useContouringStore.getState().segments,
      serverInstanceNumber: this.serverInstanceNumber,
      series,
      seriesDescription: this.description(),
      form,
      ...(quantification ? { quantification } : {}),
    }, this.deps.codec);
    this.deps.outboxChanged();
    const dropped = result.droppedVoxels > 0 ? ` ${result.droppedVoxels} voxels on slices missing from the series were left out.` : '';
    const withForm = result.formSopInstanceUid ? ' with the read form' : '';
    return `Queued for the server (${result.frames} frames, ${(result.bytes / 1024).toFixed(0)} KB${withForm}).${dropped}`;
  }

  /** What the SEG series is called on the archive (by which this read's results are found there). */
  private description(): string {
    return this.target.purpose === 'consensus' ? consensusSeriesDescription(this.target.reader) : segSeriesDescription(this.target.reader);
  }

  /** The Series Instance UID of this reader's SEGs of this case, '' before the first submit; used by the e2e tests. */
  async ownSegSeriesUid(): Promise<string> {
    return (await knownReadSeries(this.db, this.caseKey, this.target.reader))?.segSeriesUid ?? '';
  }

  destroy(): void {
    this.destroyed = true;
    this.autosave?.destroy();
    this.autosave = null;
    this.readForm?.destroy();
    this.readForm = null;
    this.quant?.destroy();
    this.quant = null;
    if (this.tools) this.tools.contouring.onEdited = null;
    this.tools = null;
  }
}

/** The sync engine's back-off (with jitter, capped at 30 s), or sooner when the browser comes back online. */
function retryDelay(attempt: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      window.removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, retryDelayMs(attempt + 1, { baseMs: 2000, maxMs: 30_000 }));
    window.addEventListener('online', done);
  });
}
