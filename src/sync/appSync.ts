// The app's one sync engine, started with the app so a result queued before a reload goes out
// as soon as the app is open again, on any page.
import { localDb } from '../storage/localDb.ts';
import { SyncEngine } from './syncEngine.ts';

let engine: SyncEngine | null = null;

export function appSync(): SyncEngine {
  if (!engine) {
    engine = new SyncEngine(localDb());
    engine.start();
  }
  return engine;
}
