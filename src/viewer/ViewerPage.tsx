// The reading layout for one series: three MPR views, a 3D view, toolbar, progress and readout.
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useViewerStore } from '../stores/viewerStore.ts';
import { useRouteStore } from '../stores/routeStore.ts';
import { SeriesViewer, type ViewerElements } from './seriesViewer.ts';
import { WINDOW_PRESETS } from './windowPresets.ts';
import { LINKED_VIEWPORTS, MPR_VIEWPORTS } from './viewportIds.ts';
import { LoadProgress } from './LoadProgress.tsx';
import { ReadoutBar } from './ReadoutBar.tsx';
import { ContouringPanel } from '../contouring/ui/ContouringPanel.tsx';
import type { ContouringSession } from '../contouring/contouringSession.ts';
import { ReadFormPanel, type ReadFormActions } from '../form/ui/ReadFormPanel.tsx';
import { SubmitBar } from '../read/ui/SubmitBar.tsx';
import { ReadActions } from '../read/ui/ReadActions.tsx';
import { openReadOwner, type ReadOwner } from '../read/readOwner.ts';
import { ReadSession } from '../read/readSession.ts';
import { CompareRead } from '../read/compareRead.ts';
import { ConsensusRead } from '../read/consensusRead.ts';
import { ReviewPanel } from '../review/ui/ReviewPanel.tsx';
import { QuantPanel } from '../quant/ui/QuantPanel.tsx';
import { localDb } from '../storage/localDb.ts';
import { useProfileStore } from '../stores/profileStore.ts';
import { useReadFormStore } from '../stores/readFormStore.ts';
import { HelpOverlay } from '../contouring/ui/HelpOverlay.tsx';
import { clampRadius, commandForKey } from '../contouring/shortcuts.ts';
import { useContouringStore } from '../stores/contouringStore.ts';
import { useOfflineStore } from '../stores/offlineStore.ts';

declare global {
  interface Window {
    __ctawViewer?: SeriesViewer;
    /** the read open on the page (tests and benchmarks) */
    __ctawRead?: ReadOwner;
    __ctawContouringStore?: typeof useContouringStore;
  }
}

export function ViewerPage({ studyUid, seriesUid }: { studyUid: string; seriesUid: string }) {
  const refs = useRef<Partial<ViewerElements>>({});
  const viewerRef = useRef<SeriesViewer | null>(null);
  const readRef = useRef<ReadOwner | null>(null);
  const [attempt, setAttempt] = useState(0);
  const navigate = useRouteStore((s) => s.navigate);
  // Only what this page draws: the readout changes on every mouse move and must not re-render it.
  const { phase, message, warnings, seriesLabel, windowLabel, leftTool, sliceLabels, rendering, framesLoaded, view3d, sideBySide } = useViewerStore(
    useShallow((s) => ({ phase: s.phase, message: s.message, warnings: s.warnings, seriesLabel: s.seriesLabel, windowLabel: s.windowLabel, leftTool: s.leftTool, sliceLabels: s.sliceLabels, rendering: s.rendering, framesLoaded: s.framesLoaded, view3d: s.view3d, sideBySide: s.sideBySide })),
  );

  useEffect(() => {
    // The page owns the read; the viewer shows the volume and the labelmap the read fills.
    const read = openReadOwner(localDb(), studyUid, seriesUid, useProfileStore.getState().reader || '(unnamed reader)', location.search);
    readRef.current = read;
    window.__ctawRead = read;
    const viewer = new SeriesViewer(refs.current as ViewerElements, studyUid, seriesUid, read);
    viewerRef.current = viewer;
    window.__ctawViewer = viewer;
    // Tests and benchmarks set tool options (radius, limits) the way the panel does.
    window.__ctawContouringStore = useContouringStore;
    void viewer.open();
    return () => {
      viewer.destroy();
      if (window.__ctawViewer === viewer) delete window.__ctawViewer;
      if (window.__ctawRead === read) delete window.__ctawRead;
      readRef.current = null;
    };
  }, [studyUid, seriesUid, attempt]);

  // Once the series has loaded, a copy is kept for reading offline, one frame at a time while the
  // reader works (not as it streams: see src/sw/serviceWorker.ts); leaving the case stops it.
  const loaded = phase === 'loaded';
  useEffect(() => {
    if (!loaded || !navigator.serviceWorker?.controller) return;
    const stop = new AbortController();
    void useOfflineStore.getState().loadKept().then(() => {
      if (!stop.signal.aborted) void useOfflineStore.getState().keep(studyUid, seriesUid, { background: true, signal: stop.signal });
    });
    return () => stop.abort();
  }, [loaded, studyUid, seriesUid]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target;
      if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return;
      const viewer = viewerRef.current;
      if (!viewer) return;
      if (e.key === 'ArrowUp' || e.key === 'PageUp') return viewer.scroll('axial', -1);
      if (e.key === 'ArrowDown' || e.key === 'PageDown') return viewer.scroll('axial', 1);
      const command = commandForKey(e);
      if (!command) return;
      const contour = useContouringStore.getState();
      const session = viewer.contouring;
      e.preventDefault();
      switch (command.kind) {
        case 'preset': viewer.applyPreset(WINDOW_PRESETS[command.index]); break;
        case 'reset': viewer.resetView(); break;
        case 'crosshairs': viewer.setLeftTool(useViewerStore.getState().leftTool === 'crosshairs' ? 'windowLevel' : 'crosshairs'); break;
        case 'help': contour.set({ helpOpen: !contour.helpOpen }); break;
        case 'escape':
          if (contour.helpOpen) contour.set({ helpOpen: false });
          else session?.setTool('none');
          break;
        case 'tool': session?.setTool(command.tool); break;
        case 'undo': session?.undo(); break;
        case 'redo': session?.redo(); break;
        case 'radius': contour.set({ radiusMm: clampRadius(contour.radiusMm + command.deltaMm) }); break;
        case 'segment': session?.cycleActive(command.step); break;
        case 'selectSegment': {
          const seg = contour.segments[command.index];
          if (seg) session?.setActive(seg.value);
          break;
        }
        case 'toggleVisible': {
          const seg = contour.segments.find((x) => x.value === contour.activeValue);
          if (seg) session?.setVisible(seg.value, !seg.visible);
          break;
        }
        case 'interpolate': session?.interpolate(); break;
        case 'update3d':
          if (useViewerStore.getState().view3d === 'offered') viewer.show3d();
          else session?.update3d();
          break;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const helpOpen = useContouringStore((s) => s.helpOpen);
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
        <OfflineCopy seriesUid={seriesUid} />
        <button onClick={() => useContouringStore.getState().set({ helpOpen: true })} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">?</button>
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
      <div className="viewer-body">
      <section className={['viewport-grid', blocked ? 'hidden' : '', sideBySide ? 'side-by-side' : ''].filter(Boolean).join(' ')} onContextMenu={(e) => e.preventDefault()}>
        {MPR_VIEWPORTS.map((v) => (
          <div key={v.id} className="viewport-cell" data-cell={v.id}>
            <div className="viewport-label">{v.label}{sideBySide && <> · <span className="caption">{sideBySide.left}</span></>} <span data-testid={`slice-${v.id}`}>{sliceLabels[v.id] ?? ''}</span></div>
            <div className="viewport" data-viewport={v.id} ref={(el) => { if (el) refs.current[v.id] = el; }} />
          </div>
        ))}
        {sideBySide && LINKED_VIEWPORTS.map((v) => (
          <div key={v.id} className="viewport-cell" data-cell={v.id}>
            <div className="viewport-label">{v.label} · <span className="caption">{sideBySide.right}</span></div>
            <div className="viewport" data-viewport={v.id} ref={(el) => { if (el) refs.current[v.id as keyof ViewerElements] = el; else delete refs.current[v.id as keyof ViewerElements]; }} />
          </div>
        ))}
        <div className="viewport-cell" data-cell="volume3d">
          <div className="viewport-label">3D {phase === 'streaming' ? '(after loading)' : view3d === 'starting' ? '(rendering…)' : ''}</div>
          <div className="viewport" data-viewport="volume3d" ref={(el) => { if (el) refs.current.volume3d = el; }} />
          {view3d === 'offered' && (
            <div className="view3d-offer">
              <button onClick={() => viewerRef.current?.show3d()} data-testid="show-3d" title="Render the volume in 3D (u)">Show 3D</button>
              <p className="muted">No GPU: this browser renders WebGL on the CPU, where one 3D frame takes tens of seconds and slows the other views meanwhile.</p>
            </div>
          )}
        </div>
      </section>
      {!blocked && <SidePanel
        form={{ session: () => (readRef.current instanceof ReadSession ? readRef.current.readForm : null), putPaintToolsDown: () => viewerRef.current?.contouring?.setTool('none') }}
        session={() => viewerRef.current?.contouring ?? null}
        read={() => readRef.current}
      />}
      </div>
      <ReadoutBar rendering={rendering} />
      {helpOpen && <HelpOverlay onClose={() => useContouringStore.getState().set({ helpOpen: false })} />}
    </main>
  );
}

/**
 * Whether this series can be read with the network cut. Its own subscription: the progress moves
 * with every frame kept, and must not re-render the page while the reader paints.
 */
function OfflineCopy({ seriesUid }: { seriesUid: string }) {
  const state = useOfflineStore((s) => s.series[seriesUid]);
  if (!state) return null;
  if (state.state === 'kept') return <span className="muted" data-testid="viewer-offline" data-state="kept" title="This series opens with no network">Offline ✓</span>;
  if (state.state === 'saving') return <span className="muted" data-testid="viewer-offline" data-state="saving" title="Keeping a copy for reading offline">Offline {state.done}/{state.total || '?'}</span>;
  return <span className="error-text" data-testid="viewer-offline" data-state="failed" title={state.error ?? ''}>Not kept offline</span>;
}

/** Above the segment editor: the review of the reads (a lead's), and the read's own actions unless it is only a review. */
function ReadSide({ read }: { read: () => ReadOwner | null }) {
  const owner = read();
  if (owner instanceof CompareRead) return <ReviewPanel compare={() => (read() instanceof CompareRead ? (read() as CompareRead) : null)} />;
  return (
    <>
      {owner instanceof ConsensusRead && <ReviewPanel consensus={() => (read() instanceof ConsensusRead ? (read() as ConsensusRead) : null)} />}
      <ReadActions read={read} />
    </>
  );
}

/** Segments or the read form, one at a time beside the views, so the views keep their size. */
function SidePanel({ session, read, form }: { session: () => ContouringSession | null; read: () => ReadOwner | null; form: ReadFormActions }) {
  const panel = useReadFormStore((s) => s.panel);
  const setPanel = (p: 'segments' | 'form' | 'quant') => useReadFormStore.getState().set({ panel: p });
  const quant = () => {
    const owner = read();
    return owner instanceof ReadSession ? owner.quant : null;
  };
  return (
    <div className="side-panel">
      <div className="side-tabs" role="tablist" aria-label="Side panel">
        <button role="tab" aria-selected={panel === 'segments'} data-panel="segments" onClick={() => setPanel('segments')}>Segments</button>
        <button role="tab" aria-selected={panel === 'form'} data-panel="form" onClick={() => setPanel('form')}>Read form</button>
        <button role="tab" aria-selected={panel === 'quant'} data-panel="quant" onClick={() => setPanel('quant')}>Quantification</button>
      </div>
      {panel === 'segments' ? (
        <ContouringPanel session={session} read={<ReadSide read={read} />} />
      ) : panel === 'quant' ? (
        <QuantPanel quant={quant} ownRead={read() instanceof ReadSession} />
      ) : (
        <aside className="contour-panel" aria-label="Read form">
          <SubmitBar submit={() => read()?.submit() ?? Promise.reject(new Error('the case is closed'))} />
          <ReadFormPanel actions={form} />
        </aside>
      )}
    </div>
  );
}
