// What was dropped on the import panel, folders included: DataTransfer.files lists a dropped
// folder as one empty "file", so folders are walked through the entries API (webkitGetAsEntry,
// in every current browser), subfolders too, in name order, hidden files left out like the CLI's
// walk (scripts/import.ts). The entries must be taken during the drop event; reading them may
// take longer.

/** The parts of FileSystemEntry this walk uses (a structural type, so the walk is testable). */
export interface DroppedEntry {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
  file?: (done: (f: File) => void, fail: (e: unknown) => void) => void;
  createReader?: () => { readEntries: (done: (entries: DroppedEntry[]) => void, fail: (e: unknown) => void) => void };
}

export interface DroppedFile {
  file: File;
  /** the path below what was dropped, e.g. "scan/series1/IM0001" */
  name: string;
}

async function readAll(dir: DroppedEntry): Promise<DroppedEntry[]> {
  const reader = dir.createReader!();
  const all: DroppedEntry[] = [];
  // readEntries answers in batches (Chromium: 100 at a time) until it answers an empty one.
  for (;;) {
    const batch = await new Promise<DroppedEntry[]>((done, fail) => reader.readEntries(done, fail));
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

export async function filesOfEntries(entries: DroppedEntry[], prefix = ''): Promise<DroppedFile[]> {
  const out: DroppedFile[] = [];
  for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (entry.name.startsWith('.')) continue;
    const name = prefix + entry.name;
    if (entry.isDirectory && entry.createReader) out.push(...(await filesOfEntries(await readAll(entry), `${name}/`)));
    else if (entry.isFile && entry.file) out.push({ name, file: await new Promise<File>((done, fail) => entry.file!(done, fail)) });
  }
  return out;
}

/** Called in the drop handler: takes the entries at once, reads them after. */
export function filesOfDrop(data: DataTransfer): Promise<DroppedFile[]> {
  const entries = Array.from(data.items)
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() as unknown as DroppedEntry | null)
    .filter((e): e is DroppedEntry => e !== null && e !== undefined);
  // A browser without the entries API: the plain file list (folders then cannot be read).
  if (entries.length === 0) return Promise.resolve(Array.from(data.files).map((file) => ({ file, name: file.name })));
  return filesOfEntries(entries);
}
