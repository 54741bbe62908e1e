import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onPath } from '../dicom/dicomTools.testSupport.ts';
import { crc32, StoredZipWriter } from './storedZip.ts';

async function zipOf(files: Record<string, string>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const zip = new StoredZipWriter((c) => void chunks.push(c));
  for (const [path, text] of Object.entries(files)) await zip.add(path, new TextEncoder().encode(text));
  await zip.finish();
  return Uint8Array.from(chunks.flatMap((c) => [...c]));
}

describe('StoredZipWriter', () => {
  it('computes the CRC-32 of the zip and PNG standards', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it('writes an archive that unzip lists and extracts byte for byte', async () => {
    const files = { 'manifest.json': '{"a":1}\n', 'cases/Case-0001/ct.nii.gz': 'x'.repeat(1000), 'reads.csv': 'a,b\r\n1,2\r\n' };
    const bytes = await zipOf(files);
    if (!onPath('python3')) return;
    const dir = mkdtempSync(join(tmpdir(), 'ctaw-zip-'));
    try {
      writeFileSync(join(dir, 'd.zip'), bytes);
      // Python's zipfile checks the CRC of every entry on read (testzip) and the central directory.
      const out = execFileSync('python3', ['-c', 'import sys,zipfile,json; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps({n: z.read(n).decode() for n in z.namelist()}))', join(dir, 'd.zip')], { encoding: 'utf8' });
      expect(JSON.parse(out)).toEqual(files);
      expect(readFileSync(join(dir, 'd.zip')).length).toBe(bytes.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
