// Whether the reader's work is safe on this device.
import { useShallow } from 'zustand/react/shallow';
import { useSaveStatusStore } from '../../stores/saveStatusStore.ts';
import { useProfileStore } from '../../stores/profileStore.ts';

export function SaveStatus({ onTake, onKeep }: { onTake: () => void; onKeep: () => void }) {
  const s = useSaveStatusStore(useShallow((st) => ({ state: st.state, savedAt: st.savedAt, version: st.version, error: st.error, restored: st.restoredMessage, choice: st.choice })));
  const reader = useProfileStore((p) => p.reader);
  const text =
    s.state === 'saving' ? 'Saving on this device…'
      : s.state === 'saved' ? `Saved on this device${s.savedAt ? ` at ${new Date(s.savedAt).toLocaleTimeString()}` : ''}`
        : s.state === 'error' ? s.error
          : 'Nothing to save yet';
  return (
    <section className={`save-status ${s.state}`} data-testid="save-status" data-state={s.state} data-version={s.version} role={s.state === 'error' ? 'alert' : 'status'}>
      <div>Reader: <strong>{reader || '(unnamed reader)'}</strong></div>
      <div>{text}</div>
      {s.restored && <div className="muted" data-testid="restored-message">{s.restored}</div>}
      {s.choice && (
        <div className="server-choice" role="alert" data-testid="server-choice">
          <p>{s.choice.message}</p>
          <button onClick={onTake}>{s.choice.takeLabel}</button> <button onClick={onKeep}>{s.choice.keepLabel}</button>
        </div>
      )}
    </section>
  );
}
