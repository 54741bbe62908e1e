// De-identification of one source file with a key store (the server's database or a --keys file),
// the one place that picks the pseudonym, the date shift and the UID rule for a file:
// - a source file: its patient's pseudonym and date shift, every UID mapped;
// - a file this software de-identified with the same keys (an upload of `--deidentify-only`'s
//   output made with the server's keys): kept as it is — UIDs, pseudonym and dates — so the upload
//   gives the same UIDs and a second pass changes nothing;
// - a file de-identified with other keys (a site's own --keys file): its UIDs and dates kept (the
//   site's later batches of the same patient then join the same study, and its records stay
//   valid), and its pseudonym replaced by one of these keys, one per (keys, site pseudonym).
// The profile's removals run in every case, so a marked file holds no more than any other.
import { type DeidentifiedFile, type SourceFile, deidentify, keyIdOf } from './deidentify.ts';
import type { KeyStore } from './importKeys.ts';

const PSEUDONYM = /^CTAW-\d{6}$/;

export async function deidentifyWithKeys(src: SourceFile, keys: KeyStore): Promise<{ out: DeidentifiedFile; pseudonym: string }> {
  const uidSecret = await keys.uidSecret();
  const own = keyIdOf(uidSecret);
  const sitePseudonym = src.reader.string(src.ds, 0x00100020) ?? '';
  if (src.deidentifiedWith !== null && PSEUDONYM.test(sitePseudonym)) {
    const pseudonym = src.deidentifiedWith === own ? sitePseudonym : (await keys.patient(`deidentified:${src.deidentifiedWith}|${sitePseudonym}`)).pseudonym;
    return { out: deidentify(src, { uidSecret, pseudonym, dateOffsetDays: 0, keepMappedUids: true }), pseudonym };
  }
  const patient = await keys.patient(src.patientIdentity);
  return { out: deidentify(src, { uidSecret, pseudonym: patient.pseudonym, dateOffsetDays: patient.dateOffsetDays }), pseudonym: patient.pseudonym };
}
