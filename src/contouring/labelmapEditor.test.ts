import { describe, expect, it } from 'vitest';
import { LabelmapEditor } from './labelmapEditor.ts';
import type { PaintRule } from './paintRule.ts';
import { EditHistory } from './editHistory.ts';

function editor(n = 4 * 4 * 3) {
  const data = new Uint8Array(n);
  const hu = new Int16Array(n).map((_, i) => -1000 + i * 20);
  return new LabelmapEditor({ data, dims: [4, 4, 3], spacing: [1, 1, 2] }, hu);
}
const paint = (value: number, locked: number[] = [], emptyOnly = false): PaintRule => ({ value, eraseValue: value, locked: new Set(locked), emptyOnly });
const erase = (value: number, locked: number[] = []): PaintRule => ({ value: 0, eraseValue: value, locked: new Set(locked), emptyOnly: false });

describe('labelmap editor', () => {
  it('undo restores the labelmap byte for byte and redo brings the edit back', () => {
    const e = editor();
    const snapshots = [Uint8Array.from(e.labelmap.data)];
    e.begin('a', paint(1));
    e.writeAll([0, 1, 2, 17, 40]);
    e.end();
    snapshots.push(Uint8Array.from(e.labelmap.data));
    e.begin('b', paint(2));
    e.writeAll([2, 3, 17, 33]);
    e.end();
    snapshots.push(Uint8Array.from(e.labelmap.data));
    e.begin('c', erase(1));
    e.writeAll([0, 2, 40, 41]);
    const result = e.end();
    expect(result.voxels).toBe(2);
    expect(result.slices.sort()).toEqual([0, 2]);
    const final = Uint8Array.from(e.labelmap.data);
    e.undo();
    expect(e.labelmap.data).toEqual(snapshots[2]);
    e.undo();
    e.undo();
    expect(e.labelmap.data).toEqual(snapshots[0]);
    expect(e.stats.summary(1).voxels).toBe(0);
    expect(e.undo()).toBeNull();
    e.redo();
    e.redo();
    e.redo();
    expect(e.labelmap.data).toEqual(final);
    expect(e.stats.summary(2).voxels).toBe(4);
  });

  it('locked segments are never overwritten or erased, and "empty only" keeps other segments', () => {
    const e = editor();
    e.begin('a', paint(1));
    e.writeAll([0, 1]);
    e.end();
    e.begin('b', paint(2, [1]));
    e.writeAll([0, 1, 2]);
    e.end();
    expect(Array.from(e.labelmap.data.slice(0, 3))).toEqual([1, 1, 2]);
    e.begin('c', erase(1, [1]));
    e.writeAll([0, 1]);
    expect(e.end().voxels).toBe(0);
    e.begin('d', paint(3, [], true));
    e.writeAll([0, 2, 3]);
    e.end();
    expect(Array.from(e.labelmap.data.slice(0, 4))).toEqual([1, 1, 2, 3]);
    e.begin('e', paint(3, [3]));
    e.writeAll([5, 6]);
    expect(e.end().voxels).toBe(0);
  });

  it('the eraser removes only the active segment', () => {
    const e = editor();
    e.begin('a', paint(1));
    e.writeAll([0]);
    e.end();
    e.begin('b', paint(2));
    e.writeAll([1]);
    e.end();
    e.begin('c', erase(2));
    e.writeAll([0, 1]);
    e.end();
    expect(Array.from(e.labelmap.data.slice(0, 2))).toEqual([1, 0]);
  });

  it('an HU range limits the edit to voxels inside it', () => {
    const e = editor();
    e.begin('t', paint(1), [-960, -900]);
    e.writeAll([0, 1, 2, 3, 4, 5, 6]);
    e.end();
    // HU of voxel n is -1000 + 20n: -960 … -900 are n = 2 … 5.
    expect(Array.from(e.labelmap.data.slice(0, 7))).toEqual([0, 0, 1, 1, 1, 1, 0]);
  });

  it('history keeps at most its step count and byte budget, dropping the oldest', () => {
    const h = new EditHistory(50, 1000);
    const step = (voxels: number) => ({ label: 's', voxels, deltas: [] });
    for (let n = 0; n < 60; n++) h.push(step(1));
    expect(h.undoDepth).toBe(50);
    expect(h.heldBytes).toBe(50 * 6);
    h.push(step(150));
    expect(h.heldBytes).toBeLessThanOrEqual(1000);
    h.takeUndo();
    expect(h.canRedo).toBe(true);
    h.push(step(1));
    expect(h.canRedo).toBe(false);
  });
});
