-- The double-blind reading study: studies, their cases, which reader reads which case, and who
-- owns each result (SEG or SR) stored in Orthanc through the gateway.

CREATE TABLE studies (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL UNIQUE,
  -- the comorbidity form the readers fill in, and the segments they paint (labels, colours, codes)
  form_schema jsonb NOT NULL DEFAULT '{}'::jsonb,
  segment_list jsonb NOT NULL DEFAULT '[]'::jsonb,
  readers_per_case integer NOT NULL DEFAULT 2 CONSTRAINT studies_readers_per_case CHECK (readers_per_case >= 1),
  -- seeds the random choice of readers per case, so an assignment can be reproduced and checked
  seed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- One CT series to read. The label is what readers see (never the patient's name).
CREATE TABLE cases (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  study_id integer NOT NULL REFERENCES studies (id),
  study_instance_uid text NOT NULL,
  series_instance_uid text NOT NULL,
  label text NOT NULL,
  CONSTRAINT cases_series_once UNIQUE (study_id, series_instance_uid),
  CONSTRAINT cases_label_once UNIQUE (study_id, label)
);

CREATE TABLE assignments (
  case_id integer NOT NULL REFERENCES cases (id),
  user_id integer NOT NULL REFERENCES users (id),
  assigned_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT assignments_once UNIQUE (case_id, user_id)
);
CREATE INDEX assignments_user_id_idx ON assignments (user_id);

-- Every result object stored through the gateway, with its owner: the blinding filter answers
-- from here which SEG/SR a caller may see.
CREATE TABLE results (
  sop_instance_uid text PRIMARY KEY,
  series_instance_uid text NOT NULL,
  study_instance_uid text NOT NULL,
  case_id integer NOT NULL REFERENCES cases (id),
  user_id integer NOT NULL REFERENCES users (id),
  kind text NOT NULL CONSTRAINT results_kind CHECK (kind IN ('seg', 'sr')),
  stored_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX results_case_user_idx ON results (case_id, user_id);
CREATE INDEX results_series_idx ON results (series_instance_uid);
