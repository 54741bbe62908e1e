// Submit the read and see where it stands: offline, waiting, sending, all synced, or failed.
import { useShallow } from 'zustand/react/shallow';
import { syncSummary, useSyncStore } from '../../stores/syncStore.ts';
import { useSaveStatusStore } from '../../stores/saveStatusStore.ts';
import { useState } from 'react';
import { useAuthStore } from '../../stores/authStore.ts';
import { goToNextCase } from '../caseNavigation.ts';

/** After a submit: the reader's next case that is not done yet (the worklist when there is none). */
function NextCase() {
  const [busy, setBusy] = useState(false);
  const go = () => {
    setBusy(true);
    void goToNextCase(location.pathname.split('/').pop());
  };
  return <button data-testid="next-case-after-submit" disabled={busy} onClick={go}>Next case →</button>;
}

export function SubmitBar({ submit }: { submit: () => Promise<string> }) {
  const role = useAuthStore((s) => s.user?.role);
  const sync = useSyncStore(useShallow((s) => ({ online: s.online, waiting: s.waiting, sending: s.sending, failed: s.failed, lastError: s.lastError })));
  const { busy, message } = useSaveStatusStore(useShallow((s) => ({ busy: s.submitting, message: s.submitMessage })));
  const setBusy = (submitting: boolean) => useSaveStatusStore.getState().set({ submitting });
  const setMessage = (submitMessage: string | null) => useSaveStatusStore.getState().set({ submitMessage });
  const summary = syncSummary(sync);
  const state = sync.failed > 0 ? 'failed' : !sync.online ? 'offline' : sync.sending ? 'sending' : sync.waiting > 0 ? 'waiting' : 'synced';
  return (
    <section className="submit-bar" aria-label="Submit">
      <button
        className="primary"
        data-testid="submit-read"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setMessage('Preparing the segmentation…');
          submit()
            .then((m) => setMessage(m))
            .catch((err: unknown) => {
              const text = err instanceof Error ? err.message : String(err);
              // A form with missing answers is not a failure; the message says what is missing.
              setMessage((err as { name?: string })?.name === 'ReadIncompleteError' ? text : `Submit failed: ${text}`);
            })
            .finally(() => setBusy(false));
        }}
      >
        Submit read
      </button>
      {message && <p className="muted" data-testid="submit-message">{message}</p>}
      {role === 'reader' && message?.startsWith('Queued') && <NextCase />}
      <p className={`sync-status ${state}`} data-testid="sync-status" data-state={state} data-waiting={sync.waiting} role={state === 'failed' ? 'alert' : 'status'}>
        Server: {summary}
      </p>
    </section>
  );
}
