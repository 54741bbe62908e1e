// A dataset folder on disk as DatasetFiles (src/export/datasetManifest.ts). A file is written to
// a temporary name beside it and renamed, so that an export cut midway never leaves a half file
// under a name the manifest lists with another checksum.
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { DatasetFiles } from '../../src/export/datasetManifest.ts';

export function folderFiles(root: string): DatasetFiles & { writes: number } {
  const base = resolve(root);
  const at = (path: string): string => {
    const full = resolve(join(base, path));
    // The paths are the export's own, made from pseudonyms; this only guards against a bug.
    if (!full.startsWith(base + sep)) throw new Error(`export: ${path} is outside ${base}`);
    return full;
  };
  const files = {
    writes: 0,
    async size(path: string) {
      try {
        const s = await stat(at(path));
        return s.isFile() ? s.size : null;
      } catch {
        return null;
      }
    },
    async read(path: string) {
      try {
        return new Uint8Array(await readFile(at(path)));
      } catch {
        return null;
      }
    },
    async write(path: string, bytes: Uint8Array) {
      const full = at(path);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(`${full}.partial`, bytes);
      await rename(`${full}.partial`, full);
      files.writes++;
    },
    async remove(path: string) {
      await rm(at(path), { force: true });
    },
  };
  return files;
}
