// The segment editor beside the views: tools and their settings, the segment list with live
// statistics, and undo/redo. Commands go to the open series' ContouringSession.
import { type ReactNode, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { DraftSegment } from '../../model/segment.ts';
import { THRESHOLD_PRESETS, useContouringStore, type PaintTool } from '../../stores/contouringStore.ts';
import type { ContouringSession } from '../contouringSession.ts';
import { toolLabel } from '../toolLabels.ts';
import type { SegmentSummary } from '../segmentStats.ts';
import { clampRadius, MAX_RADIUS_MM, MIN_RADIUS_MM } from '../shortcuts.ts';
import { HistogramPlot } from './HistogramPlot.tsx';

const TOOLS: Array<{ tool: PaintTool; key: string }> = [
  { tool: 'none', key: 'Esc' },
  { tool: 'brush', key: 'b' },
  { tool: 'eraser', key: 'e' },
  { tool: 'sphere', key: 's' },
  { tool: 'threshold', key: 't' },
  { tool: 'grow2d', key: 'g' },
  { tool: 'grow3d', key: 'G' },
  { tool: 'scissorsRect', key: 'x' },
  { tool: 'scissorsCircle', key: 'o' },
  { tool: 'scissorsLasso', key: 'l' },
];

function rgbHex(c: readonly number[]): string {
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function fmt(x: number | null, digits: number): string {
  return x === null ? '–' : x.toFixed(digits);
}

/** `read`: what the page puts above the editor for the read it owns (save state, import, submit). */
export function ContouringPanel({ session, read }: { session: () => ContouringSession | null; read: ReactNode }) {
  const s = useContouringStore(
    useShallow((st) => ({
      ready: st.ready, configError: st.configError, segments: st.segments, activeValue: st.activeValue, tool: st.tool, radiusMm: st.radiusMm,
      thresholdRange: st.thresholdRange, growToleranceHu: st.growToleranceHu, growMaxVoxels: st.growMaxVoxels, scissorsErase: st.scissorsErase,
      emptyOnly: st.emptyOnly, view3dStale: st.view3dStale, auto3d: st.auto3d, stats: st.stats, canUndo: st.canUndo, canRedo: st.canRedo, undoLabel: st.undoLabel, redoLabel: st.redoLabel, notice: st.notice,
    })),
  );
  const set = useContouringStore.getState().set;
  const [minIsland, setMinIsland] = useState(50);
  const run = (f: (c: ContouringSession) => void) => {
    const c = session();
    if (c) f(c);
  };
  // The study's optional segments not in the read yet (matched by type, as a renamed one still is that lobe).
  const optional = (session()?.optionalSegments ?? []).filter((d) => !s.segments.some((seg) => seg.type.value === d.type.value && seg.type.scheme === d.type.scheme));

  if (s.configError) {
    return <aside className="contour-panel" data-testid="contour-panel"><p className="error-text" role="alert">Segments unavailable: {s.configError}</p></aside>;
  }
  if (!s.ready) {
    return <aside className="contour-panel" data-testid="contour-panel"><p className="muted">Contouring opens once the series has loaded.</p></aside>;
  }
  const isBrush = s.tool === 'brush' || s.tool === 'eraser' || s.tool === 'sphere' || s.tool === 'threshold';
  const isGrow = s.tool === 'grow2d' || s.tool === 'grow3d';
  const isScissors = s.tool.startsWith('scissors');

  return (
    <aside className="contour-panel" data-testid="contour-panel" aria-label="Segment editor">
      {read}
      <section className="tool-grid" role="toolbar" aria-label="Contouring tools">
        {TOOLS.map(({ tool, key }) => (
          <button key={tool} aria-pressed={s.tool === tool} data-tool={tool} onClick={() => run((c) => c.setTool(tool))} title={`${toolLabel(tool)} (${key})`}>
            {toolLabel(tool)}
          </button>
        ))}
      </section>

      <section className="tool-options">
        {isBrush && (
          <label>
            Radius <input type="range" min={MIN_RADIUS_MM} max={MAX_RADIUS_MM} step={0.5} value={s.radiusMm} onChange={(e) => set({ radiusMm: clampRadius(Number(e.target.value)) })} aria-label="Brush radius in mm" />
            <output data-testid="brush-radius">{s.radiusMm} mm</output>
          </label>
        )}
        {s.tool === 'threshold' && (
          <div className="threshold">
            {THRESHOLD_PRESETS.map((p) => (
              <button key={p.id} aria-pressed={s.thresholdRange[0] === p.range[0] && s.thresholdRange[1] === p.range[1]} onClick={() => set({ thresholdRange: p.range })}>
                {p.label} {p.range[0]}…{p.range[1]}
              </button>
            ))}
            <label>HU from <input type="number" value={s.thresholdRange[0]} onChange={(e) => set({ thresholdRange: [Number(e.target.value), s.thresholdRange[1]] })} aria-label="Lowest HU" /></label>
            <label>to <input type="number" value={s.thresholdRange[1]} onChange={(e) => set({ thresholdRange: [s.thresholdRange[0], Number(e.target.value)] })} aria-label="Highest HU" /></label>
          </div>
        )}
        {isGrow && (
          <div>
            <label>Tolerance ± <input type="number" min={0} max={2000} value={s.growToleranceHu} onChange={(e) => set({ growToleranceHu: Math.max(0, Number(e.target.value)) })} aria-label="Tolerance in HU" /> HU</label>
            <label>Limit <input type="number" min={1000} step={10000} value={s.growMaxVoxels} onChange={(e) => set({ growMaxVoxels: Math.max(1, Number(e.target.value)) })} aria-label="Most voxels one click fills" /> voxels</label>
          </div>
        )}
        {isScissors && (
          <label><input type="checkbox" checked={s.scissorsErase} onChange={(e) => set({ scissorsErase: e.target.checked })} /> Erase inside (else fill)</label>
        )}
        <label title="Painting never changes voxels that belong to another segment">
          <input type="checkbox" checked={s.emptyOnly} onChange={(e) => set({ emptyOnly: e.target.checked })} data-testid="empty-only" /> Paint only over empty voxels
        </label>
      </section>

      <section className="history" aria-label="Undo">
        <button disabled={!s.canUndo} onClick={() => run((c) => c.undo())} title={s.undoLabel ? `Undo ${s.undoLabel} (Ctrl+Z)` : 'Undo (Ctrl+Z)'} data-testid="undo">↶ Undo</button>
        <button disabled={!s.canRedo} onClick={() => run((c) => c.redo())} title={s.redoLabel ? `Redo ${s.redoLabel} (Ctrl+Shift+Z)` : 'Redo (Ctrl+Shift+Z)'} data-testid="redo">↷ Redo</button>
      </section>

      {!s.auto3d && (
        <p className="view3d-state">
          <button onClick={() => run((c) => c.update3d())} disabled={!s.view3dStale} data-testid="update-3d" title="Show the latest edits in the 3D view (u)">Update 3D</button>{' '}
          {s.view3dStale ? 'The 3D view is behind your edits.' : '3D view up to date.'} <span className="muted">Software WebGL: the 3D view redraws on request.</span>
        </p>
      )}

      {s.notice && <p className="notice" role="status" data-testid="contour-notice">{s.notice}</p>}

      <section className="segments" aria-label="Segments">
        <ul>
          {s.segments.map((seg) => (
            <SegmentRow key={seg.value} seg={seg} active={seg.value === s.activeValue} stats={s.stats[seg.value]} run={run} />
          ))}
        </ul>
        <button onClick={() => run((c) => c.addSegment())} data-testid="add-segment">+ Add segment</button>
        {optional.length > 0 && (
          <select
            value=""
            aria-label="Add an anatomy segment"
            data-testid="add-optional-segment"
            title="Lobes drawn as segments give the lobar score in the Quantification panel; they count as anatomy, not lesion"
            onChange={(e) => {
              const def = optional.find((d) => d.label === e.target.value);
              if (def) run((c) => c.addSegment(undefined, def));
            }}
          >
            <option value="">+ Add lobe…</option>
            {optional.map((d) => <option key={d.label} value={d.label}>{d.label}</option>)}
          </select>
        )}
      </section>

      <section className="segment-ops" aria-label="Active segment operations">
        <button onClick={() => run((c) => c.interpolate())} title="Fill the slices between painted slices (i)">Interpolate slices</button>
        <button onClick={() => run((c) => c.keepLargest())} title="Keep the largest connected island (3D, 26-connected)">Keep largest island</button>
        <span className="islands">
          <button onClick={() => run((c) => c.removeIslands(minIsland))}>Remove islands under</button>
          <input type="number" min={1} value={minIsland} onChange={(e) => setMinIsland(Math.max(1, Number(e.target.value)))} aria-label="Smallest island kept, in voxels" /> voxels
        </span>
      </section>
    </aside>
  );
}

function SegmentRow({ seg, active, stats, run }: { seg: DraftSegment; active: boolean; stats: SegmentSummary | undefined; run: (f: (c: ContouringSession) => void) => void }) {
  const color = rgbHex(seg.color);
  return (
    <li className={active ? 'segment active' : 'segment'} data-segment={seg.value} aria-current={active ? 'true' : undefined} onClick={() => run((c) => c.setActive(seg.value))}>
      <div className="segment-head">
        <input type="color" value={color} onChange={(e) => run((c) => c.recolor(seg.value, hexRgb(e.target.value)))} aria-label={`Colour of ${seg.label}`} onClick={(e) => e.stopPropagation()} />
        <input className="segment-name" defaultValue={seg.label} aria-label="Segment name" onBlur={(e) => run((c) => c.rename(seg.value, e.target.value))} onKeyDown={(e) => { if (e.key === 'Enter' || e.key === 'Escape') e.currentTarget.blur(); }} />
        <button aria-pressed={!seg.visible} title={seg.visible ? 'Hide' : 'Show'} onClick={(e) => { e.stopPropagation(); run((c) => c.setVisible(seg.value, !seg.visible)); }} data-testid="toggle-visible">{seg.visible ? 'Hide' : 'Show'}</button>
        <button aria-pressed={seg.locked} title={seg.locked ? 'Unlock' : 'Lock: never changed by any tool'} onClick={(e) => { e.stopPropagation(); run((c) => c.setLocked(seg.value, !seg.locked)); }} data-testid="toggle-lock">{seg.locked ? 'Locked' : 'Lock'}</button>
        <button title="Delete segment (undoable)" onClick={(e) => { e.stopPropagation(); run((c) => c.deleteSegment(seg.value)); }} data-testid="delete-segment">✕</button>
      </div>
      {stats && (
        <div className="segment-stats" data-testid={`stats-${seg.value}`} data-voxels={stats.voxels} data-volume-ml={stats.volumeMl.toFixed(3)}>
          <span>{stats.voxels.toLocaleString('en')} vox</span>
          <span>{stats.volumeMl.toFixed(2)} mL</span>
          <span>{fmt(stats.meanHu, 0)} ± {fmt(stats.sdHu, 0)} HU</span>
          {stats.voxels > 0 && <HistogramPlot histogram={stats.histogram} color={color} label={seg.label} />}
        </div>
      )}
    </li>
  );
}
