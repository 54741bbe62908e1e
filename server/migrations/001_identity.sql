-- Accounts, sessions, lock-out state and the audit log (server/identity/).
-- Portable PostgreSQL: runs on a PostgreSQL server (15 and later) and on the embedded PGlite.

CREATE TABLE users (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- stored lower case; names are compared as typed after trimming and lower-casing
  username text NOT NULL UNIQUE CONSTRAINT users_username_format CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{0,63}$'),
  display_name text NOT NULL CONSTRAINT users_display_name_length CHECK (length(display_name) BETWEEN 1 AND 200),
  role text NOT NULL CONSTRAINT users_role CHECK (role IN ('reader', 'lead', 'admin')),
  -- argon2id PHC string; null: the account cannot log in with a password (an OIDC account later)
  password_hash text,
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The cookie carries a random 256-bit token; only its SHA-256 is stored, so a copy of this table
-- does not let anyone in.
CREATE TABLE sessions (
  id text PRIMARY KEY CONSTRAINT sessions_id_sha256 CHECK (id ~ '^[0-9a-f]{64}$'),
  user_id integer NOT NULL REFERENCES users (id),
  -- sent back in the x-csrf-token header on every state-changing request
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  -- idle expiry: refreshed at most once a minute while the session is used
  last_seen_at timestamptz NOT NULL,
  -- absolute expiry
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);
CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

-- Failed logins per user name as typed (names without an account too, so that a lock-out says
-- nothing about which names exist). A successful login removes the row.
CREATE TABLE login_throttle (
  username_key text PRIMARY KEY,
  -- failures (and attempts still being checked) within the last window, oldest first
  failed_at timestamptz[] NOT NULL,
  locked_until timestamptz
);

-- Who did what, when. Rows are only ever added: the triggers below refuse UPDATE, DELETE and
-- TRUNCATE. Only the table's owner (or a superuser) could drop them, so on a shared server the
-- gateway should run as a role that does not own the table.
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  user_id integer REFERENCES users (id),
  action text NOT NULL,
  target text,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  ip text
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_user_id_idx ON audit_log (user_id);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
