import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, StoredZipWriter } from '../export/storedZip.ts';
import { looksLikeZip, zipEntries, zipEntryBytes, ZipError } from './zipReader.ts';

const inflate = (b: Uint8Array) => new Uint8Array(inflateRawSync(b));

async function storedZip(files: Array<[string, Uint8Array]>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const zip = new StoredZipWriter((c) => void chunks.push(c.slice()));
  for (const [name, bytes] of files) await zip.add(name, bytes);
  await zip.finish();
  return Uint8Array.from(chunks.flatMap((c) => Array.from(c)));
}

/** A one-entry archive with a deflated entry, written by hand as APPNOTE 4.3 lays it out. */
function deflatedZip(name: string, bytes: Uint8Array): Uint8Array {
  const n = new TextEncoder().encode(name);
  const data = new Uint8Array(deflateRawSync(bytes));
  const crc = crc32(bytes);
  const local = new DataView(new ArrayBuffer(30));
  local.setUint32(0, 0x04034b50, true);
  local.setUint16(8, 8, true);
  local.setUint32(14, crc, true);
  local.setUint32(18, data.length, true);
  local.setUint32(22, bytes.length, true);
  local.setUint16(26, n.length, true);
  const central = new DataView(new ArrayBuffer(46));
  central.setUint32(0, 0x02014b50, true);
  central.setUint16(10, 8, true);
  central.setUint32(16, crc, true);
  central.setUint32(20, data.length, true);
  central.setUint32(24, bytes.length, true);
  central.setUint16(28, n.length, true);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, 1, true);
  end.setUint16(10, 1, true);
  end.setUint32(12, 46 + n.length, true);
  end.setUint32(16, 30 + n.length + data.length, true);
  const parts = [new Uint8Array(local.buffer), n, data, new Uint8Array(central.buffer), n, new Uint8Array(end.buffer)];
  return Uint8Array.from(parts.flatMap((p) => Array.from(p)));
}

describe('zipReader', () => {
  it('reads stored entries as written, folders left out', async () => {
    const a = new Uint8Array([1, 2, 3, 4, 5]);
    const b = new TextEncoder().encode('DICM and more');
    const zip = await storedZip([['scan/IM0001.dcm', a], ['scan/', new Uint8Array()], ['scan/IM0002.dcm', b]]);
    expect(looksLikeZip(zip)).toBe(true);
    const entries = zipEntries(zip);
    expect(entries.map((e) => e.name)).toEqual(['scan/IM0001.dcm', 'scan/IM0002.dcm']);
    expect(await zipEntryBytes(zip, entries[0], inflate)).toEqual(a);
    expect(await zipEntryBytes(zip, entries[1], inflate)).toEqual(b);
  });

  it('inflates a deflated entry and checks its CRC', async () => {
    const bytes = new Uint8Array(10_000).map((_, i) => (i * 7) % 251);
    const zip = deflatedZip('IM0001.dcm', bytes);
    const [entry] = zipEntries(zip);
    expect(entry).toMatchObject({ name: 'IM0001.dcm', method: 8, size: 10_000 });
    expect(await zipEntryBytes(zip, entry, inflate)).toEqual(bytes);
    const damaged = zip.slice();
    damaged[40] ^= 0xff;
    await expect(zipEntryBytes(damaged, zipEntries(damaged)[0], inflate)).rejects.toThrow(ZipError);
  });

  it('refuses a cut archive and a file that is not one, with a message', async () => {
    const zip = await storedZip([['a.dcm', new Uint8Array([9, 9, 9])]]);
    expect(() => zipEntries(zip.subarray(0, zip.length - 10))).toThrow(/no end of central directory/);
    expect(looksLikeZip(new TextEncoder().encode('DICM'))).toBe(false);
  });
});
