// The contouring side of an open series: turns strokes on the MPR views into labelmap edits
// under the active tool, keeps the display, statistics and undo state in step, and carries out
// the segment panel's commands. Owns the labelmap bytes through its LabelmapEditor.
// Longer than most files here (~690 lines) for a reason: it is the one place where an input event
// becomes an edit, and each tool's path (stroke, scissors, region growing, island tools) must
// update the editor, the overlays, the 3D view's pending slices, the statistics and the undo state
// in the same order; the geometry, the editing and the display it calls are modules of their own.
import { Enums as CoreEnums, type RenderingEngine, type Types } from '@cornerstonejs/core';
import { useContouringStore, type PaintTool } from '../stores/contouringStore.ts';
import type { Rgb } from '../model/color.ts';
import { EXTRA_COLORS, initialSegments, type DraftSegment, type SegmentDefinition } from '../model/segment.ts';
import type { StudyConfig } from '../model/studyConfig.ts';
import { toolLabel } from './toolLabels.ts';
import { axisOfNormal, forEachInBallStroke, forEachInDiscStroke, inPlane, worldToIJK, type GridFrame } from './brushGeometry.ts';
import { LabelmapDisplay } from './labelmapDisplay.ts';
import { LabelmapEditor, type EditResult } from './labelmapEditor.ts';
import { sliceAddress, sliceSpacing, voxelIndex, type Axis, type Labelmap, type VoxelBox } from './labelmapGrid.ts';
import { ruledValue, type PaintRule } from './paintRule.ts';
import { attachStrokes, ViewOverlay, type StrokeHandler } from './pointerStrokes.ts';
import { makeLabelColors, setLabelColor, SliceOverlay, type LabelColors } from './sliceOverlay.ts';
import { regionGrow } from './regionGrow.ts';
import { ellipseCells, polygonCells, rectangleCells } from './scissorsShapes.ts';
import { keepLargestComponent, smallIslands } from './connectedComponents.ts';
import { interpolateBetweenSlices } from './sliceInterpolation.ts';

export interface PaintTiming {
  tool: PaintTool;
  /** The pointer event's timestamp to its handler starting (ms). */
  inputDelayMs: number;
  /** The handler's work: labelmap, undo record, statistics, overlay redrawn (ms). */
  updateMs: number;
  /** The pointer event's timestamp to the next frame produced (ms). */
  frameMs: number;
}

interface Stroke {
  viewportId: string;
  tool: PaintTool;
  axis: Axis;
  position: number;
  last: [number, number, number];
  /** Scissors outline: canvas points and in-plane cell points. */
  canvas: Array<[number, number]>;
  cells: Array<[number, number]>;
}

const STATS_INTERVAL_MS = 200;
const RENDER_3D_DELAY_MS = 300;
const MAX_TIMINGS = 2000;
const BRUSH_TOOLS: PaintTool[] = ['brush', 'eraser', 'threshold', 'sphere'];
const SCISSORS_TOOLS: PaintTool[] = ['scissorsRect', 'scissorsCircle', 'scissorsLasso'];

function css(color: Rgb): string {
  return `rgb(${color[0]}, ${color[1]}, ${color[2]})`;
}

/**
 * A mask on the same grid that the tools may edit instead of the read's labelmap (the read's lung
 * masks: a voxel of the labelmap holds one label, so the lungs cannot be segments of it). Its own
 * editor and undo history; drawn by its owner's overlays; never in the 3D view, the segment list,
 * the statistics or the read's drafts.
 */
export interface OtherEditTarget {
  editor: LabelmapEditor;
  /** the value the tools paint (and the eraser erases) */
  value: number;
  label: string;
  color: Rgb;
  /** redraw after an edit (box: only these voxels changed) */
  redraw: (box?: VoxelBox) => void;
  /** told the axial slices an edit, undo or redo changed */
  onEdited: (slices: number[]) => void;
  /** told when the tools go back to the read's segments (the reader picked a segment, say) */
  onLeave: () => void;
}

export class ContouringSession {
  /** The read's labelmap: what drafts, SEGs and figures are made of. */
  readonly editor: LabelmapEditor;
  private other: OtherEditTarget | null = null;
  private readonly display: LabelmapDisplay;
  private readonly overlays = new Map<string, ViewOverlay>();
  private readonly sliceOverlays = new Map<string, SliceOverlay>();
  private readonly colors: LabelColors = makeLabelColors();
  /** Axial slices changed since the 3D view last took them. */
  private pending3d = new Set<number>();
  private cleanups: Array<() => void> = [];
  private stroke: Stroke | null = null;
  private lastAxis: Axis = 2;
  private statsTimer: ReturnType<typeof setTimeout> | null = null;
  private render3dTimer: ReturnType<typeof setTimeout> | null = null;
  private removed = new Map<number, DraftSegment>();
  private pendingTimings: Array<{ tool: PaintTool; t0: number; inputDelayMs: number; updateMs: number }> = [];
  private has3d = false;
  readonly timings: PaintTiming[] = [];
  /** Told which axial slices an edit changed ([] when only the segment list changed). */
  onEdited: ((slices: number[]) => void) | null = null;
  /** Told when the labelmap was rewritten wholesale (a draft restored, a result or a file loaded): figures kept per voxel must recount. */
  onLabelmapReplaced: (() => void) | null = null;

  constructor(
    readonly engine: RenderingEngine,
    private readonly elements: Record<string, HTMLDivElement>,
    private readonly mprIds: string[],
    private readonly frame: GridFrame,
    private readonly hu: Int16Array,
    seriesUid: string,
    referenceMetadata: Record<string, unknown>,
    config: StudyConfig,
    softwareWebGl: boolean,
  ) {
    this.display = new LabelmapDisplay(seriesUid, frame, referenceMetadata);
    const labelmap: Labelmap = { data: this.display.data, dims: frame.dims, spacing: frame.spacing };
    this.editor = new LabelmapEditor(labelmap, hu);
    const segments = initialSegments(config.segments);
    this.store.set({ segments, activeValue: 1, ready: false, stats: {}, canUndo: false, canRedo: false, notice: null, view3dStale: false, auto3d: !softwareWebGl });
    this.newSegmentConcepts = config.newSegment;
    this.optionalSegments = config.optionalSegments ?? [];
  }

  private readonly newSegmentConcepts: StudyConfig['newSegment'];
  /** the study's segments a reader adds from a list (the lobes) */
  readonly optionalSegments: readonly SegmentDefinition[];

  private get store() {
    return useContouringStore.getState();
  }

  /** The editor the tools write: the read's, or the other target while the reader edits it. */
  private get active(): LabelmapEditor {
    return this.other?.editor ?? this.editor;
  }

  /** Points every tool, undo and redo at another mask (null: back to the read's segments). */
  editOther(target: OtherEditTarget | null): void {
    this.cancelStroke();
    const left = this.other;
    this.other = target;
    this.store.set({ notice: null });
    this.publishHistory();
    if (left && left !== target) left.onLeave();
  }

  get editingOther(): boolean {
    return this.other !== null;
  }

  async attach(): Promise<void> {
    for (const s of this.store.segments) setLabelColor(this.colors, s.value, s.color);
    const handler: StrokeHandler = {
      active: () => this.store.tool !== 'none',
      start: (id, pos, e) => this.startStroke(id, pos, e),
      move: (id, pos, e) => this.moveStroke(id, pos, e),
      end: (id, pos, e) => this.endStroke(id, pos, e),
      hover: (id, pos) => this.hover(id, pos),
    };
    for (const id of this.mprIds) {
      const element = this.elements[id];
      const overlay = new SliceOverlay(element, () => this.viewport(id), this.frame, this.display.data, this.colors);
      this.sliceOverlays.set(id, overlay);
      this.overlays.set(id, new ViewOverlay(element));
      this.cleanups.push(attachStrokes(id, element, handler));
      // Scrolling, zooming and panning move the view: follow with the labelmap.
      const onCamera = () => overlay.sync();
      element.addEventListener(CoreEnums.Events.CAMERA_MODIFIED, onCamera);
      this.cleanups.push(() => element.removeEventListener(CoreEnums.Events.CAMERA_MODIFIED, onCamera));
      overlay.refresh();
    }
    this.publishStats();
    this.store.set({ ready: true });
  }

  /**
   * Draws this labelmap, read-only, over more MPR views with colours of their own (a lead's
   * side-by-side review shows one read's labels per column); follows their cameras. Strokes
   * stay on the views the session was made with. Returns what removes the overlays.
   */
  mirror(viewportIds: string[], colors: LabelColors): { redraw: () => void; remove: () => void } {
    return this.overlayOf(this.display.data, viewportIds, colors);
  }

  /**
   * Draws another mask on this grid (one byte per voxel: the read's lung masks, a lesion
   * suggestion's preview), read-only, over MPR views with its own colours, following their
   * cameras. Returns what redraws it (after the mask changed) and what removes it.
   */
  overlayOf(data: Uint8Array, viewportIds: string[], colors: LabelColors): { redraw: () => void; remove: () => void } {
    const overlays: SliceOverlay[] = [];
    const cleanups: Array<() => void> = [];
    for (const id of viewportIds) {
      const element = this.elements[id];
      if (!element) continue;
      const overlay = new SliceOverlay(element, () => this.viewport(id), this.frame, data, colors);
      overlays.push(overlay);
      const onCamera = () => overlay.sync();
      element.addEventListener(CoreEnums.Events.CAMERA_MODIFIED, onCamera);
      cleanups.push(() => element.removeEventListener(CoreEnums.Events.CAMERA_MODIFIED, onCamera));
      overlay.refresh();
    }
    return {
      redraw: () => overlays.forEach((o) => o.refresh()),
      remove: () => {
        cleanups.forEach((f) => f());
        overlays.forEach((o) => o.destroy());
      },
    };
  }

  /**
   * Shows the segments in the 3D view once it exists and renders it. In software WebGL the 3D
   * view only redraws on request (update3d); showSegmentsNow is that request.
   */
  async attach3d(viewportId: string, opts: { showSegmentsNow?: boolean } = {}): Promise<void> {
    this.view3dId = viewportId;
    this.has3d = true;
    if (this.store.auto3d || opts.showSegmentsNow) {
      this.display.markSlices(this.pending3d);
      this.pending3d.clear();
      await this.mount3d();
    }
    this.engine.getViewport(viewportId)?.render();
  }

  private view3dId = '';
  private mounted3d: Promise<void> | null = null;

  private mount3d(): Promise<void> {
    this.mounted3d ??= (async () => {
      await this.display.attach([this.view3dId]);
      for (const s of this.store.segments) {
        this.display.setColor(s.value, s.color);
        if (!s.visible) this.display.setVisible(s.value, false);
      }
    })();
    return this.mounted3d;
  }

  // --- strokes ---------------------------------------------------------------------------

  private viewport(id: string): Types.IVolumeViewport {
    return this.engine.getViewport(id) as Types.IVolumeViewport;
  }

  private ijkAt(viewportId: string, canvas: [number, number]): [number, number, number] {
    const world = this.viewport(viewportId).canvasToWorld(canvas as Types.Point2);
    return worldToIJK(this.frame, world);
  }

  private activeSegment(): Pick<DraftSegment, 'value' | 'label' | 'color' | 'locked'> | undefined {
    if (this.other) return { value: this.other.value, label: this.other.label, color: this.other.color, locked: false };
    return this.store.segments.find((s) => s.value === this.store.activeValue);
  }

  private rule(erase: boolean): PaintRule {
    if (this.other) return { value: erase ? 0 : this.other.value, eraseValue: this.other.value, locked: new Set(), emptyOnly: false };
    const { segments, activeValue, emptyOnly } = this.store;
    return {
      value: erase ? 0 : activeValue,
      eraseValue: activeValue,
      locked: new Set(segments.filter((s) => s.locked).map((s) => s.value)),
      emptyOnly,
    };
  }

  private startStroke(viewportId: string, canvas: [number, number], event: PointerEvent): void {
    const tool = this.store.tool;
    const active = this.activeSegment();
    if (!active) {
      this.store.set({ notice: 'Add a segment to paint on.' });
      return;
    }
    if (active.locked && tool !== 'none') {
      this.store.set({ notice: `"${active.label}" is locked: unlock it to edit.` });
      return;
    }
    const camera = this.viewport(viewportId).getCamera();
    const axis = axisOfNormal(this.frame, camera.viewPlaneNormal!);
    const ijk = this.ijkAt(viewportId, canvas);
    const position = Math.round(ijk[axis]);
    this.lastAxis = axis;
    this.stroke = { viewportId, tool, axis, position, last: ijk, canvas: [canvas], cells: [inPlane(axis, ijk)] };
    if (tool === 'grow2d' || tool === 'grow3d') {
      this.stroke = null;
      this.grow(tool, ijk, axis);
      return;
    }
    if (BRUSH_TOOLS.includes(tool)) {
      const { thresholdRange } = this.store;
      this.active.begin(toolLabel(tool), this.rule(tool === 'eraser'), tool === 'threshold' ? thresholdRange : null);
      this.paintSegment(ijk, ijk, event);
    } else if (SCISSORS_TOOLS.includes(tool)) {
      this.drawScissors();
    }
  }

  private moveStroke(viewportId: string, canvas: [number, number], event: PointerEvent): void {
    const stroke = this.stroke;
    if (!stroke || stroke.viewportId !== viewportId) return;
    const ijk = this.ijkAt(viewportId, canvas);
    this.hover(viewportId, canvas);
    if (BRUSH_TOOLS.includes(stroke.tool)) {
      this.paintSegment(stroke.last, ijk, event);
      stroke.last = ijk;
    } else if (SCISSORS_TOOLS.includes(stroke.tool)) {
      const cell = inPlane(stroke.axis, ijk);
      if (stroke.tool === 'scissorsLasso') {
        stroke.canvas.push(canvas);
        stroke.cells.push(cell);
      } else {
        stroke.canvas[1] = canvas;
        stroke.cells[1] = cell;
      }
      this.drawScissors();
    }
  }

  private endStroke(viewportId: string, canvas: [number, number], event: PointerEvent): void {
    const stroke = this.stroke;
    if (!stroke || stroke.viewportId !== viewportId) return;
    this.moveStroke(viewportId, canvas, event);
    this.stroke = null;
    if (BRUSH_TOOLS.includes(stroke.tool)) {
      this.finishEdit(this.active.end());
    } else if (SCISSORS_TOOLS.includes(stroke.tool)) {
      this.overlays.get(viewportId)?.hideShape();
      this.applyScissors(stroke);
    }
  }

  /** Paints the brush swept from a to b (continuous ijk) for the stroke in progress. */
  private paintSegment(a: readonly number[], b: readonly number[], event: PointerEvent): void {
    const handlerStart = performance.now();
    const stroke = this.stroke!;
    const { radiusMm } = this.store;
    const { dims, spacing } = this.frame;
    if (stroke.tool === 'sphere') {
      forEachInBallStroke(dims, spacing, a, b, radiusMm, this.active.write);
    } else {
      forEachInDiscStroke(dims, spacing, stroke.axis, stroke.position, inPlane(stroke.axis, a), inPlane(stroke.axis, b), radiusMm, this.active.write);
    }
    const box = this.active.takeDirtyBox();
    if (box && this.other) this.other.redraw(box);
    else if (box) {
      for (const overlay of this.sliceOverlays.values()) overlay.update(box);
      for (let k = box.lo[2]; k <= box.hi[2]; k++) this.pending3d.add(k);
    }
    this.pendingTimings.push({ tool: stroke.tool, t0: event.timeStamp, inputDelayMs: handlerStart - event.timeStamp, updateMs: performance.now() - handlerStart });
    if (this.pendingTimings.length === 1) this.afterNextFrame(() => this.frameShown());
    this.scheduleStats();
  }

  /** Runs after the browser has produced the next frame (rAF, then a task after it). */
  private afterNextFrame(f: () => void): void {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => f();
      channel.port2.postMessage(null);
    });
  }

  private frameShown(): void {
    const now = performance.now();
    for (const p of this.pendingTimings) this.timings.push({ tool: p.tool, inputDelayMs: p.inputDelayMs, updateMs: p.updateMs, frameMs: now - p.t0 });
    this.pendingTimings = [];
    if (this.timings.length > MAX_TIMINGS) this.timings.splice(0, this.timings.length - MAX_TIMINGS);
  }

  private drawScissors(): void {
    const stroke = this.stroke!;
    const overlay = this.overlays.get(stroke.viewportId);
    if (!overlay) return;
    const color = this.store.scissorsErase ? 'rgb(255,255,255)' : css(this.activeSegment()?.color ?? [255, 255, 0]);
    const [p, q = p] = stroke.canvas;
    if (stroke.tool === 'scissorsLasso') overlay.showShape(stroke.canvas, color);
    else if (stroke.tool === 'scissorsRect') overlay.showShape([[p[0], p[1]], [q[0], p[1]], [q[0], q[1]], [p[0], q[1]]], color);
    else {
      const r = Math.hypot(q[0] - p[0], q[1] - p[1]);
      const ring: Array<[number, number]> = [];
      for (let n = 0; n < 48; n++) ring.push([p[0] + r * Math.cos((n * Math.PI) / 24), p[1] + r * Math.sin((n * Math.PI) / 24)]);
      overlay.showShape(ring, color);
    }
  }

  private applyScissors(stroke: Stroke): void {
    const slice = sliceAddress(this.frame.dims, stroke.axis, stroke.position);
    const { width, height } = slice;
    const [a, b = a] = stroke.cells;
    let cells: Uint32Array;
    if (stroke.tool === 'scissorsLasso') {
      if (stroke.cells.length < 3) return;
      cells = polygonCells(stroke.cells, width, height);
    } else if (stroke.tool === 'scissorsRect') {
      cells = rectangleCells(a, b, width, height);
    } else {
      // The circle is round in mm: its radius in cells differs along u and v at anisotropic spacing.
      const [su, sv] = sliceSpacing(this.frame.spacing, stroke.axis);
      const rMm = Math.hypot((b[0] - a[0]) * su, (b[1] - a[1]) * sv);
      cells = ellipseCells(a, rMm / su, rMm / sv, width, height);
    }
    const erase = this.store.scissorsErase;
    this.active.begin(`${toolLabel(stroke.tool)} ${erase ? 'erase' : 'fill'}`, this.rule(erase));
    for (let n = 0; n < cells.length; n++) {
      const u = cells[n] % width;
      this.active.write(slice.index(u, (cells[n] - u) / width));
    }
    this.finishEdit(this.active.end());
  }

  private grow(tool: 'grow2d' | 'grow3d', ijk: [number, number, number], axis: Axis): void {
    const { dims } = this.frame;
    const seed: [number, number, number] = [Math.round(ijk[0]), Math.round(ijk[1]), Math.round(ijk[2])];
    if (seed.some((c, a) => c < 0 || c >= dims[a])) return;
    const seedHu = this.hu[voxelIndex(dims, seed[0], seed[1], seed[2])];
    const { growToleranceHu, growMaxVoxels } = this.store;
    const activeValue = this.activeSegment()?.value ?? 0;
    const rule = this.rule(false);
    const labels = this.active.labelmap.data;
    const t0 = performance.now();
    const result = regionGrow(this.hu, dims, seed, {
      lo: seedHu - growToleranceHu,
      hi: seedHu + growToleranceHu,
      maxVoxels: growMaxVoxels,
      mode: tool === 'grow2d' ? '2d' : '3d',
      axis,
      // Locked segments (and others, when painting over empty voxels only) are walls.
      canEnter: (index) => labels[index] === activeValue || ruledValue(rule, labels[index]) >= 0,
    });
    this.active.begin(toolLabel(tool), rule);
    this.active.writeAll(result.indices);
    const edit = this.active.end();
    this.lastGrowMs = performance.now() - t0;
    this.store.set({
      notice: result.truncated
        ? `Region growing stopped at the limit of ${growMaxVoxels.toLocaleString('en')} voxels: lower the tolerance or raise the limit.`
        : `Region growing filled ${edit.voxels.toLocaleString('en')} voxels (seed ${seedHu} HU ± ${growToleranceHu}).`,
    });
    this.finishEdit(edit);
  }

  /** Time of the last region growing, from click to labelmap updated (benchmark). */
  lastGrowMs = 0;

  private hover(viewportId: string, canvas: [number, number] | null): void {
    // Only the view under the pointer shows the cursor; the others are hidden once when it leaves them.
    if (this.cursorView !== viewportId || !canvas) {
      for (const [id, overlay] of this.overlays) if (id !== viewportId || !canvas) overlay.hideCursor();
      this.cursorView = canvas ? viewportId : null;
    }
    const tool = this.store.tool;
    if (!canvas || !BRUSH_TOOLS.includes(tool)) return;
    const overlay = this.overlays.get(viewportId);
    if (!overlay) return;
    // Pixels per mm along the view's horizontal and vertical, from the camera as it is now.
    const viewport = this.viewport(viewportId);
    const w0 = viewport.canvasToWorld(canvas as Types.Point2);
    const wx = viewport.canvasToWorld([canvas[0] + 10, canvas[1]] as Types.Point2);
    const wy = viewport.canvasToWorld([canvas[0], canvas[1] + 10] as Types.Point2);
    const mmPerPxX = Math.hypot(wx[0] - w0[0], wx[1] - w0[1], wx[2] - w0[2]) / 10;
    const mmPerPxY = Math.hypot(wy[0] - w0[0], wy[1] - w0[1], wy[2] - w0[2]) / 10;
    const r = this.store.radiusMm;
    const color = tool === 'eraser' ? 'rgb(255,255,255)' : css(this.activeSegment()?.color ?? [255, 255, 0]);
    overlay.showCursor(canvas[0], canvas[1], r / mmPerPxX, r / mmPerPxY, color);
  }

  private cursorView: string | null = null;

  // --- after an edit ---------------------------------------------------------------------

  private finishEdit(edit: EditResult | null): void {
    if (this.other) {
      if (edit && edit.slices.length > 0) this.other.onEdited(edit.slices);
      this.other.redraw();
      this.publishHistory();
      return;
    }
    if (edit) for (const k of edit.slices) this.pending3d.add(k);
    if (edit && edit.slices.length > 0) this.onEdited?.(edit.slices);
    this.restoreSegmentsWithVoxels();
    this.redrawAll();
    this.publishStats();
    this.publishHistory();
  }

  /** Redraws the labelmap on every view (after undo, colour or visibility changes). */
  private redrawAll(): void {
    for (const overlay of this.sliceOverlays.values()) overlay.refresh();
    this.schedule3dRender();
  }

  private schedule3dRender(): void {
    if (!this.has3d) return;
    // In software WebGL one 3D frame takes seconds of the GPU process and stalls input; there
    // the reader updates the 3D view when they want it (button or "u").
    if (!this.store.auto3d) {
      if (this.pending3d.size > 0 && !this.store.view3dStale) this.store.set({ view3dStale: true });
      return;
    }
    if (this.render3dTimer) clearTimeout(this.render3dTimer);
    this.render3dTimer = setTimeout(() => {
      this.render3dTimer = null;
      if (this.stroke) return this.schedule3dRender();
      this.update3d();
    }, RENDER_3D_DELAY_MS);
  }

  /** Shows the latest edits in the 3D view. */
  update3d(): void {
    if (!this.has3d) return;
    this.display.markSlices(this.pending3d);
    this.pending3d.clear();
    this.store.set({ view3dStale: false });
    void this.mount3d().then(() => this.engine.getViewport(this.view3dId)?.render());
  }

  private scheduleStats(): void {
    if (this.statsTimer) return;
    this.statsTimer = setTimeout(() => {
      this.statsTimer = null;
      this.publishStats();
    }, STATS_INTERVAL_MS);
  }

  private publishStats(): void {
    const stats: Record<number, ReturnType<LabelmapEditor['stats']['summary']>> = {};
    for (const s of this.store.segments) stats[s.value] = this.editor.stats.summary(s.value);
    this.store.set({ stats });
  }

  private publishHistory(): void {
    const h = this.active.history;
    this.store.set({ canUndo: h.canUndo, canRedo: h.canRedo, undoLabel: h.nextUndoLabel, redoLabel: h.nextRedoLabel });
  }

  /** A deleted segment comes back to the list when undo brings its voxels back. */
  private restoreSegmentsWithVoxels(): void {
    if (this.removed.size === 0) return;
    const back: DraftSegment[] = [];
    for (const [value, seg] of this.removed) {
      if (this.editor.stats.summary(value).voxels > 0) {
        back.push(seg);
        this.removed.delete(value);
      }
    }
    if (back.length) this.store.set({ segments: [...this.store.segments, ...back].sort((a, b) => a.value - b.value) });
  }

  // --- commands --------------------------------------------------------------------------

  undo(): void {
    this.cancelStroke();
    this.finishEdit(this.active.undo());
  }

  redo(): void {
    this.cancelStroke();
    this.finishEdit(this.active.redo());
  }

  private cancelStroke(): void {
    if (this.stroke && this.active.editing) this.finishEdit(this.active.end());
    this.stroke = null;
  }

  setTool(tool: PaintTool): void {
    this.store.set({ tool, notice: null });
    if (!BRUSH_TOOLS.includes(tool)) for (const o of this.overlays.values()) o.hideCursor();
  }

  setActive(value: number): void {
    if (this.other) this.editOther(null);
    if (this.store.segments.some((s) => s.value === value)) this.store.set({ activeValue: value });
  }

  cycleActive(step: number): void {
    if (this.other) this.editOther(null);
    const { segments, activeValue } = this.store;
    if (segments.length === 0) return;
    const n = segments.findIndex((s) => s.value === activeValue);
    this.store.set({ activeValue: segments[(n + step + segments.length) % segments.length].value });
  }

  /** A new segment: a plain one with the study's new-segment codes, or one of the study's optional segments. */
  addSegment(label?: string, definition?: SegmentDefinition): void {
    const { segments } = this.store;
    const used = new Set([...segments.map((s) => s.value), ...this.removed.keys()]);
    let value = 1;
    while (used.has(value) && value < 256) value++;
    if (value > 255) {
      this.store.set({ notice: 'A labelmap holds at most 255 segments.' });
      return;
    }
    const color = definition?.color ?? EXTRA_COLORS[(value - 1) % EXTRA_COLORS.length];
    const segment: DraftSegment = {
      value,
      label: label ?? definition?.label ?? `Segment ${value}`,
      color,
      category: definition?.category ?? this.newSegmentConcepts.category,
      type: definition?.type ?? this.newSegmentConcepts.type,
      visible: true,
      locked: false,
    };
    this.display.setColor(value, color);
    setLabelColor(this.colors, value, color);
    this.store.set({ segments: [...segments, segment], activeValue: value });
    this.publishStats();
    this.onEdited?.([]);
  }

  private update(value: number, patch: Partial<DraftSegment>): void {
    this.store.set({ segments: this.store.segments.map((s) => (s.value === value ? { ...s, ...patch } : s)) });
    this.onEdited?.([]);
  }

  /** Replaces the whole labelmap and segment list (a result loaded from the server); undoable history starts afresh. */
  replaceLabelmap(labels: Uint8Array, segments: DraftSegment[]): void {
    if (this.other) this.editOther(null);
    this.editor.labelmap.data.set(labels);
    this.editor.history.clear();
    this.applyDraft(segments, segments[0]?.value ?? 1);
    this.redrawAll();
    this.publishHistory();
    // Saved locally as a draft too, like any edit; all slices, so old draft slices are cleared.
    this.onEdited?.(Array.from({ length: this.frame.dims[2] }, (_, k) => k));
  }

  /** Takes over a restored draft: its segment list, and statistics of the labelmap as restored. */
  applyDraft(segments: DraftSegment[], activeValue: number): void {
    this.store.set({ segments, activeValue: segments.some((s) => s.value === activeValue) ? activeValue : (segments[0]?.value ?? 0) });
    for (const s of segments) setLabelColor(this.colors, s.value, s.visible ? s.color : null);
    this.editor.stats.rebuild(this.editor.labelmap.data, this.hu);
    for (let k = 0; k < this.frame.dims[2]; k++) this.pending3d.add(k);
    this.publishStats();
    this.onLabelmapReplaced?.();
  }

  /**
   * Writes the given voxels into the active segment as one undoable edit under the paint rule
   * (locked segments and "paint only over empty voxels" hold): an accepted lesion suggestion.
   * Returns how many voxels changed.
   */
  paintVoxels(indices: ArrayLike<number>, label: string): number {
    if (this.other) this.editOther(null);
    const active = this.activeSegment();
    if (!active || active.locked) {
      this.store.set({ notice: active ? `"${active.label}" is locked: unlock it to edit.` : 'Add a segment to paint on.' });
      return 0;
    }
    this.cancelStroke();
    this.editor.begin(label, this.rule(false));
    this.editor.writeAll(indices);
    const edit = this.editor.end();
    this.finishEdit(edit);
    return edit.voxels;
  }

  rename(value: number, label: string): void {
    if (label.trim()) this.update(value, { label: label.trim() });
  }

  recolor(value: number, color: Rgb): void {
    this.update(value, { color });
    const seg = this.store.segments.find((s) => s.value === value);
    setLabelColor(this.colors, value, seg?.visible === false ? null : color);
    this.display.setColor(value, color);
    this.redrawAll();
  }

  setVisible(value: number, visible: boolean): void {
    this.update(value, { visible });
    const seg = this.store.segments.find((s) => s.value === value);
    setLabelColor(this.colors, value, visible && seg ? seg.color : null);
    this.display.setVisible(value, visible);
    this.redrawAll();
  }

  setLocked(value: number, locked: boolean): void {
    this.update(value, { locked });
  }

  deleteSegment(value: number): void {
    if (this.other) this.editOther(null);
    const seg = this.store.segments.find((s) => s.value === value);
    if (!seg) return;
    if (seg.locked) {
      this.store.set({ notice: `"${seg.label}" is locked: unlock it to delete it.` });
      return;
    }
    const labels = this.editor.labelmap.data;
    this.editor.begin(`Delete ${seg.label}`, { value: 0, eraseValue: value, locked: new Set(), emptyOnly: false });
    for (let n = 0; n < labels.length; n++) if (labels[n] === value) this.editor.write(n);
    const edit = this.editor.end();
    if (edit.voxels > 0) this.removed.set(value, seg);
    const segments = this.store.segments.filter((s) => s.value !== value);
    this.store.set({ segments, activeValue: segments.some((s) => s.value === this.store.activeValue) ? this.store.activeValue : (segments[0]?.value ?? 0) });
    this.finishEdit(edit);
    this.onEdited?.([]);
  }

  /** Fills the slices between painted slices of the active segment (along the last view used). */
  interpolate(axis: Axis = this.lastAxis): void {
    const active = this.activeSegment();
    if (!active) return;
    const { data, dims, spacing } = this.active.labelmap;
    const result = interpolateBetweenSlices(data, dims, spacing, active.value, axis);
    if (result.indices.length === 0) {
      this.store.set({ notice: 'Nothing to interpolate: paint the segment on two slices with empty slices between them.' });
      return;
    }
    this.active.begin('Interpolate', this.rule(false));
    this.active.writeAll(result.indices);
    const edit = this.active.end();
    this.store.set({ notice: `Interpolated ${result.filledSlices.length} slices (${edit.voxels.toLocaleString('en')} voxels).` });
    this.finishEdit(edit);
  }

  keepLargest(): void {
    const active = this.activeSegment();
    if (!active) return;
    const { data, dims } = this.active.labelmap;
    const indices = keepLargestComponent(data, dims, active.value);
    this.active.begin('Keep largest island', this.rule(true));
    this.active.writeAll(indices);
    const edit = this.active.end();
    this.store.set({ notice: `Removed ${edit.voxels.toLocaleString('en')} voxels outside the largest island.` });
    this.finishEdit(edit);
  }

  removeIslands(minVoxels: number): void {
    const active = this.activeSegment();
    if (!active) return;
    const { data, dims } = this.active.labelmap;
    const indices = smallIslands(data, dims, active.value, minVoxels);
    this.active.begin('Remove small islands', this.rule(true));
    this.active.writeAll(indices);
    const edit = this.active.end();
    this.store.set({ notice: `Removed ${edit.voxels.toLocaleString('en')} voxels in islands under ${minVoxels} voxels.` });
    this.finishEdit(edit);
  }

  destroy(): void {
    this.cleanups.forEach((f) => f());
    this.cleanups = [];
    for (const o of this.overlays.values()) o.destroy();
    for (const o of this.sliceOverlays.values()) o.destroy();
    if (this.statsTimer) clearTimeout(this.statsTimer);
    if (this.render3dTimer) clearTimeout(this.render3dTimer);
    this.display.destroy();
  }
}
