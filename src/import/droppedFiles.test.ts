import { describe, expect, it } from 'vitest';
import { type DroppedEntry, filesOfEntries } from './droppedFiles.ts';

// Fake FileSystemEntry objects (the browser's come only from a real drop); readEntries answers in
// batches of two, as Chromium answers in batches of 100.
function file(name: string): DroppedEntry {
  return { name, isFile: true, isDirectory: false, file: (done) => done(new File([name], name)) };
}
function folder(name: string, children: DroppedEntry[]): DroppedEntry {
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader: () => {
      let at = 0;
      return {
        readEntries: (done) => {
          const batch = children.slice(at, at + 2);
          at += batch.length;
          setTimeout(() => done(batch), 0);
        },
      };
    },
  };
}

describe('filesOfEntries (fake entries)', () => {
  it('walks dropped folders and their subfolders in name order, all batches, hidden files left out', async () => {
    const dropped = [folder('scan', [file('IM3'), folder('sub', [file('b'), file('a'), file('.DS_Store')]), file('IM1'), file('IM2'), file('IM10')]), file('loose.dcm')];
    const files = await filesOfEntries(dropped);
    expect(files.map((f) => f.name)).toEqual(['loose.dcm', 'scan/IM1', 'scan/IM10', 'scan/IM2', 'scan/IM3', 'scan/sub/a', 'scan/sub/b']);
    expect(await files[0].file.text()).toBe('loose.dcm');
  });
});
