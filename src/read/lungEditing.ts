// The reader's corrections of the automatic lung masks: every contouring tool (brush, eraser,
// threshold brush, sphere, scissors, region growing, islands, interpolation), undo and redo
// pointed at the lung mask instead of the read's labelmap (ContouringSession.editOther), one
// lung at a time. The mask is its own labelmap (a voxel of the read's labelmap holds one label:
// a lesion painted over a lung segment would take it out of the lung), with its own undo
// history; each changed voxel moves the involvement counts (InvolvementTracker.lungChanged) and
// the edited mask is kept on this device with the draft, a second after the last edit.
import type { ContouringSession, OtherEditTarget } from '../contouring/contouringSession.ts';
import { LabelmapEditor } from '../contouring/labelmapEditor.ts';
import type { Rgb } from '../model/color.ts';
import { LUNG, type CtVolume } from '../quant/ctVolume.ts';
import type { InvolvementTracker } from '../quant/involvementTracker.ts';

const SAVE_AFTER_MS = 1000;

export type LungSide = typeof LUNG.right | typeof LUNG.left;

export interface LungEditingHooks {
  /** redraw the lung overlay (shown while editing) */
  redraw: () => void;
  /** the counts moved: publish the figures */
  changed: () => void;
  /** keep the edited mask on this device */
  save: () => void;
  /** the tools went back to the read's segments */
  left: () => void;
}

export class LungEditing {
  private readonly editor: LabelmapEditor;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  side: LungSide | null = null;

  constructor(
    private readonly session: ContouringSession,
    lungs: Uint8Array,
    ct: CtVolume,
    tracker: InvolvementTracker,
    private readonly colors: Record<LungSide, Rgb>,
    private readonly hooks: LungEditingHooks,
  ) {
    this.editor = new LabelmapEditor({ data: lungs, dims: ct.dims, spacing: ct.spacing }, ct.hu);
    this.editor.onVoxelChanged = (index, from, to) => tracker.lungChanged(index, from, to);
  }

  /** The tools edit this lung from now on; null: the read's segments again. */
  edit(side: LungSide | null): void {
    if (side === null) {
      this.session.editOther(null);
      return;
    }
    this.side = side;
    const target: OtherEditTarget = {
      editor: this.editor,
      value: side,
      label: side === LUNG.right ? 'Right lung' : 'Left lung',
      color: this.colors[side],
      redraw: () => this.hooks.redraw(),
      onEdited: () => {
        this.hooks.changed();
        if (this.saveTimer !== null) clearTimeout(this.saveTimer);
        this.saveTimer = setTimeout(() => this.flush(), SAVE_AFTER_MS);
      },
      onLeave: () => {
        this.side = null;
        this.flush();
        this.hooks.left();
      },
    };
    this.session.editOther(target);
  }

  /** Saves now what waits for the timer (leaving the editing, closing the read). */
  flush(): void {
    if (this.saveTimer === null) return;
    clearTimeout(this.saveTimer);
    this.saveTimer = null;
    this.hooks.save();
  }

  destroy(): void {
    if (this.side !== null) this.session.editOther(null);
    this.flush();
    this.editor.onVoxelChanged = null;
  }
}
