import { describe, expect, it } from 'vitest';
import { clampRadius, commandForKey, SHORTCUTS } from './shortcuts.ts';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean; altKey: boolean; code: string }> = {}) =>
  commandForKey({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe('keyboard shortcuts', () => {
  it('maps keys to commands', () => {
    expect(key('b')).toEqual({ kind: 'tool', tool: 'brush' });
    expect(key('G', { shiftKey: true })).toEqual({ kind: 'tool', tool: 'grow3d' });
    expect(key('z', { ctrlKey: true })).toEqual({ kind: 'undo' });
    expect(key('Z', { ctrlKey: true, shiftKey: true })).toEqual({ kind: 'redo' });
    expect(key('¡', { altKey: true, code: 'Digit2' })).toEqual({ kind: 'selectSegment', index: 1 });
    expect(key('2')).toEqual({ kind: 'preset', index: 1 });
    expect(key('b', { ctrlKey: true })).toBeNull();
    expect(key('q')).toBeNull();
  });

  it('every key in the help is one the handler knows', () => {
    for (const s of SHORTCUTS) expect(s.action.length).toBeGreaterThan(0);
    expect(SHORTCUTS.some((s) => s.keys === '?')).toBe(true);
  });

  it('keeps the brush radius in range', () => {
    expect(clampRadius(0)).toBe(0.5);
    expect(clampRadius(80)).toBe(50);
    expect(clampRadius(10.3)).toBe(10.5);
  });
});
