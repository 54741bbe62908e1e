// The reading layout for one series: three MPR views, a 3D view, toolbar, progress and readout.
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useViewerStore } from '../stores/viewerStore.ts';
import { useRouteStore } from '../stores/routeStore.ts';
import { SeriesViewer, type ViewerElements } from './seriesViewer.ts';
import { WINDOW_PRESETS } from './windowPresets.ts';
import { MPR_VIEWPORTS } from './viewportLayout.ts';
import { LoadProgress } from './LoadProgress.tsx';
import { ReadoutBar } from './ReadoutBar.tsx';

declare global {
  interface Window {
    __ctawViewer?: SeriesViewer;
  }
}

export function ViewerPage({ studyUid, seriesUid }: { studyUid: string; seriesUid: string }) {
  const refs = useRef<Partial<ViewerElements>>({});
  const viewerRef = useRef<SeriesViewer | null>(null);
  const [attempt, setAttempt] = useState(0);
  const navigate = useRouteStore((s) => s.navigate);
  // Only what this page draws: the readout changes on every mouse move and must not re-render it.
  const { phase, message, warnings, seriesLabel, windowLabel, leftTool, sliceLabels, rendering, framesLoaded } = useViewerStore(
    useShallow((s) => ({ phase: s.phase, message: s.message, warnings: s.warnings, seriesLabel: s.seriesLabel, windowLabel: s.windowLabel, leftTool: s.leftTool, sliceLabels: s.sliceLabels, rendering: s.rendering, framesLoaded: s.framesLoaded })),
  );

  useEffect(() => {
    const viewer = new SeriesViewer(refs.current as ViewerElements, studyUid, seriesUid);
    viewerRef.current = viewer;
    window.__ctawViewer = viewer;
    void viewer.open();
    return () => {
      viewer.destroy();
      if (window.__ctawViewer === viewer) delete window.__ctawViewer;
    };
  }, [studyUid, seriesUid, attempt]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement) return;
      const viewer = viewerRef.current;
      if (!viewer) return;
      const preset = WINDOW_PRESETS.find((p) => p.key === e.key);
      if (preset) viewer.applyPreset(preset);
      else if (e.key === 'r') viewer.resetView();
      else if (e.key === 'c') viewer.setLeftTool(useViewerStore.getState().leftTool === 'crosshairs' ? 'windowLevel' : 'crosshairs');
      else if (e.key === 'ArrowUp' || e.key === 'PageUp') viewer.scroll('axial', -1);
      else if (e.key === 'ArrowDown' || e.key === 'PageDown') viewer.scroll('axial', 1);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const blocked = phase === 'refused' || (phase === 'failed' && framesLoaded === 0);

  return (
    <main className="viewer-page">
      <header className="toolbar" role="toolbar" aria-label="Viewer tools">
        <button onClick={() => navigate('/')}>← Studies</button>
        <span className="series-label" title={seriesLabel}>{seriesLabel}</span>
        <span className="spacer" />
        {WINDOW_PRESETS.map((p) => (
          <button key={p.id} onClick={() => viewerRef.current?.applyPreset(p)} title={`W${p.widthHu} L${p.centerHu} (key ${p.key})`}>
            {p.label}
          </button>
        ))}
        <button aria-pressed={leftTool === 'windowLevel'} onClick={() => viewerRef.current?.setLeftTool('windowLevel')} title="Left drag: window/level">W/L</button>
        <button aria-pressed={leftTool === 'crosshairs'} onClick={() => viewerRef.current?.setLeftTool('crosshairs')} title="Left drag: crosshairs (key c)">Crosshairs</button>
        <button onClick={() => viewerRef.current?.resetView()} title="Reset zoom, pan and window (key r)">Reset</button>
        <span className="window-label" data-testid="window-label">{windowLabel}</span>
      </header>
      {warnings.length > 0 && (
        <div className="warning-panel" role="status" data-testid="series-warnings">
          {warnings.map((w) => <p key={w}>⚠ {w}</p>)}
        </div>
      )}
      {(phase === 'refused' || phase === 'failed' || message) && (
        <div className={phase === 'refused' ? 'error-panel refused' : 'error-panel'} role="alert" data-testid="viewer-message">
          <p>{message}</p>
          {phase !== 'refused' && <button onClick={() => setAttempt((n) => n + 1)}>Retry</button>}
          {phase === 'refused' && <button onClick={() => navigate('/')}>Back to studies</button>}
        </div>
      )}
      <LoadProgress />
      <section className={blocked ? 'viewport-grid hidden' : 'viewport-grid'} onContextMenu={(e) => e.preventDefault()}>
        {MPR_VIEWPORTS.map((v) => (
          <div key={v.id} className="viewport-cell">
            <div className="viewport-label">{v.label} <span data-testid={`slice-${v.id}`}>{sliceLabels[v.id] ?? ''}</span></div>
            <div className="viewport" data-viewport={v.id} ref={(el) => { if (el) refs.current[v.id] = el; }} />
          </div>
        ))}
        <div className="viewport-cell">
          <div className="viewport-label">3D {phase === 'streaming' ? '(after loading)' : ''}</div>
          <div className="viewport" data-viewport="volume3d" ref={(el) => { if (el) refs.current.volume3d = el; }} />
        </div>
      </section>
      <ReadoutBar rendering={rendering} />
    </main>
  );
}
