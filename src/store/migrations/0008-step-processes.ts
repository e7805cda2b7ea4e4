// Never edit this file once released; see 0001-runs.ts.
//
// A local step runs as the leader of its own process group. Its pid (= the group id) and the
// leader's start time are committed before the step's command starts, so after Handrail dies
// (kill -9, a dropped terminal) the next `resume` or console can tell whether the step's
// command is still running and stop it before anything runs it a second time. The start time
// (clock ticks since boot, /proc/PID/stat field 22) tells the step from an unrelated process
// given the same pid later; it is NULL where there is no /proc.

export const name = '0008-step-processes';

export const sql = `
CREATE TABLE step_processes (
  run_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  attempt INTEGER NOT NULL CHECK (attempt >= 1),
  host TEXT NOT NULL,
  pid INTEGER NOT NULL CHECK (pid > 0),
  start_ticks INTEGER,
  started_at TEXT NOT NULL,
  PRIMARY KEY (run_id, idx, attempt),
  FOREIGN KEY (run_id, idx) REFERENCES steps (run_id, idx)
) STRICT;
`;
