// The quantification of one read: the automatic lung masks (computed in a worker when the read's
// tools are shown, or taken from this device's copy), the lungs' involvement by the read's lesion
// segments kept live from every changed voxel, the lungs drawn over the views on request, and a
// lesion suggestion previewed until the reader accepts or discards it.
//
// The lung masks are not in the read's labelmap at all: a voxel of the labelmap holds one label,
// so a lesion painted over a "lung" voxel would take it out of the lung and shrink the lung it
// involves (src/quant/involvement.ts). They live in their own array, are drawn as their own
// overlay, and are never written into the SEG. A suggestion enters the labelmap only through the
// reader's Accept, as one undoable edit of the active segment.
// Longer than most files here (~500 lines) for a reason: it is the one owner of a read's
// quantification lifecycle (lung mask kept or computed, tracker fed by every edit, suggestion
// preview and accept, figures for the SR), whose steps depend on each other's timing; the math is
// in src/quant and the drawing in ContouringSession.
import type { Types } from '@cornerstonejs/core';
import type { ContouringSession } from '../contouring/contouringSession.ts';
import { worldToIJK, type GridFrame } from '../contouring/brushGeometry.ts';
import { makeLabelColors, setLabelColor, type LabelColors } from '../contouring/sliceOverlay.ts';
import type { DraftSegment } from '../model/segment.ts';
import { LUNG, type CtVolume } from '../quant/ctVolume.ts';
import { isLesionSegment } from '../quant/lesionSegments.ts';
import type { Involvement } from '../quant/involvement.ts';
import { InvolvementTracker } from '../quant/involvementTracker.ts';
import type { Suggestion } from '../quant/lesionSuggestion.ts';
import { lobeOfType } from '../quant/lobeRegions.ts';
import { figuresOfNothing, type ReadFigures, type ReadFiguresRequest } from '../quant/readFigures.ts';
import { LOBE_NAMES } from '../quant/severityScore.ts';
import type { SrQuantification } from '../sr/srModel.ts';
import { srQuantificationOf } from '../sr/srQuantification.ts';
import { QuantWorkerClient } from '../quant/quantWorkerClient.ts';
import { plainCopy, sharedForWorkers } from '../workers/sharedMemory.ts';
import { compressSlice, decompressSlice } from '../storage/sliceCodec.ts';
import type { LocalDb } from '../storage/localDb.ts';
import { useContouringStore } from '../stores/contouringStore.ts';
import { useQuantStore } from '../stores/quantStore.ts';
import { LungEditing, type LungSide } from './lungEditing.ts';
import type { LabelmapTools } from '../viewer/labelmapOwner.ts';

/** Stored masks made by another algorithm are computed afresh. */
export const LUNG_MASK_METHOD = 'segmentLungs/1';

const RIGHT_LUNG_COLOR = [40, 200, 120] as const;
const LEFT_LUNG_COLOR = [200, 120, 255] as const;
/** Unlike every segment colour of the study config, so a preview is never taken for a painted lesion. */
const SUGGESTION_COLOR = [255, 0, 255] as const;
/** A click, not a drag (window/level): the pointer moved less than this many pixels. */
const CLICK_SLOP_PX = 4;


/**
 * The biomarkers and lobes are recomputed this long after the last changed voxel: a whole-volume
 * pass in the worker (a few hundred ms on a chest CT) per brush stroke would queue up behind a
 * reader painting quickly, and the table would flicker through states nobody looks at.
 */
export const FIGURES_DEBOUNCE_MS = 1000;

/** Label values that are not lesions, as a sorted key (to tell when the set changed). */
function nonLesionKey(segments: readonly DraftSegment[]): string {
  return segments.filter((s) => !isLesionSegment(s)).map((s) => s.value).sort((a, b) => a - b).join(',');
}

/** Voxel indices of `id` in a suggestion's component labels, within its box. */
export function componentIndices(labels: ArrayLike<number>, dims: readonly number[], bbox: readonly number[], id: number): Uint32Array {
  const [nx, ny] = dims;
  const [i0, j0, k0, i1, j1, k1] = bbox;
  let n = 0;
  let out = new Uint32Array(1024);
  for (let k = k0; k <= k1; k++) {
    for (let j = j0; j <= j1; j++) {
      const row = nx * (j + ny * k);
      for (let i = i0; i <= i1; i++) {
        if (labels[row + i] !== id) continue;
        if (n === out.length) {
          const grown = new Uint32Array(out.length * 2);
          grown.set(out);
          out = grown;
        }
        out[n++] = row + i;
      }
    }
  }
  return out.subarray(0, n);
}

/** Run-length code of a byte mask: value, count, value, count… (the e2e tests read the lung mask this way). */
export function runLengths(mask: Uint8Array): number[] {
  const runs: number[] = [];
  let n = 0;
  while (n < mask.length) {
    const v = mask[n];
    let end = n + 1;
    while (end < mask.length && mask[end] === v) end++;
    runs.push(v, end - n);
    n = end;
  }
  return runs;
}

type Overlay = { redraw: () => void; remove: () => void };

export class ReadQuantification {
  private readonly ct: CtVolume;
  private readonly frame: GridFrame;
  private lungs: Uint8Array | null = null;
  private tracker: InvolvementTracker | null = null;
  private lungOverlay: Overlay | null = null;
  private lungEditing: LungEditing | null = null;
  private suggestion: Suggestion | null = null;
  /** 1 where a previewed component still waits for the reader, 0 elsewhere */
  private preview: Uint8Array | null = null;
  private previewOverlay: Overlay | null = null;
  private readonly previewColors: LabelColors = makeLabelColors();
  private frameRequested = false;
  private lesionKey = '';
  private cleanups: Array<() => void> = [];
  private destroyed = false;
  /** when a voxel last changed (performance.now), for the figures' debounce */
  private lastEditAt = 0;
  private figuresTimer: ReturnType<typeof setTimeout> | null = null;
  /** the figures' computation under way, and whether an edit came after it started */
  private figuresRun: Promise<ReadFigures | null> | null = null;
  private figuresDirty = false;

  constructor(
    private readonly db: LocalDb,
    private readonly caseKey: string,
    private readonly reader: string,
    private readonly tools: LabelmapTools,
    /** the worker's face (tests give one that computes in place) */
    private readonly worker: Pick<QuantWorkerClient, 'lungs' | 'suggest' | 'terminate'> & Partial<Pick<QuantWorkerClient, 'figures'>> = new QuantWorkerClient(),
  ) {
    const v = tools.views.volume;
    if (!(v.scalars instanceof Int16Array)) throw new Error('the quantification needs the CT as 16-bit HU');
    this.ct = { dims: [...v.dims], spacing: [...v.spacing], origin: [...v.origin], direction: Array.from(v.direction), hu: v.scalars };
    this.frame = { dims: v.dims, spacing: v.spacing, origin: v.origin, direction: Array.from(v.direction) };
    setLabelColor(this.previewColors, 1, SUGGESTION_COLOR);
    useQuantStore.getState().reset();
  }

  private get session(): ContouringSession {
    return this.tools.contouring;
  }

  /** The lung masks: this device's copy of them, or computed now in the worker. */
  async start(): Promise<void> {
    const store = useQuantStore.getState();
    store.set({ lungs: { ...store.lungs, state: 'running', fraction: 0, stage: 'starting', error: null } });
    try {
      const stored = await this.restoreLungs();
      if (this.destroyed) return;
      if (stored) return this.takeLungs(sharedForWorkers(stored.labels), stored.rightMl, stored.leftMl, true);
      const result = await this.worker.lungs(this.ct, (fraction, stage) => {
        const s = useQuantStore.getState();
        s.set({ lungs: { ...s.lungs, fraction, stage } });
      });
      if (this.destroyed) return;
      this.takeLungs(result.labels, result.rightMl, result.leftMl, false);
      void this.saveLungs(result.labels, result.rightMl, result.leftMl);
    } catch (err) {
      if (this.destroyed) return;
      const s = useQuantStore.getState();
      s.set({ lungs: { ...s.lungs, state: 'failed', error: err instanceof Error ? err.message : String(err) } });
    }
  }

  private async restoreLungs(): Promise<{ labels: Uint8Array; rightMl: number; leftMl: number } | null> {
    try {
      const row = await this.db.quant.get([this.caseKey, this.reader]);
      const [nx, ny, nz] = this.ct.dims;
      if (!row || row.method !== LUNG_MASK_METHOD || row.dims.join() !== this.ct.dims.join()) return null;
      const labels = await decompressSlice(row.bytes);
      return labels.length === nx * ny * nz ? { labels, rightMl: row.rightMl, leftMl: row.leftMl } : null;
    } catch {
      // A copy that cannot be read is only a lost shortcut: compute the masks again.
      return null;
    }
  }

  /** `evenIfClosed`: the reader's own lung edits, flushed as the read closes, are kept all the same. */
  private async saveLungs(labels: Uint8Array, rightMl: number, leftMl: number, evenIfClosed = false): Promise<void> {
    try {
      const bytes = await compressSlice(plainCopy(labels));
      if (this.destroyed && !evenIfClosed) return;
      await this.db.quant.put({ caseKey: this.caseKey, user: this.reader, method: LUNG_MASK_METHOD, dims: [...this.ct.dims], rightMl, leftMl, bytes, updatedAt: Date.now() });
    } catch {
      // A full quota must not cost the reader anything: the masks are computed again next time.
    }
  }

  private takeLungs(labels: Uint8Array, rightMl: number, leftMl: number, fromDraft: boolean): void {
    this.lungs = labels;
    const segments = useContouringStore.getState().segments;
    this.lesionKey = nonLesionKey(segments);
    const { dims, spacing, direction } = this.ct;
    this.tracker = new InvolvementTracker(labels, this.session.editor.labelmap.data, this.lesionPredicate(segments), dims, spacing, direction);
    const tracker = this.tracker;
    // Every voxel any tool, undo or redo changes: the tracker's counts move with it, and the
    // panel follows once per frame.
    this.session.editor.onVoxelChanged = (index, from, to) => {
      tracker.labelChanged(index, from, to);
      this.lastEditAt = performance.now();
      if (!this.frameRequested) this.requestPublish();
      if (!this.figuresDirty) this.figuresChanged();
    };
    this.session.onLabelmapReplaced = () => {
      tracker.rebuild();
      this.requestPublish();
      this.figuresChanged();
    };
    // A segment retyped as lung or lobe (or a new one) changes what counts as lesion: one recount.
    this.cleanups.push(
      useContouringStore.subscribe((s, prev) => {
        if (s.segments === prev.segments) return;
        const key = nonLesionKey(s.segments);
        if (key === this.lesionKey) return;
        this.lesionKey = key;
        tracker.setLesionValues(this.lesionPredicate(s.segments));
        this.requestPublish();
        this.figuresChanged();
      }),
    );
    this.lungEditing = new LungEditing(this.session, labels, this.ct, tracker, { [LUNG.right]: [...RIGHT_LUNG_COLOR], [LUNG.left]: [...LEFT_LUNG_COLOR] }, {
      redraw: () => this.lungOverlay?.redraw(),
      changed: () => {
        const now = tracker.snapshot().lungs;
        const s = useQuantStore.getState();
        s.set({ lungs: { ...s.lungs, rightMl: now.right_ml, leftMl: now.left_ml } });
        this.lastEditAt = performance.now();
        this.requestPublish();
        this.figuresChanged();
      },
      save: () => {
        const now = tracker.snapshot().lungs;
        void this.saveLungs(labels, now.right_ml, now.left_ml, true);
      },
      left: () => useQuantStore.getState().set({ editingLung: 0 }),
    });
    this.figuresChanged();
    const store = useQuantStore.getState();
    store.set({ lungs: { state: 'done', fraction: 1, stage: 'done', error: null, rightMl, leftMl, fromDraft }, involvement: tracker.snapshot() });
    if (store.showLungs) this.showLungs(true);
  }

  private lesionPredicate(segments: readonly DraftSegment[]): (value: number) => boolean {
    const notLesion = new Set(segments.filter((s) => !isLesionSegment(s)).map((s) => s.value));
    return (value) => !notLesion.has(value);
  }

  private requestPublish(): void {
    if (this.frameRequested) return;
    this.frameRequested = true;
    requestAnimationFrame(() => {
      this.frameRequested = false;
      if (this.destroyed || !this.tracker) return;
      useQuantStore.getState().set({ involvement: this.tracker.snapshot() });
    });
  }

  // --- lesion biomarkers and lobes (whole-volume, in the worker, once painting pauses) ------

  /** The labelmap changed: the figures are stale, recomputed FIGURES_DEBOUNCE_MS after the last change. */
  private figuresChanged(): void {
    if (!this.worker.figures) return;
    this.figuresDirty = true;
    this.lastEditAt = performance.now();
    const s = useQuantStore.getState();
    if (!s.figures.stale) s.set({ figures: { ...s.figures, stale: true } });
    this.armFiguresTimer(FIGURES_DEBOUNCE_MS);
  }

  private armFiguresTimer(delayMs: number): void {
    // One timer re-armed from the last edit's time, not cleared and set per voxel: a stroke
    // changes thousands of voxels.
    if (this.figuresTimer !== null) return;
    this.figuresTimer = setTimeout(() => {
      this.figuresTimer = null;
      if (this.destroyed) return;
      const wait = this.lastEditAt + FIGURES_DEBOUNCE_MS - performance.now();
      if (wait > 1) this.armFiguresTimer(wait);
      else void this.computeFigures();
    }, delayMs);
  }

  /** What the worker needs from the read: the lesion values, and each lobe's segment values. */
  private figuresRequest(): ReadFiguresRequest {
    const segments = useContouringStore.getState().segments;
    const lobeValues: number[][] = LOBE_NAMES.map(() => []);
    for (const seg of segments) {
      const lobe = lobeOfType(seg.type);
      if (lobe) lobeValues[LOBE_NAMES.indexOf(lobe)].push(seg.value);
    }
    const notLesion = new Set(segments.filter((seg) => !isLesionSegment(seg)).map((seg) => seg.value));
    const lesionValues: number[] = [];
    for (let v = 1; v < 256; v++) if (!notLesion.has(v)) lesionValues.push(v);
    return { labels: this.session.editor.labelmap.data, lesionValues, lobeValues };
  }

  /** Runs the figures now (one at a time; an edit during a run starts another after it). */
  private computeFigures(): Promise<ReadFigures | null> {
    if (this.figuresRun) return this.figuresRun.then(() => (this.figuresDirty ? this.computeFigures() : useQuantStore.getState().figures.result));
    const lungs = this.lungs;
    const figures = this.worker.figures?.bind(this.worker);
    if (!lungs || !figures) return Promise.resolve(null);
    this.figuresDirty = false;
    if (this.figuresTimer !== null) clearTimeout(this.figuresTimer);
    this.figuresTimer = null;
    const request = this.figuresRequest();
    // Nothing to measure (a case just opened): answered here, no run under way to wait for.
    const known = figuresOfNothing(this.tracker?.lesionVoxels() ?? 1, request);
    if (known) {
      useQuantStore.getState().set({ figures: { state: 'done', stale: false, error: null, result: known } });
      return Promise.resolve(known);
    }
    const s = useQuantStore.getState();
    s.set({ figures: { ...s.figures, state: 'running' } });
    const run = (async () => {
      try {
        const result = await figures(this.ct, lungs, request);
        if (this.destroyed) return null;
        useQuantStore.getState().set({ figures: { state: 'done', stale: this.figuresDirty, error: null, result } });
        return result;
      } catch (err) {
        if (this.destroyed) return null;
        const st = useQuantStore.getState();
        st.set({ figures: { ...st.figures, state: 'failed', error: err instanceof Error ? err.message : String(err) } });
        return null;
      } finally {
        this.figuresRun = null;
      }
    })();
    this.figuresRun = run;
    return run;
  }

  /** The figures of the labelmap as it is now: computed at once when an edit is still waiting for them (a submit must not carry older ones). */
  async currentFigures(): Promise<ReadFigures | null> {
    if (!this.lungs) return null;
    if (this.figuresDirty || this.figuresRun) return this.computeFigures();
    return useQuantStore.getState().figures.result;
  }

  /** What the SR carries of the quantification, for the labelmap as it is now; null without lungs. */
  async forSubmit(): Promise<SrQuantification | null> {
    const figures = await this.currentFigures();
    const involvement = this.tracker?.snapshot();
    if (!involvement) return null;
    // Without the lesion figures (the worker failed) an empty lesion list would read as "no
    // lesions": then the SR carries no quantification rather than a wrong one.
    if (!figures && involvement.lesion_ml.total + involvement.outside_lung_ml > 0) return null;
    return srQuantificationOf(involvement, figures);
  }

  /** Moves the MPR views to a lesion's centroid (a row of the lesion table). */
  jumpToLesion(id: number): void {
    const lesion = useQuantStore.getState().figures.result?.lesions.find((l) => l.id === id);
    if (!lesion) return;
    const { engine, mprIds } = this.tools.views;
    const world = lesion.centroid_lps_mm as Types.Point3;
    for (const vid of mprIds) (engine.getViewport(vid) as unknown as { jumpToWorld?: (w: Types.Point3) => boolean }).jumpToWorld?.(world);
    engine.renderViewports(mprIds);
  }

  /** The figures now (tests and the form's measured extent read them without waiting for a frame). */
  involvement(): Involvement | null {
    return this.tracker?.snapshot() ?? null;
  }

  /**
   * Points the contouring tools at the right or the left lung mask (null: back to the read's
   * segments); the lungs are shown while they are edited.
   */
  editLung(side: LungSide | null): void {
    if (!this.lungEditing) return;
    if (side !== null) this.showLungs(true);
    this.lungEditing.edit(side);
    useQuantStore.getState().set({ editingLung: side ?? 0 });
  }

  /** Draws the lung masks over the MPR views, or takes them away. */
  showLungs(visible: boolean): void {
    if (!visible) this.lungEditing?.edit(null);
    useQuantStore.getState().set({ showLungs: visible });
    if (!visible) {
      this.lungOverlay?.remove();
      this.lungOverlay = null;
      return;
    }
    if (this.lungOverlay || !this.lungs) return;
    const colors = makeLabelColors();
    setLabelColor(colors, LUNG.right, RIGHT_LUNG_COLOR);
    setLabelColor(colors, LUNG.left, LEFT_LUNG_COLOR);
    this.lungOverlay = this.session.overlayOf(this.lungs, this.tools.views.mprIds, colors);
  }

  // --- lesion suggestion ----------------------------------------------------------------

  /** Computes a suggestion in the worker and previews it over the views; nothing enters the read. */
  async suggest(): Promise<void> {
    const lungs = this.lungs;
    if (!lungs) return;
    this.discard();
    const store = useQuantStore.getState();
    store.set({ suggestion: { state: 'running', fraction: 0, stage: 'starting', error: null, components: [], message: null } });
    try {
      const result = await this.worker.suggest(this.ct, lungs, (fraction, stage) => {
        const s = useQuantStore.getState();
        s.set({ suggestion: { ...s.suggestion, fraction, stage } });
      });
      if (this.destroyed) return;
      this.suggestion = result;
      const preview = new Uint8Array(lungs.length);
      const labels = result.labels;
      for (let n = 0; n < labels.length; n++) if (labels[n] !== 0) preview[n] = 1;
      this.preview = preview;
      this.previewOverlay = this.session.overlayOf(preview, this.tools.views.mprIds, this.previewColors);
      this.listenForClicks();
      const message = result.components.length === 0 ? 'The suggestion found no lesion in the lungs.' : null;
      useQuantStore.getState().set({ suggestion: { state: 'done', fraction: 1, stage: 'done', error: null, components: result.components, message } });
    } catch (err) {
      if (this.destroyed) return;
      const s = useQuantStore.getState();
      s.set({ suggestion: { ...s.suggestion, state: 'failed', error: err instanceof Error ? err.message : String(err) } });
    }
  }

  /** Voxel indices of a component still previewed (tests read them). */
  componentVoxels(id: number): Uint32Array {
    const suggestion = this.suggestion;
    const component = suggestion?.components.find((c) => c.id === id);
    return suggestion && component ? componentIndices(suggestion.labels, this.ct.dims, component.bbox, id) : new Uint32Array(0);
  }

  /** Writes the given previewed components into the active segment, one undoable edit. */
  accept(ids: number[]): void {
    const suggestion = this.suggestion;
    const preview = this.preview;
    if (!suggestion || !preview) return;
    const pending = useQuantStore.getState().suggestion.components;
    const chosen = pending.filter((c) => ids.includes(c.id));
    if (chosen.length === 0) return;
    const parts = chosen.map((c) => componentIndices(suggestion.labels, this.ct.dims, c.bbox, c.id));
    const indices = new Uint32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      indices.set(p, at);
      at += p.length;
    }
    const label = chosen.length === 1 ? `Accept suggested lesion ${chosen[0].id}` : `Accept ${chosen.length} suggested lesions`;
    this.session.paintVoxels(indices, label);
    for (let n = 0; n < indices.length; n++) preview[indices[n]] = 0;
    this.previewOverlay?.redraw();
    const left = pending.filter((c) => !ids.includes(c.id));
    const s = useQuantStore.getState();
    s.set({ suggestion: { ...s.suggestion, components: left, message: `Accepted ${chosen.length === 1 ? `lesion ${chosen[0].id}` : `${chosen.length} lesions`} into the active segment (undo takes it back).` } });
    if (left.length === 0) this.clearPreview();
  }

  acceptAll(): void {
    this.accept(useQuantStore.getState().suggestion.components.map((c) => c.id));
  }

  /** Drops what is still previewed; accepted lesions stay in the read. */
  discard(): void {
    this.clearPreview();
    const s = useQuantStore.getState();
    s.set({ suggestion: { ...s.suggestion, state: 'idle', components: [], message: null } });
  }

  private clearPreview(): void {
    this.previewOverlay?.remove();
    this.previewOverlay = null;
    this.preview = null;
    this.suggestion = null;
    this.stopClicks?.();
    this.stopClicks = null;
  }

  private stopClicks: (() => void) | null = null;

  /** A click (no drag) on a previewed component in the axial view accepts it, when no paint tool is armed. */
  private listenForClicks(): void {
    const element = this.tools.views.elements.axial;
    if (!element || this.stopClicks) return;
    let down: { x: number; y: number } | null = null;
    const onDown = (e: PointerEvent) => {
      down = e.button === 0 ? { x: e.clientX, y: e.clientY } : null;
    };
    const onUp = (e: PointerEvent) => {
      const start = down;
      down = null;
      if (!start || Math.hypot(e.clientX - start.x, e.clientY - start.y) > CLICK_SLOP_PX) return;
      if (useContouringStore.getState().tool !== 'none') return;
      const id = this.componentAt(element, e);
      if (id > 0) this.accept([id]);
    };
    element.addEventListener('pointerdown', onDown);
    element.addEventListener('pointerup', onUp);
    this.stopClicks = () => {
      element.removeEventListener('pointerdown', onDown);
      element.removeEventListener('pointerup', onUp);
    };
  }

  private componentAt(element: HTMLElement, e: PointerEvent): number {
    const suggestion = this.suggestion;
    const preview = this.preview;
    const viewport = this.tools.views.engine.getViewport('axial') as Types.IVolumeViewport | undefined;
    if (!suggestion || !preview || !viewport) return 0;
    const rect = element.getBoundingClientRect();
    const world = viewport.canvasToWorld([e.clientX - rect.left, e.clientY - rect.top] as Types.Point2);
    const [i, j, k] = worldToIJK(this.frame, world).map(Math.round);
    const [nx, ny, nz] = this.ct.dims;
    if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return 0;
    const n = i + nx * (j + ny * k);
    return preview[n] ? suggestion.labels[n] : 0;
  }

  /** The lung mask as run lengths, for the e2e tests (the whole mask is too big to hand over as is). */
  lungRuns(): number[] {
    return this.lungs ? runLengths(this.lungs) : [];
  }

  destroy(): void {
    this.destroyed = true;
    if (this.figuresTimer !== null) clearTimeout(this.figuresTimer);
    this.figuresTimer = null;
    this.clearPreview();
    this.lungEditing?.destroy();
    this.lungEditing = null;
    this.lungOverlay?.remove();
    this.lungOverlay = null;
    this.cleanups.forEach((f) => f());
    this.cleanups = [];
    if (this.session.editor.onVoxelChanged) this.session.editor.onVoxelChanged = null;
    this.session.onLabelmapReplaced = null;
    this.worker.terminate();
    useQuantStore.getState().reset();
  }
}

/** Starts the quantification of a read whose tools are on screen; null where it cannot run (no worker, no HU: a test's stand-in tools). */
export function startQuantification(db: LocalDb, caseKey: string, reader: string, tools: LabelmapTools): ReadQuantification | null {
  if (typeof Worker === 'undefined' || !(tools.views?.volume?.scalars instanceof Int16Array)) return null;
  const quant = new ReadQuantification(db, caseKey, reader, tools);
  void quant.start();
  return quant;
}
