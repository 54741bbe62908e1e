// What the reader does with the read as a whole, above the segment editor: see that it is saved,
// choose when something would replace it, open a SEG file, submit.
import type { ReadOwner } from '../readOwner.ts';
import { SaveStatus } from './SaveStatus.tsx';
import { SegImport } from './SegImport.tsx';
import { SubmitBar } from './SubmitBar.tsx';

export function ReadActions({ read }: { read: () => ReadOwner | null }) {
  const owner = () => {
    const r = read();
    if (!r) throw new Error('the case is closed');
    return r;
  };
  return (
    <>
      <SaveStatus onTake={() => void read()?.takeReplacement()} onKeep={() => read()?.keepCurrent()} />
      <SegImport importFile={(file) => owner().importSegFile(file)} />
      <SubmitBar submit={() => owner().submit()} />
    </>
  );
}
