-- A lead's review of a case whose assigned reads are all in (server/study/review*.ts): the readers'
-- agreement as the lead's browser computed it, kept with the versions of the reads it came from;
-- the review's state; and which stored results are a consensus read.
--
-- A case's review state is derived, never stored as such: adjudicated once a consensus result is
-- stored for it, else in_review once a lead opened its review (case_reviews), else to_review.

-- A result stored by a lead who is not assigned to its case (server/gateway/blindedStore.ts): the
-- consensus read that settles the case. Readers never see it (the blinding rules: a reader sees
-- their own results only).
ALTER TABLE results ADD COLUMN consensus boolean NOT NULL DEFAULT false;
CREATE INDEX results_consensus_case_idx ON results (case_id) WHERE consensus;

-- The agreement kept per case: one row, replaced by the next PUT. It stands for the reads only
-- while `versions` (ReadVersion[], by userId, the latest SEG and SR SOP Instance UID of each
-- assigned reader) equals what they are now; a newer result of any reader makes it stale.
-- `summary` is the queue's figures of it (summarize() in src/model/review.ts), kept beside it so
-- that the queue sorts thousands of cases without reading every agreement. computed_at: when the
-- lead's PUT kept it (the server's clock; the agreement's own computedAt is the browser's).
CREATE TABLE case_agreements (
  case_id integer PRIMARY KEY REFERENCES cases (id),
  versions jsonb NOT NULL,
  agreement jsonb NOT NULL,
  summary jsonb NOT NULL,
  computed_at timestamptz NOT NULL,
  computed_by integer NOT NULL REFERENCES users (id)
);

-- Set when a lead opens a case's review (POST /api/cases/:id/review).
CREATE TABLE case_reviews (
  case_id integer PRIMARY KEY REFERENCES cases (id),
  state text NOT NULL CONSTRAINT case_reviews_state CHECK (state IN ('in_review')),
  lead_id integer NOT NULL REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);
