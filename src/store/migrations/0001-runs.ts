// Never edit this file once released: migrate.ts refuses a database whose recorded hash of
// this SQL differs from the code's. Change the schema with a new numbered migration.
//
// The SQL lives in a .ts file so that tsc puts it in dist/ with the code; there are no
// loose .sql files to copy. STRICT tables make SQLite reject a value of the wrong type
// instead of storing it silently. Timestamps are ISO 8601 UTC text.

export const name = '0001-runs';

export const sql = `
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  runbook_id TEXT NOT NULL,
  runbook_version TEXT NOT NULL,
  runbook_sha256 TEXT NOT NULL CHECK (length(runbook_sha256) = 64),
  runbook_path TEXT NOT NULL,
  -- The exact bytes the run is bound to: a resume uses these, not the file as it is now.
  runbook_source BLOB NOT NULL,
  environment TEXT NOT NULL,
  operator TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'aborted', 'interrupted')),
  -- Secret inputs are redacted before they reach the store.
  inputs_json TEXT NOT NULL CHECK (json_valid(inputs_json)),
  -- Which process runs it, so that on the next start a crash can be told from a live run.
  pid INTEGER,
  host TEXT,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  CHECK (status <> 'running' OR (pid IS NOT NULL AND host IS NOT NULL))
) STRICT;

CREATE INDEX runs_by_start ON runs (started_at DESC);

CREATE TABLE steps (
  run_id TEXT NOT NULL REFERENCES runs (id),
  idx INTEGER NOT NULL CHECK (idx >= 0),
  title TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('sh', 'sql', 'http', 'manual')),
  target TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'snapshotting', 'snapshot-verified', 'running',
                                         'succeeded', 'failed', 'skipped', 'in-doubt')),
  -- Incremented on every entry into 'running'; output is kept per attempt.
  attempt INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
  exit_code INTEGER,
  signal TEXT,
  reason TEXT,
  note TEXT,
  started_at TEXT,
  finished_at TEXT,
  PRIMARY KEY (run_id, idx)
) STRICT;

-- One row per step attempt that produced output: the next chunk number and how many bytes
-- were kept or cut (beyond the per-attempt cap), so a reader can say "N bytes not kept"
-- without decompressing anything.
CREATE TABLE step_output_totals (
  run_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  chunks INTEGER NOT NULL DEFAULT 0,
  stored_bytes INTEGER NOT NULL DEFAULT 0,
  cut_bytes INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, idx, attempt),
  FOREIGN KEY (run_id, idx) REFERENCES steps (run_id, idx)
) STRICT;

-- seq orders the chunks of one attempt across both streams, as they arrived.
CREATE TABLE step_output (
  run_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr')),
  raw_bytes INTEGER NOT NULL,
  -- raw DEFLATE (node:zlib deflateRawSync) of the chunk's bytes
  data BLOB NOT NULL,
  PRIMARY KEY (run_id, idx, attempt, seq),
  FOREIGN KEY (run_id, idx, attempt) REFERENCES step_output_totals (run_id, idx, attempt)
) STRICT;

-- AUTOINCREMENT so a sequence number is never reused, even after the newest row is lost.
-- No foreign key to runs: an event must never be refused because of what it refers to.
CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  operator TEXT NOT NULL,
  kind TEXT NOT NULL,
  run_id TEXT,
  step_idx INTEGER,
  body_json TEXT NOT NULL CHECK (json_valid(body_json))
) STRICT;

CREATE INDEX events_by_run ON events (run_id, seq) WHERE run_id IS NOT NULL;

-- At most one run may mutate a database target at a time. target_key identifies the
-- database itself (for example its resolved file path or connection URL), not the step.
CREATE TABLE locks (
  target_key TEXT PRIMARY KEY,
  run_id TEXT NOT NULL REFERENCES runs (id),
  operator TEXT NOT NULL,
  acquired_at TEXT NOT NULL
) STRICT;
`;
