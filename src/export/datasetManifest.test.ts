import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { IncrementalExport, MANIFEST_PATH, readManifest, sha256Hex, type DatasetFiles } from './datasetManifest.ts';

/** A folder in memory that counts its writes and removals. */
function memoryFiles(): DatasetFiles & { data: Map<string, Uint8Array>; writes: string[]; removed: string[] } {
  const data = new Map<string, Uint8Array>();
  const writes: string[] = [];
  const removed: string[] = [];
  return {
    data,
    writes,
    removed,
    size: async (p) => data.get(p)?.length ?? null,
    read: async (p) => data.get(p) ?? null,
    write: async (p, b) => {
      data.set(p, b);
      writes.push(p);
    },
    remove: async (p) => {
      data.delete(p);
      removed.push(p);
    },
  };
}

const meta = { software: { name: 'ctaw', version: '0.1.0', commit: null }, study: { id: 1, name: 'S' }, options: { realNames: false, quant: false }, formSchema: {}, segmentList: [], deidentification: {} };
const text = (s: string) => new TextEncoder().encode(s);

async function exportOnce(files: DatasetFiles, contents: Record<string, string>, when: string) {
  const out = new IncrementalExport(files, await readManifest(files));
  let gzips = 0;
  for (const [path, body] of Object.entries(contents)) {
    const gz = path.endsWith('.gz');
    await out.put({ path, kind: gz ? 'ct-nifti' : 'reads-csv', description: path }, text(body), gz ? (b) => (gzips++, gzipSync(b)) : undefined);
  }
  return { ...(await out.finish(meta, new Date(when))), gzips };
}

describe('the dataset manifest', () => {
  it('lists every file with its size and the SHA-256 of the bytes written', async () => {
    const files = memoryFiles();
    const { manifest } = await exportOnce(files, { 'reads.csv': 'a,b\r\n', 'cases/X/ct.nii.gz': 'voxels' }, '2026-01-01T00:00:00Z');
    expect(manifest.files.map((f) => f.path)).toEqual(['cases/X/ct.nii.gz', 'reads.csv']);
    for (const f of manifest.files) {
      const bytes = files.data.get(f.path)!;
      expect(f.bytes).toBe(bytes.length);
      expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(manifest.files[0].contentSha256).toBe(createHash('sha256').update('voxels').digest('hex'));
    expect(manifest.files[1].contentSha256).toBeUndefined();
    expect(JSON.parse(new TextDecoder().decode(files.data.get(MANIFEST_PATH)))).toEqual(manifest);
    expect(await sha256Hex(text(''))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('writes nothing the second time for unchanged content, not even the manifest, and does not gzip again', async () => {
    const files = memoryFiles();
    const contents = { 'reads.csv': 'a,b\r\n', 'cases/X/ct.nii.gz': 'voxels', 'cases/X/reads/R01.seg.dcm': 'seg' };
    const first = await exportOnce(files, contents, '2026-01-01T00:00:00Z');
    expect(files.writes.length).toBe(4);
    files.writes.length = 0;
    const second = await exportOnce(files, contents, '2026-02-01T00:00:00Z');
    expect(files.writes).toEqual([]);
    expect(second.written).toEqual([]);
    expect(second.unchanged).toBe(3);
    expect(second.gzips).toBe(0);
    expect(second.manifest).toEqual(first.manifest);
  });

  it('rewrites only what changed, a file that went missing, and removes what is no longer exported', async () => {
    const files = memoryFiles();
    await exportOnce(files, { 'reads.csv': 'a\r\n', 'cases/X/ct.nii.gz': 'voxels', 'lesions.csv': 'l\r\n' }, '2026-01-01T00:00:00Z');
    files.writes.length = 0;
    files.data.delete('cases/X/ct.nii.gz');
    const again = await exportOnce(files, { 'reads.csv': 'a\r\nb\r\n', 'cases/X/ct.nii.gz': 'voxels' }, '2026-02-01T00:00:00Z');
    expect(files.writes.sort()).toEqual(['cases/X/ct.nii.gz', MANIFEST_PATH, 'reads.csv']);
    expect(again.removed).toEqual(['lesions.csv']);
    expect(again.manifest.exportedAt).toBe('2026-02-01T00:00:00.000Z');
    expect(again.manifest.files.map((f) => f.path)).toEqual(['cases/X/ct.nii.gz', 'reads.csv']);
  });

  it('starts afresh over a manifest that is not one of ours', async () => {
    const files = memoryFiles();
    files.data.set(MANIFEST_PATH, text('{"hello": 1}'));
    expect(await readManifest(files)).toBeNull();
    const { written } = await exportOnce(files, { 'reads.csv': 'x' }, '2026-01-01T00:00:00Z');
    expect(written).toEqual(['reads.csv', MANIFEST_PATH]);
  });
});
