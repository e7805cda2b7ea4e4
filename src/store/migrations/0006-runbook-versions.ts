// Never edit this file once released; see 0001-runs.ts.
//
// Every runbook version that was saved, recorded, imported or run, kept by the SHA-256 of
// its exact bytes: `handrail history` lists them, `handrail diff` compares them, and the
// validator refuses a file whose bytes differ from a stored version with the same
// `version` (a changed runbook must carry a new version number, or two different procedures
// would share one name in the audit trail). One row per content: storing the same bytes
// again changes nothing, so the first reason, time and operator stay.
//
// Runs already in the database were bound to their runbook's bytes (runs.runbook_source),
// so they are copied in, oldest first: the history starts with what was really run.

export const name = '0006-runbook-versions';

export const sql = `
CREATE TABLE runbook_versions (
  runbook_id TEXT NOT NULL,
  version TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  source BLOB NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('saved', 'run', 'imported', 'recorded', 'seen')),
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  PRIMARY KEY (runbook_id, sha256)
) STRICT;

-- The version check looks up (runbook, version); the history lists a runbook newest first.
CREATE INDEX runbook_versions_by_version ON runbook_versions (runbook_id, version);
CREATE INDEX runbook_versions_by_time ON runbook_versions (recorded_at);

INSERT OR IGNORE INTO runbook_versions (runbook_id, version, sha256, source, reason, recorded_at, recorded_by)
  SELECT runbook_id, runbook_version, runbook_sha256, runbook_source, 'run', started_at, operator
  FROM runs ORDER BY started_at, id;
`;
