// Undo/redo for labelmap edits. A step keeps only the voxels it changed, grouped by axial slice
// (offset in the slice, value before, value after): memory follows the size of the edits, not of
// the volume, and old steps are dropped beyond a step count or a byte budget.
export interface SliceDelta {
  /** Axial slice index. */
  k: number;
  offsets: Uint32Array;
  before: Uint8Array;
  after: Uint8Array;
}

export interface EditStep {
  label: string;
  deltas: SliceDelta[];
  voxels: number;
}

export const BYTES_PER_CHANGED_VOXEL = 6;

export function stepBytes(step: EditStep): number {
  return step.voxels * BYTES_PER_CHANGED_VOXEL;
}

/** Collects the voxels an edit changes, before it is sealed into a step. */
export class ChangeRecorder {
  private indices = new Uint32Array(4096);
  private before = new Uint8Array(4096);
  length = 0;

  record(index: number, previous: number): void {
    if (this.length === this.indices.length) {
      const grownIdx = new Uint32Array(this.indices.length * 2);
      grownIdx.set(this.indices);
      this.indices = grownIdx;
      const grownBefore = new Uint8Array(this.before.length * 2);
      grownBefore.set(this.before);
      this.before = grownBefore;
    }
    this.indices[this.length] = index;
    this.before[this.length] = previous;
    this.length++;
  }

  /**
   * Seals the edit into per-slice deltas; `labels` holds the values after the edit. A voxel is
   * recorded once per edit (every tool writes one value per edit), so no de-duplication is needed.
   */
  seal(label: string, labels: Uint8Array, slicePlane: number): EditStep {
    const n = this.length;
    const order = new Uint32Array(n);
    for (let m = 0; m < n; m++) order[m] = m;
    const idx = this.indices;
    order.sort((a, b) => idx[a] - idx[b]);
    const deltas: SliceDelta[] = [];
    let m = 0;
    while (m < n) {
      const k = Math.floor(idx[order[m]] / slicePlane);
      const base = k * slicePlane;
      let end = m;
      while (end < n && idx[order[end]] < base + slicePlane) end++;
      const count = end - m;
      const offsets = new Uint32Array(count);
      const before = new Uint8Array(count);
      const after = new Uint8Array(count);
      for (let c = 0; c < count; c++) {
        const o = order[m + c];
        offsets[c] = idx[o] - base;
        before[c] = this.before[o];
        after[c] = labels[idx[o]];
      }
      deltas.push({ k, offsets, before, after });
      m = end;
    }
    return { label, deltas, voxels: n };
  }
}

export class EditHistory {
  private undoStack: EditStep[] = [];
  private redoStack: EditStep[] = [];
  private bytes = 0;

  constructor(
    readonly maxSteps = 100,
    readonly maxBytes = 256 * 1024 * 1024,
  ) {}

  push(step: EditStep): void {
    if (step.voxels === 0) return;
    this.undoStack.push(step);
    this.bytes += stepBytes(step);
    for (const s of this.redoStack) this.bytes -= stepBytes(s);
    this.redoStack = [];
    while (this.undoStack.length > this.maxSteps || (this.bytes > this.maxBytes && this.undoStack.length > 1)) {
      this.bytes -= stepBytes(this.undoStack.shift()!);
    }
  }

  takeUndo(): EditStep | null {
    const step = this.undoStack.pop();
    if (!step) return null;
    this.redoStack.push(step);
    return step;
  }

  takeRedo(): EditStep | null {
    const step = this.redoStack.pop();
    if (!step) return null;
    this.undoStack.push(step);
    return step;
  }

  clear(): void {
    this.undoStack = [];
    this.redoStack = [];
    this.bytes = 0;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }
  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }
  get undoDepth(): number {
    return this.undoStack.length;
  }
  /** Bytes held by the voxel deltas of all steps (undo and redo). */
  get heldBytes(): number {
    return this.bytes;
  }
  get nextUndoLabel(): string | null {
    return this.undoStack.at(-1)?.label ?? null;
  }
  get nextRedoLabel(): string | null {
    return this.redoStack.at(-1)?.label ?? null;
  }
}

/** Writes one side of a step back into the labelmap; returns the axial slices it touched. */
export function applyStep(labels: Uint8Array, step: EditStep, side: 'before' | 'after', slicePlane: number, onVoxel?: (index: number, from: number, to: number) => void): number[] {
  for (const d of step.deltas) {
    const base = d.k * slicePlane;
    const values = d[side];
    const other = side === 'before' ? d.after : d.before;
    for (let c = 0; c < d.offsets.length; c++) {
      const index = base + d.offsets[c];
      labels[index] = values[c];
      onVoxel?.(index, other[c], values[c]);
    }
  }
  return step.deltas.map((d) => d.k);
}
