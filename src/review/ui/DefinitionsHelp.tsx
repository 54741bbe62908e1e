// A "?" button that opens the definitions of the figures a table or plot shows (a popover; Escape
// or a click outside closes it).
import { useEffect, useRef, useState } from 'react';

export function DefinitionsHelp({ title, definitions, testId }: { title: string; definitions: Readonly<Record<string, string>>; testId?: string }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !box.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', close);
    document.addEventListener('pointerdown', close);
    return () => {
      document.removeEventListener('keydown', close);
      document.removeEventListener('pointerdown', close);
    };
  }, [open]);
  return (
    <span className="definitions-help" ref={box}>
      <button className="help-button" aria-expanded={open} aria-label={`${title}: definitions`} title="What these figures mean" onClick={() => setOpen(!open)} data-testid={testId}>
        ?
      </button>
      {open && (
        <div className="definitions-popover" role="dialog" aria-label={title}>
          <h3>{title}</h3>
          <dl>
            {Object.entries(definitions).map(([name, text]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{text}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </span>
  );
}
