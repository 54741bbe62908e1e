-- What the reading workflow and the blinding gateway need beyond 002: when a reader first opened a
-- case (the worklist's "in progress"), who owns each result series (claimed before the first
-- object of it is stored, so two users can never share one), and the indexes behind the per-request
-- access checks and the worklist.

-- Set by POST /api/cases/:id/opened the first time the assigned reader opens the case.
ALTER TABLE assignments ADD COLUMN opened_at timestamptz;

-- One owner per result series. Inserted (ON CONFLICT DO NOTHING) before a STOW is forwarded to
-- Orthanc: whoever inserts first owns the series, every later store into it by someone else is
-- refused. A row can outlive a failed store; it then names an empty series of its owner.
CREATE TABLE result_series (
  series_instance_uid text PRIMARY KEY,
  study_instance_uid text NOT NULL,
  case_id integer NOT NULL REFERENCES cases (id),
  user_id integer NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX result_series_case_user_idx ON result_series (case_id, user_id);

-- The gateway looks cases up by the CT series (and study) a DICOMweb request names.
CREATE INDEX cases_series_instance_uid_idx ON cases (series_instance_uid);
CREATE INDEX cases_study_instance_uid_idx ON cases (study_instance_uid);
-- The worklist: one reader's assignments with their cases.
CREATE INDEX assignments_user_case_idx ON assignments (user_id, case_id);
-- A case's audit trail (target 'case:<id>').
CREATE INDEX audit_log_target_at_idx ON audit_log (target, at);
