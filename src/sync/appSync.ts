// The app's one sync engine, started with the app so a result queued before a reload goes out
// as soon as the app is open again, on any page.
import { localDb } from '../storage/localDb.ts';
import { csrfHeaders, useAuthStore } from '../stores/authStore.ts';
import { connectivity } from './connectivityMonitor.ts';
import { SyncEngine } from './syncEngine.ts';

let engine: SyncEngine | null = null;

/** The session's headers for a STOW; null while nobody is logged in (the outbox waits). */
async function authorize(): Promise<Record<string, string> | null> {
  let auth = useAuthStore.getState();
  if (auth.state === 'starting' || auth.state === 'offline') {
    // Back online after working offline: the session may still be alive.
    await auth.start();
    auth = useAuthStore.getState();
  }
  if (auth.state === 'open') return {};
  return auth.state === 'logged-in' ? csrfHeaders() : null;
}

export function appSync(): SyncEngine {
  if (!engine) {
    const created = new SyncEngine(localDb(), { authorize, onLoginNeeded: () => useAuthStore.getState().sessionLost(), connectivity: connectivity() });
    engine = created;
    engine.start();
    // A login wakes the outbox.
    useAuthStore.subscribe((s, prev) => {
      if (s.state === 'logged-in' && prev.state !== 'logged-in') created.kick();
    });
  }
  return engine;
}
