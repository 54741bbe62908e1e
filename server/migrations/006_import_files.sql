-- A running import's files, one row each, so that any replica behind the load balancer can take
-- the next file, report progress and finish the import (nothing of it lives in one process).
-- A file's name is kept only while its import runs, to name skipped files in the summary
-- (folders are often named after the patient); finishing the import removes the names.
CREATE TABLE import_files (
  import_id integer NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  seq integer GENERATED ALWAYS AS IDENTITY,
  -- 'pending' while a replica handles it (stored, or the store failed and it is skipped).
  status text NOT NULL CONSTRAINT import_files_status CHECK (status IN ('pending', 'stored', 'duplicate', 'skipped')),
  bytes bigint NOT NULL,
  name text,
  reason text,
  sop_instance_uid text,
  series_instance_uid text,
  study_instance_uid text,
  pseudonym text,
  -- seriesQuality.ts SliceFacts, for the checks at the end
  facts jsonb,
  handled_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (import_id, seq)
);
-- The same image sent twice in one import (also at once, to two replicas) is stored once.
CREATE UNIQUE INDEX import_files_image_once ON import_files (import_id, sop_instance_uid) WHERE status <> 'skipped';

-- The summary as the admin was answered (skipped files without their names), for a second look
-- or a repeated finish through another replica.
ALTER TABLE imports ADD COLUMN answer jsonb;
