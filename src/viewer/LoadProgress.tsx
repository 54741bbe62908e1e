// Streaming progress: images loaded of total and megabytes received.
import { useShallow } from 'zustand/react/shallow';
import { useViewerStore } from '../stores/viewerStore.ts';

export function LoadProgress() {
  const { phase, framesLoaded, framesTotal, bytesLoaded, failedFrames } = useViewerStore(
    useShallow((s) => ({ phase: s.phase, framesLoaded: s.framesLoaded, framesTotal: s.framesTotal, bytesLoaded: s.bytesLoaded, failedFrames: s.failedFrames })),
  );
  if (phase === 'idle' || phase === 'refused') return null;
  if (phase === 'metadata') return <div className="load-progress" role="status">Reading series information…</div>;
  const pct = framesTotal ? Math.round((100 * framesLoaded) / framesTotal) : 0;
  const mb = (bytesLoaded / 1e6).toFixed(1);
  return (
    <div className={phase === 'loaded' ? 'load-progress done' : 'load-progress'} role="status" data-testid="load-progress">
      <progress max={framesTotal} value={framesLoaded} aria-label="Images loaded" />
      <span data-testid="load-count">
        {framesLoaded} / {framesTotal} images · {mb} MB{failedFrames ? ` · ${failedFrames} failed` : ''}
        {phase === 'loaded' ? ' · loaded' : ` · ${pct}%`}
      </span>
    </div>
  );
}
