-- De-identified import (server/import/): the secret the new UIDs are derived from, one row per
-- source patient (pseudonym number and date shift), and a record of each import. Only admins
-- reach them (/api/import/*); nothing here holds a patient's name or ID: a patient is known by
-- HMAC-SHA256(uid secret, source ID and issuer), which cannot be reversed without the secret.

-- One row: the secret of the UID mapping (deidentify.ts mappedUid). Lose it and a later import
-- of the same patient no longer joins the earlier study.
CREATE TABLE import_keys (
  id integer PRIMARY KEY CONSTRAINT import_keys_one CHECK (id = 1),
  uid_secret bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The pseudonym is CTAW-<pseudonym_number, six digits>; date_offset_days is added to every date
-- of the patient (PS3.15 E.3.6, Retain Longitudinal Temporal Information with Modified Dates).
CREATE TABLE import_patients (
  pseudonym_number integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  patient_key text NOT NULL CONSTRAINT import_patients_key_once UNIQUE,
  date_offset_days integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One import: who, when, into which study, and its summary (counts, skipped files and refused
-- series with their reasons, by file name and new UID only).
CREATE TABLE imports (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id integer REFERENCES users (id),
  study_id integer REFERENCES studies (id),
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  summary jsonb NOT NULL DEFAULT '{}'::jsonb
);
