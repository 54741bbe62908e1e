// Applies edits to a labelmap under the paint rule, keeping undo history and segment statistics
// in step with every voxel that changes. The only writer of the labelmap's bytes.
import { applyStep, ChangeRecorder, EditHistory, type EditStep } from './editHistory.ts';
import { ruledValue, type PaintRule } from './paintRule.ts';
import { SegmentStats } from './segmentStats.ts';
import type { Labelmap, VoxelBox } from './labelmapGrid.ts';

export interface EditResult {
  /** Axial slices whose labels changed. */
  slices: number[];
  voxels: number;
}

export class LabelmapEditor {
  readonly history = new EditHistory();
  readonly stats: SegmentStats;
  private readonly plane: number;
  private recorder: ChangeRecorder | null = null;
  private rule: PaintRule | null = null;
  private huRange: readonly [number, number] | null = null;
  private label = '';
  private readonly boxLo: [number, number, number] = [Infinity, Infinity, Infinity];
  private readonly boxHi: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  /**
   * Told every voxel that changes (index, label before, label after), as the statistics are:
   * for figures kept live from the changed voxels only (the read's involvement of the lungs).
   */
  onVoxelChanged: ((index: number, from: number, to: number) => void) | null = null;

  constructor(
    readonly labelmap: Labelmap,
    private readonly hu: Int16Array,
  ) {
    const [sx, sy, sz] = labelmap.spacing;
    this.stats = new SegmentStats((sx * sy * sz) / 1000);
    this.plane = labelmap.dims[0] * labelmap.dims[1];
  }

  get editing(): boolean {
    return this.recorder !== null;
  }

  /** Starts an edit (one undo step). `huRange` restricts it to voxels whose HU lies in it. */
  begin(label: string, rule: PaintRule, huRange: readonly [number, number] | null = null): void {
    if (this.recorder) this.end();
    this.recorder = new ChangeRecorder();
    this.rule = rule;
    this.huRange = huRange;
    this.label = label;
  }

  /** Offers one voxel to the current edit; returns whether it changed. */
  readonly write = (index: number): boolean => {
    const rule = this.rule!;
    const labels = this.labelmap.data;
    const current = labels[index];
    const next = ruledValue(rule, current);
    if (next < 0) return false;
    const hu = this.hu[index];
    if (this.huRange && (hu < this.huRange[0] || hu > this.huRange[1])) return false;
    labels[index] = next;
    this.recorder!.record(index, current);
    this.stats.move(hu, current, next);
    this.onVoxelChanged?.(index, current, next);
    const k = (index / this.plane) | 0;
    const nx = this.labelmap.dims[0];
    const r = index - k * this.plane;
    const j = (r / nx) | 0;
    const i = r - j * nx;
    const lo = this.boxLo;
    const hi = this.boxHi;
    if (i < lo[0]) lo[0] = i;
    if (i > hi[0]) hi[0] = i;
    if (j < lo[1]) lo[1] = j;
    if (j > hi[1]) hi[1] = j;
    if (k < lo[2]) lo[2] = k;
    if (k > hi[2]) hi[2] = k;
    return true;
  };

  /** The box of voxels changed since the last call, or null (to redraw only that much). */
  takeDirtyBox(): VoxelBox | null {
    if (this.boxLo[0] === Infinity) return null;
    const box = { lo: [...this.boxLo] as [number, number, number], hi: [...this.boxHi] as [number, number, number] };
    this.boxLo.fill(Infinity);
    this.boxHi.fill(-Infinity);
    return box;
  }

  writeAll(indices: ArrayLike<number>): void {
    for (let n = 0; n < indices.length; n++) this.write(indices[n]);
  }

  /** Seals the edit into an undo step. */
  end(): EditResult {
    const recorder = this.recorder;
    this.recorder = null;
    this.rule = null;
    if (!recorder) return { slices: [], voxels: 0 };
    const step = recorder.seal(this.label, this.labelmap.data, this.plane);
    this.history.push(step);
    this.takeDirtyBox();
    return { slices: step.deltas.map((d) => d.k), voxels: step.voxels };
  }

  undo(): EditResult | null {
    if (this.recorder) this.end();
    const step = this.history.takeUndo();
    return step ? this.replay(step, 'before') : null;
  }

  redo(): EditResult | null {
    if (this.recorder) this.end();
    const step = this.history.takeRedo();
    return step ? this.replay(step, 'after') : null;
  }

  private replay(step: EditStep, side: 'before' | 'after'): EditResult {
    const hu = this.hu;
    const slices = applyStep(this.labelmap.data, step, side, this.plane, (index, from, to) => {
      this.stats.move(hu[index], from, to);
      this.onVoxelChanged?.(index, from, to);
    });
    return { slices, voxels: step.voxels };
  }
}
