// The viewer's keyboard shortcuts: one table drives both the key handler and the help overlay.
import type { PaintTool } from '../stores/contouringStore.ts';

export type ShortcutCommand =
  | { kind: 'tool'; tool: PaintTool }
  | { kind: 'preset'; index: number }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'radius'; deltaMm: number }
  | { kind: 'segment'; step: number }
  | { kind: 'selectSegment'; index: number }
  | { kind: 'toggleVisible' }
  | { kind: 'interpolate' }
  | { kind: 'update3d' }
  | { kind: 'crosshairs' }
  | { kind: 'reset' }
  | { kind: 'help' }
  | { kind: 'escape' };

export const SHORTCUTS: Array<{ keys: string; action: string }> = [
  { keys: 'b', action: 'Brush' },
  { keys: 'e', action: 'Eraser (active segment only)' },
  { keys: 's', action: '3D sphere brush' },
  { keys: 't', action: 'HU-threshold brush' },
  { keys: 'g / Shift+G', action: 'Region growing on this slice / in 3D' },
  { keys: 'x / o / l', action: 'Scissors: rectangle / circle / lasso' },
  { keys: 'Esc', action: 'Put the tool down (navigate: window/level)' },
  { keys: '[ / ]', action: 'Brush radius −1 / +1 mm (with Shift: 5 mm)' },
  { keys: 'n / Shift+N', action: 'Next / previous segment' },
  { keys: 'Alt+1 … Alt+9', action: 'Select segment 1 … 9' },
  { keys: 'h', action: 'Hide / show the active segment' },
  { keys: 'i', action: 'Interpolate between painted slices' },
  { keys: 'u', action: 'Update the 3D view (when it redraws on request)' },
  { keys: 'Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y)', action: 'Undo / redo' },
  { keys: '1 / 2 / 3', action: 'Window: lung / mediastinum / bone' },
  { keys: 'c', action: 'Crosshairs' },
  { keys: 'r', action: 'Reset the views' },
  { keys: '↑ ↓ / wheel', action: 'Previous / next slice' },
  { keys: 'Right drag / middle drag', action: 'Zoom / pan' },
  { keys: '?', action: 'This help' },
];

/** The command a key press stands for, or null. */
export function commandForKey(e: { key: string; code?: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }): ShortcutCommand | null {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key;
  if (mod && (key === 'z' || key === 'Z')) return e.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
  if (mod && (key === 'y' || key === 'Y')) return { kind: 'redo' };
  if (mod) return null;
  // Alt+digit types other characters on some layouts: read the physical key.
  if (e.altKey && e.code && /^Digit[1-9]$/.test(e.code)) return { kind: 'selectSegment', index: Number(e.code.slice(5)) - 1 };
  if (e.altKey) return null;
  switch (key) {
    case 'b': return { kind: 'tool', tool: 'brush' };
    case 'e': return { kind: 'tool', tool: 'eraser' };
    case 's': return { kind: 'tool', tool: 'sphere' };
    case 't': return { kind: 'tool', tool: 'threshold' };
    case 'g': return { kind: 'tool', tool: 'grow2d' };
    case 'G': return { kind: 'tool', tool: 'grow3d' };
    case 'x': return { kind: 'tool', tool: 'scissorsRect' };
    case 'o': return { kind: 'tool', tool: 'scissorsCircle' };
    case 'l': return { kind: 'tool', tool: 'scissorsLasso' };
    case 'Escape': return { kind: 'escape' };
    case '[': return { kind: 'radius', deltaMm: -1 };
    case ']': return { kind: 'radius', deltaMm: 1 };
    case '{': return { kind: 'radius', deltaMm: -5 };
    case '}': return { kind: 'radius', deltaMm: 5 };
    case 'n': return { kind: 'segment', step: 1 };
    case 'N': return { kind: 'segment', step: -1 };
    case 'h': return { kind: 'toggleVisible' };
    case 'i': return { kind: 'interpolate' };
    case 'u': return { kind: 'update3d' };
    case 'c': return { kind: 'crosshairs' };
    case 'r': return { kind: 'reset' };
    case '?': return { kind: 'help' };
    case '1': case '2': case '3': return { kind: 'preset', index: Number(key) - 1 };
    default: return null;
  }
}

export const MIN_RADIUS_MM = 0.5;
export const MAX_RADIUS_MM = 50;

export function clampRadius(mm: number): number {
  return Math.min(MAX_RADIUS_MM, Math.max(MIN_RADIUS_MM, Math.round(mm * 2) / 2));
}
