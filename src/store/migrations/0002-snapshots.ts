// Never edit this file once released; see 0001-runs.ts.
//
// A row is written only after the snapshot file was fsynced, checksummed, verified and
// renamed into place, so every listed snapshot is one that can be restored. A deleted
// snapshot (retention) keeps its row, with deleted_at, so the record stays whole.

export const name = '0002-snapshots';

export const sql = `
CREATE TABLE snapshots (
  id TEXT PRIMARY KEY,
  run_id TEXT REFERENCES runs (id),
  step_idx INTEGER,
  environment TEXT NOT NULL,
  target TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('sqlite', 'postgres')),
  -- What the target was when the snapshot was taken: a SQLite path or a PostgreSQL URL.
  location TEXT NOT NULL,
  path TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  verified INTEGER NOT NULL CHECK (verified IN (0, 1)),
  -- Why it was taken: before a step, by hand, or before a restore.
  reason TEXT NOT NULL CHECK (reason IN ('step', 'manual', 'pre-restore')),
  operator TEXT NOT NULL,
  created_at TEXT NOT NULL,
  deleted_at TEXT
) STRICT;

CREATE INDEX snapshots_created ON snapshots (created_at);
`;
