// Never edit this file once released; see 0001-runs.ts.
//
// The audit trail becomes a hash chain (docs/DESIGN.md, "Audit trail";
// src/core/audit/chain-hash.ts defines the hash). Each event commits to its body's SHA-256; the body sits in its own table,
// so a leaked secret can later be purged from a body without breaking the chain.
//
// The rows of the old `events` table cannot be chained here (SQLite has no SHA-256), so the
// table is kept, renamed, outside the chain, instead of dropping what it recorded. A view named
// `events` with the old columns keeps existing readers working.

export const name = '0003-audit-chain';

export const sql = `
ALTER TABLE events RENAME TO events_before_audit_chain;

-- seq is assigned by the store (last seq + 1, in the appending transaction) and never reused:
-- rows are never deleted. No foreign keys: an event must never be refused because of what it
-- refers to.
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY CHECK (seq >= 1),
  at TEXT NOT NULL,
  operator TEXT NOT NULL,
  machine TEXT NOT NULL,
  app_version TEXT NOT NULL,
  kind TEXT NOT NULL,
  run_id TEXT,
  step_idx INTEGER,
  environment TEXT,
  target TEXT,
  body_sha256 TEXT NOT NULL CHECK (length(body_sha256) = 64),
  prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
  hash TEXT NOT NULL CHECK (length(hash) = 64)
) STRICT;

CREATE INDEX audit_events_by_run ON audit_events (run_id, seq) WHERE run_id IS NOT NULL;

-- Not guarded by triggers: purging a leaked secret from a body is an intended (recorded) change.
CREATE TABLE audit_bodies (
  seq INTEGER PRIMARY KEY,
  body_json TEXT NOT NULL CHECK (json_valid(body_json))
) STRICT;

CREATE TABLE audit_checkpoints (
  seq INTEGER PRIMARY KEY,
  head_hash TEXT NOT NULL CHECK (length(head_hash) = 64),
  at TEXT NOT NULL,
  signature TEXT NOT NULL,
  public_key_fingerprint TEXT NOT NULL
) STRICT;

-- These guard against bugs; 'audit verify' guards against people (anyone can drop a trigger).
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: an audit event can never be changed'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: an audit event can never be deleted'); END;
CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only: a checkpoint can never be changed'); END;
CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only: a checkpoint can never be deleted'); END;

CREATE VIEW events (seq, at, operator, kind, run_id, step_idx, body_json) AS
  SELECT e.seq, e.at, e.operator, e.kind, e.run_id, e.step_idx, b.body_json
  FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq;
`;
