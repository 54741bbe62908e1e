import { describe, expect, it } from 'vitest';
import { parsePart10 } from '../../src/dicom/part10Reader.ts';
import { keyIdOf, looksMapped, mappedUid, pseudonymOf, readSource } from './deidentify.ts';
import { deidentifyWithKeys } from './deidentifyWithKeys.ts';
import { identifiedSeries } from './identifiedCt.testSupport.ts';
import type { KeyStore, PatientKeys } from './importKeys.ts';

/** A key store in memory (the server's is the database, a site's a JSON file: importKeys.ts). */
function memoryKeys(fill: number, firstNumber: number): KeyStore & { patients: Map<string, PatientKeys> } {
  const secret = new Uint8Array(32).fill(fill);
  const patients = new Map<string, PatientKeys>();
  return {
    patients,
    uidSecret: async () => secret,
    patient: async (identity) => {
      let p = patients.get(identity);
      if (!p) patients.set(identity, (p = { pseudonymNumber: firstNumber + patients.size, pseudonym: pseudonymOf(firstNumber + patients.size), dateOffsetDays: -1000 - fill }));
      return p;
    },
  };
}

const TAGS = { sop: 0x00080018, series: 0x0020000e, study: 0x0020000d, frame: 0x00200052, patientId: 0x00100020, studyDate: 0x00080020, method: 0x00120063 };

function facts(bytes: Uint8Array) {
  const { reader, ds } = parsePart10(bytes, { implicitVrs: new Map([[0x00120064, 'SQ']]), objectName: 'image' });
  return Object.fromEntries(Object.entries(TAGS).map(([k, tag]) => [k, reader.string(ds, tag)]));
}

describe('deidentifyWithKeys', () => {
  const series = identifiedSeries({ seed: 'deid-with-keys', slices: 2 });

  it('names the keys in the method, and a second pass with the same keys changes no byte', async () => {
    const server = memoryKeys(7, 1);
    const once = await deidentifyWithKeys(readSource(series.files[0]), server);
    expect(readSource(once.out.bytes).deidentifiedWith).toBe(keyIdOf(await server.uidSecret()));
    expect(facts(once.out.bytes).method).toContain(`CTAW keys ${keyIdOf(await server.uidSecret())}`);
    const twice = await deidentifyWithKeys(readSource(once.out.bytes), server);
    expect(Buffer.from(twice.out.bytes).equals(Buffer.from(once.out.bytes))).toBe(true);
    expect(twice.pseudonym).toBe(once.pseudonym);
    expect(server.patients.size).toBe(1);
  });

  it('keeps the UIDs and dates of a file de-identified with a site\'s keys, and gives its patient one pseudonym of the server\'s', async () => {
    const site = memoryKeys(9, 1);
    const server = memoryKeys(7, 500);
    const atSite = await Promise.all(series.files.map(async (f) => (await deidentifyWithKeys(readSource(f), site)).out.bytes));
    const uploaded = await Promise.all(atSite.map(async (f) => deidentifyWithKeys(readSource(f), server)));
    for (const [k, up] of uploaded.entries()) {
      const before = facts(atSite[k]);
      const after = facts(up.out.bytes);
      for (const key of ['sop', 'series', 'study', 'frame', 'studyDate'] as const) expect(after[key], key).toBe(before[key]);
      expect(before.patientId).toBe('CTAW-000001');
      expect(after.patientId).toBe('CTAW-000500');
      expect(up.pseudonym).toBe('CTAW-000500');
    }
    // The source files themselves, uploaded to the server, are another patient to it (it cannot
    // know the two are one without the identity), with UIDs of its own keys.
    const direct = await deidentifyWithKeys(readSource(series.files[0]), server);
    expect(facts(direct.out.bytes).sop).not.toBe(facts(atSite[0]).sop);
  });

  it('keeps only UIDs of the mapped shape: a source UID in a file marked de-identified is still mapped', () => {
    const secret = new Uint8Array(32).fill(3);
    expect(looksMapped(mappedUid(secret, '1.2.3.4'))).toBe(true);
    expect(looksMapped('1.2.840.113619.2.55.3.604688119')).toBe(false);
    // A random (version 4) UUID UID, as many scanners make: not of the mapped shape.
    expect(looksMapped(`2.25.${BigInt('0x1b4e28ba2fa1411da0c4b2a3c1d2e3f4').toString()}`)).toBe(false);
    expect(looksMapped('2.25.0')).toBe(false);
  });
});
