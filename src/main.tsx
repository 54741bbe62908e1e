import { createRoot } from 'react-dom/client';
import { App } from './app/App.tsx';
import { appSync } from './sync/appSync.ts';
import { registerServiceWorker } from './sw/registerServiceWorker.ts';
import { preloadViewerRuntimeWhenIdle } from './viewer/preloadViewerRuntime.ts';
import './styles.css';

createRoot(document.getElementById('root')!).render(<App />);
// Results queued in an earlier visit go out as soon as the app is open again.
appSync();
registerServiceWorker();
preloadViewerRuntimeWhenIdle();
