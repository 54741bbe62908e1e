import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ContouringSession, OtherEditTarget } from '../contouring/contouringSession.ts';
import { LUNG, type CtVolume } from '../quant/ctVolume.ts';
import { measureInvolvement } from '../quant/involvement.ts';
import { InvolvementTracker } from '../quant/involvementTracker.ts';
import { LungEditing } from './lungEditing.ts';

// The contouring session is a fake here (it needs Cornerstone's views): it only holds the target
// the tools would write, as ContouringSession.editOther does, and leaves it as setActive does.
function fakeSession() {
  const s = {
    target: null as OtherEditTarget | null,
    editOther(t: OtherEditTarget | null) {
      const left = s.target;
      s.target = t;
      if (left && left !== t) left.onLeave();
    },
  };
  return s;
}

function grid(): { ct: CtVolume; lungs: Uint8Array; labels: Uint8Array } {
  const dims: [number, number, number] = [8, 8, 6];
  const n = 8 * 8 * 6;
  const lungs = new Uint8Array(n);
  const labels = new Uint8Array(n);
  for (let p = 0; p < n; p++) lungs[p] = p % 8 < 4 ? LUNG.right : LUNG.left;
  labels[1] = 1;
  labels[2] = 1;
  return { ct: { dims, spacing: [1, 1, 2], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], hu: new Int16Array(n) }, lungs, labels };
}

afterEach(() => vi.useRealTimers());

describe('LungEditing (fake contouring session)', () => {
  it('points the tools at one lung: erasing moves the lung volume and involvement, undo restores them, the mask is saved a second after the last edit', () => {
    vi.useFakeTimers();
    const { ct, lungs, labels } = grid();
    const original = lungs.slice();
    const tracker = new InvolvementTracker(lungs, labels, [1], ct.dims, ct.spacing, ct.direction);
    const session = fakeSession();
    const hooks = { redraw: vi.fn(), changed: vi.fn(), save: vi.fn(), left: vi.fn() };
    const editing = new LungEditing(session as unknown as ContouringSession, lungs, ct, tracker, { [LUNG.right]: [0, 200, 0], [LUNG.left]: [200, 0, 200] }, hooks);
    editing.edit(LUNG.right);
    const target = session.target!;
    expect(target.value).toBe(LUNG.right);
    expect(target.label).toBe('Right lung');

    // The eraser as the session runs it: the target's rule erases only the right lung's value.
    target.editor.begin('Eraser', { value: 0, eraseValue: target.value, locked: new Set(), emptyOnly: false });
    for (const p of [1, 2, 3, 4, 5]) target.editor.write(p);
    const edit = target.editor.end();
    target.onEdited(edit.slices);
    expect(edit.voxels).toBe(3); // 1, 2, 3 were right lung; 4 and 5 left lung, not erased
    const expected = measureInvolvement(lungs, labels, [1], ct.dims, ct.spacing, ct.direction);
    expect(tracker.snapshot()).toEqual(expected);
    expect(tracker.snapshot().lungs.right_ml).toBeCloseTo(((8 * 8 * 6) / 2 - 3) * 0.002, 9);
    expect(hooks.changed).toHaveBeenCalledTimes(1);
    expect(hooks.save).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(hooks.save).toHaveBeenCalledTimes(1);

    target.onEdited(target.editor.undo()!.slices);
    expect(lungs).toEqual(original);
    expect(tracker.snapshot()).toEqual(measureInvolvement(original, labels, [1], ct.dims, ct.spacing, ct.direction));

    // Leaving (the reader picked a segment): what waits is saved at once, the page is told.
    session.editOther(null);
    expect(hooks.left).toHaveBeenCalledTimes(1);
    expect(hooks.save).toHaveBeenCalledTimes(2);
    expect(editing.side).toBeNull();
  });
});
