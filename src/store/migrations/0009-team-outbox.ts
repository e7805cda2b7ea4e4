// Never edit this file once released; see 0001-runs.ts.
//
// The team ledger (docs/DESIGN.md, "Team ledger"). This data folder's machine id: made once,
// at random, so two data folders on one host are two machines to the ledger, and a host
// renamed stays the same machine. And what the ledger last acknowledged of this machine's
// trail, per ledger, so `team status` can say how much waits to ship while the ledger is down.

export const name = '0009-team-outbox';

export const sql = `
CREATE TABLE team_machine (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  machine_id TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE team_shipped (
  ledger TEXT PRIMARY KEY,
  -- The last seq the ledger holds of this machine (0: none yet).
  events_seq INTEGER NOT NULL DEFAULT 0,
  shipped_at TEXT,
  -- The last failure to ship (NULL after a success): shown by team status.
  last_error TEXT,
  last_error_at TEXT
) STRICT;
`;
