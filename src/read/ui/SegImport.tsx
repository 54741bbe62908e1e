// Opening a DICOM-SEG file made elsewhere (another workstation, dcmqi, highdicom, OHIF) onto
// the open CT. The decoder says in words why a file does not fit; those words are shown here.
import { useRef, useState } from 'react';

export function SegImport({ importFile }: { importFile: (file: File) => Promise<string> }) {
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  return (
    <section className="seg-import" aria-label="Open a DICOM-SEG file">
      <label className="file-button">
        <span>{busy ? 'Reading the SEG…' : 'Open a DICOM-SEG file…'}</span>
        <input
          ref={input}
          type="file"
          accept=".dcm,application/dicom"
          data-testid="seg-import-file"
          disabled={busy}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            if (!file) return;
            setBusy(true);
            setMessage(null);
            importFile(file)
              .then((text) => setMessage({ text, error: false }))
              .catch((err: unknown) => setMessage({ text: `${file.name} cannot be opened on this CT: ${err instanceof Error ? err.message : String(err)}`, error: true }))
              .finally(() => {
                setBusy(false);
                if (input.current) input.current.value = '';
              });
          }}
        />
      </label>
      {message && (
        <p className={message.error ? 'error-text' : 'muted'} data-testid="seg-import-message" role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
