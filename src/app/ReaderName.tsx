// The reader's name (the profile, until login exists): drafts and results are saved under it.
import { useState } from 'react';
import { useProfileStore } from '../stores/profileStore.ts';

export function ReaderName() {
  const { reader, setReader } = useProfileStore();
  const [draft, setDraft] = useState(reader);
  return (
    <form
      className="reader-name"
      onSubmit={(e) => {
        e.preventDefault();
        setReader(draft);
      }}
    >
      <label>
        Reader <input value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="Your name" aria-label="Reader name" maxLength={64} required />
      </label>
      <button type="submit" disabled={draft.trim() === reader}>Save</button>
      {!reader && <span className="muted">Name yourself before contouring: your drafts are saved under this name.</span>}
    </form>
  );
}
