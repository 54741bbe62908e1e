// The keys of de-identification: the secret the new UIDs are derived from, and per source patient
// a pseudonym number and a date shift. The server keeps them in its database (005_import.sql);
// `npm run import -- --deidentify-only --keys FILE` in a local JSON file, so a site can
// de-identify before anything leaves it and upload the files later: they keep the UIDs the file's
// keys gave them (deidentifyWithKeys.ts), and the site's next batch of a patient joins the first. A patient is known by HMAC(secret, identity) only.
import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Queryable } from '../db/database.ts';
import { pseudonymOf } from './deidentify.ts';

export interface PatientKeys {
  pseudonym: string;
  pseudonymNumber: number;
  dateOffsetDays: number;
}

export interface KeyStore {
  uidSecret(): Promise<Uint8Array>;
  /** The pseudonym and date shift of a source identity (readSource's patientIdentity), made on first sight. */
  patient(identity: string): Promise<PatientKeys>;
}

// Whole years and a few days back (PS3.15 leaves the shift to the implementer): far enough that
// the dates say nothing, the same weekday rhythm is not kept on purpose.
function newDateOffsetDays(): number {
  return -randomInt(365, 3653);
}

export function patientKeyOf(secret: Uint8Array, identity: string): string {
  return createHmac('sha256', secret).update(`patient\n${identity}`).digest('hex');
}

export class DbKeyStore implements KeyStore {
  private secret: Uint8Array | null = null;
  private readonly patients = new Map<string, Promise<PatientKeys>>();

  constructor(private readonly db: Queryable) {}

  async uidSecret(): Promise<Uint8Array> {
    if (this.secret) return this.secret;
    // Two first imports at once both insert; the row that won is read back by both.
    await this.db.query('INSERT INTO import_keys (id, uid_secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [randomBytes(32)]);
    const row = (await this.db.query<{ uid_secret: Buffer }>('SELECT uid_secret FROM import_keys WHERE id = 1')).rows[0];
    this.secret = new Uint8Array(row.uid_secret);
    return this.secret;
  }

  patient(identity: string): Promise<PatientKeys> {
    let found = this.patients.get(identity);
    if (!found) {
      found = this.lookUp(identity);
      this.patients.set(identity, found);
      found.catch(() => this.patients.delete(identity));
    }
    return found;
  }

  private async lookUp(identity: string): Promise<PatientKeys> {
    const key = patientKeyOf(await this.uidSecret(), identity);
    await this.db.query('INSERT INTO import_patients (patient_key, date_offset_days) VALUES ($1, $2) ON CONFLICT (patient_key) DO NOTHING', [key, newDateOffsetDays()]);
    const row = (await this.db.query<{ pseudonym_number: number; date_offset_days: number }>('SELECT pseudonym_number, date_offset_days FROM import_patients WHERE patient_key = $1', [key])).rows[0];
    return { pseudonym: pseudonymOf(row.pseudonym_number), pseudonymNumber: row.pseudonym_number, dateOffsetDays: row.date_offset_days };
  }
}

interface KeysFile {
  format: 'ctaw-import-keys-1';
  uidSecret: string;
  patients: Record<string, { pseudonymNumber: number; dateOffsetDays: number }>;
}

/** A local keys file (created when missing; written after each new patient). */
export class FileKeyStore implements KeyStore {
  private readonly data: KeysFile;

  constructor(private readonly path: string) {
    if (existsSync(path)) {
      const data = JSON.parse(readFileSync(path, 'utf8')) as KeysFile;
      if (data.format !== 'ctaw-import-keys-1' || !/^[0-9a-f]{64}$/.test(data.uidSecret)) throw new Error(`${path} is not a CTAW import keys file`);
      this.data = data;
    } else {
      this.data = { format: 'ctaw-import-keys-1', uidSecret: randomBytes(32).toString('hex'), patients: {} };
      this.save();
    }
  }

  private save(): void {
    writeFileSync(`${this.path}.tmp`, JSON.stringify(this.data, null, 2), { mode: 0o600 });
    renameSync(`${this.path}.tmp`, this.path);
  }

  async uidSecret(): Promise<Uint8Array> {
    return new Uint8Array(Buffer.from(this.data.uidSecret, 'hex'));
  }

  async patient(identity: string): Promise<PatientKeys> {
    const key = patientKeyOf(await this.uidSecret(), identity);
    let p = this.data.patients[key];
    if (!p) {
      const pseudonymNumber = Math.max(0, ...Object.values(this.data.patients).map((x) => x.pseudonymNumber)) + 1;
      p = this.data.patients[key] = { pseudonymNumber, dateOffsetDays: newDateOffsetDays() };
      this.save();
    }
    return { pseudonym: pseudonymOf(p.pseudonymNumber), pseudonymNumber: p.pseudonymNumber, dateOffsetDays: p.dateOffsetDays };
  }
}
