// A lead's review of a complete case: two of its reads overlaid on the CT in one layout (A only,
// B only, both, each in a colour of its own), shown by mode (A, B, agreement A∩B, disagreement
// A∖B and B∖A), with a step to the next largest region where they differ and the form answers
// side by side. Nothing of this view is saved or submitted: it is no one's read.
import type { Types } from '@cornerstonejs/core';
import type { FormSchema } from '../form/formSchema.ts';
import { allItems } from '../form/formSchema.ts';
import { loadFormSchema } from '../form/loadFormSchema.ts';
import type { Rgb } from '../model/color.ts';
import type { DraftSegment } from '../model/segment.ts';
import { makeLabelColors, setLabelColor } from '../contouring/sliceOverlay.ts';
import { answerText, loadCaseReads, type LoadedCase } from '../review/caseReads.ts';
import { OVERLAY, overlayOf } from '../review/consensusStart.ts';
import { disagreementRegions, type DisagreementRegion } from '../review/disagreementRegions.ts';
import { pairAgreement } from '../metrics/pairAgreement.ts';
import { toPairFigures } from '../review/pairFigures.ts';
import { segWorker } from '../seg/segWorkerClient.ts';
import { useCompareStore, type OverlayMode } from '../stores/compareStore.ts';
import { useSaveStatusStore } from '../stores/saveStatusStore.ts';
import { startReview } from '../study/reviewApi.ts';
import type { LabelmapTools } from '../viewer/labelmapOwner.ts';
import type { ReadOwner } from './readOwner.ts';

const NOT_A_READ = 'this is a review of other readers\u2019 reads: it is not submitted (start a consensus to submit one)';

/** Which overlay values each mode shows. */
const MODE_SHOWS: Record<OverlayMode, number[]> = {
  all: [OVERLAY.aOnly, OVERLAY.bOnly, OVERLAY.both],
  a: [OVERLAY.aOnly, OVERLAY.both],
  b: [OVERLAY.bOnly, OVERLAY.both],
  agree: [OVERLAY.both],
  disagree: [OVERLAY.aOnly, OVERLAY.bOnly],
};

/** The world position (mm) of a voxel index on the CT's grid. */
export function worldOf(grid: LabelmapTools['segSource']['grid'], ijk: readonly number[]): [number, number, number] {
  const { origin, spacing, direction: d } = grid;
  const [i, j, k] = [ijk[0] * spacing[0], ijk[1] * spacing[1], ijk[2] * spacing[2]];
  return [origin[0] + i * d[0] + j * d[3] + k * d[6], origin[1] + i * d[1] + j * d[4] + k * d[7], origin[2] + i * d[2] + j * d[5] + k * d[8]];
}

export class CompareRead implements ReadOwner {
  protected tools: LabelmapTools | null = null;
  protected destroyed = false;
  protected loaded: LoadedCase | null = null;
  protected schema: FormSchema | null = null;
  private regions: DisagreementRegion[] = [];
  private mirror: { redraw: () => void; remove: () => void } | null = null;
  private names = { a: '', b: '' };

  constructor(
    protected readonly studyUid: string,
    readonly caseId: number,
    private readonly pair: { a?: number; b?: number } = {},
  ) {}

  protected get store() {
    return useCompareStore.getState();
  }

  async prepare(tools: LabelmapTools): Promise<void> {
    this.tools = tools;
    useSaveStatusStore.getState().reset();
    this.store.reset();
    this.store.set({ phase: 'loading', purpose: 'review', caseId: this.caseId, message: 'Loading the reads…' });
  }

  async shown(): Promise<void> {
    if (!(await this.loadReads())) return;
    void startReview(this.caseId).catch(() => undefined);
    const withLabels = this.loaded!.reads.filter((r) => r.labels);
    const a = withLabels.find((r) => r.userId === this.pair.a) ?? withLabels[0];
    const b = withLabels.find((r) => r.userId === this.pair.b && r !== a) ?? withLabels.find((r) => r !== a);
    if (!a || !b) {
      this.store.set({ phase: 'error', message: 'Fewer than two reads of this case have a segmentation: there is nothing to overlay.' });
      return;
    }
    this.compare(a.userId, b.userId);
  }

  /** The reads of the case on this CT and the form; false (with the message shown) when they cannot be had. */
  protected async loadReads(): Promise<boolean> {
    const tools = this.tools;
    if (!tools || this.destroyed) return false;
    const source = tools.segSource;
    const target = { grid: source.grid, slices: source.slices, seriesInstanceUid: source.seriesInstanceUid, frameOfReferenceUid: source.frameOfReferenceUid };
    try {
      const [loaded, schema] = await Promise.all([
        loadCaseReads(this.caseId, this.studyUid, target, (bytes, t) => segWorker().decode(bytes, t, { copy: true })),
        tools.config.form ? loadFormSchema(tools.config.form).catch(() => null) : Promise.resolve(null),
      ]);
      if (this.destroyed) return false;
      this.loaded = loaded;
      this.schema = schema;
    } catch (err) {
      if (!this.destroyed) this.store.set({ phase: 'error', message: err instanceof Error ? err.message : String(err) });
      return false;
    }
    const reads = this.loaded.reads;
    this.store.set({
      readers: reads.map((r) => ({ userId: r.userId, name: r.displayName || r.username, problem: r.problem, hasLabels: r.labels !== null })),
      items: this.formItems(),
    });
    return true;
  }

  /** The form's items with each reader's answer as text, and whether they differ. */
  private formItems() {
    const reads = this.loaded?.reads ?? [];
    if (!this.schema) return [];
    return allItems(this.schema).map((item) => {
      const answers = reads.map((r) => ({ userId: r.userId, text: answerText(r.answers?.find((a) => a.itemId === item.id)) }));
      return { itemId: item.id, label: item.label, answers, differ: new Set(answers.map((x) => x.text)).size > 1 };
    });
  }

  /** Overlays reads a and b (user ids). */
  compare(a: number, b: number): void {
    const tools = this.tools;
    const reads = this.loaded?.reads ?? [];
    const A = reads.find((r) => r.userId === a);
    const B = reads.find((r) => r.userId === b);
    if (!tools || !A?.labels || !B?.labels) return;
    const overlay = overlayOf(A.labels, B.labels);
    const nameA = A.displayName || A.username;
    const nameB = B.displayName || B.username;
    const segments: DraftSegment[] = [
      { value: OVERLAY.aOnly, label: `Only ${nameA}`, color: COLOR.aOnly, category: LESION, type: LESION_TYPE, visible: true, locked: true },
      { value: OVERLAY.bOnly, label: `Only ${nameB}`, color: COLOR.bOnly, category: LESION, type: LESION_TYPE, visible: true, locked: true },
      { value: OVERLAY.both, label: 'Both (agreement)', color: COLOR.both, category: LESION, type: LESION_TYPE, visible: true, locked: true },
    ];
    const wasSideBySide = this.store.sideBySide;
    this.leaveSideBySide();
    tools.contouring.replaceLabelmap(overlay, segments);
    this.names = { a: nameA, b: nameB };
    const grid = tools.segSource.grid;
    this.regions = disagreementRegions(overlay, grid.dims);
    const figures = toPairFigures(pairAgreement(A.labels, B.labels, grid.dims, grid.spacing));
    this.store.set({ phase: 'ready', message: null, a, b, mode: 'all', sideBySide: false, regions: this.regions.length, regionIndex: -1, figures });
    performance.mark('review-ready');
    if (wasSideBySide) void this.setSideBySide(true);
    useSaveStatusStore.getState().set({ restoredMessage: `Reviewing the reads of ${nameA} and ${nameB}. Nothing here is saved.` });
  }

  /**
   * A's read in the first column, B's in the second, the views linked (slice, zoom, pan,
   * window): each column shows that reader's voxels, the shared ones in the agreement colour.
   */
  async setSideBySide(on: boolean): Promise<void> {
    const tools = this.tools;
    if (!tools || this.store.phase !== 'ready') return;
    if (!on) {
      this.leaveSideBySide();
      await tools.views.sideBySide(null);
      this.setMode('all');
      return;
    }
    const ids = await tools.views.sideBySide({ left: this.names.a, right: this.names.b });
    if (ids.length === 0 || this.destroyed || !this.tools) return;
    this.setMode('a');
    const colors = makeLabelColors();
    setLabelColor(colors, OVERLAY.bOnly, COLOR.bOnly);
    setLabelColor(colors, OVERLAY.both, COLOR.both);
    this.mirror?.remove();
    this.mirror = tools.contouring.mirror(ids, colors);
    this.store.set({ sideBySide: true });
  }

  private leaveSideBySide(): void {
    this.mirror?.remove();
    this.mirror = null;
    if (this.store.sideBySide) this.store.set({ sideBySide: false });
  }

  setMode(mode: OverlayMode): void {
    const tools = this.tools;
    if (!tools) return;
    // Side by side, the first column is A's read: the modes are for the overlay.
    if (this.store.sideBySide && mode !== 'a') return;
    const shows = MODE_SHOWS[mode];
    for (const value of [OVERLAY.aOnly, OVERLAY.bOnly, OVERLAY.both]) tools.contouring.setVisible(value, shows.includes(value));
    this.store.set({ mode });
  }

  /** Moves the views to the next region where the two reads differ, largest first. */
  nextDisagreement(): void {
    const tools = this.tools;
    if (!tools || this.regions.length === 0) return;
    const index = (this.store.regionIndex + 1) % this.regions.length;
    const world = worldOf(tools.segSource.grid, this.regions[index].centre) as Types.Point3;
    const { engine, mprIds } = tools.views;
    for (const id of mprIds) (engine.getViewport(id) as unknown as { jumpToWorld?: (w: Types.Point3) => boolean }).jumpToWorld?.(world);
    engine.renderViewports(mprIds);
    this.store.set({ regionIndex: index });
  }

  async submit(): Promise<string> {
    throw new Error(NOT_A_READ);
  }

  async importSegFile(): Promise<string> {
    throw new Error(NOT_A_READ);
  }

  async takeReplacement(): Promise<void> {}

  keepCurrent(): void {}

  destroy(): void {
    this.destroyed = true;
    this.mirror?.remove();
    this.mirror = null;
    this.tools = null;
  }
}

/** A's voxels, B's, and the voxels both drew: one colour each, the same in both layouts. */
export const COLOR: Record<'aOnly' | 'bOnly' | 'both', Rgb> = { aOnly: [255, 150, 30], bOnly: [40, 140, 255], both: [60, 200, 90] };

const LESION = { value: '49755003', scheme: 'SCT', meaning: 'Morphologically Abnormal Structure' };
const LESION_TYPE = { value: '52988006', scheme: 'SCT', meaning: 'Lesion' };
