// Never edit this file once released; see 0001-runs.ts.
//
// The incident or ticket id a run was started for (`run --incident`, an alert link). The
// run.started event carries it too, so the chain vouches for it (core/audit/run-record.ts);
// this column is what `runs --incident` and the Audit view filter on, through the index, as
// they do on operator, runbook and environment (0005).

export const name = '0010-run-incident';

export const sql = `
ALTER TABLE runs ADD COLUMN incident TEXT;
CREATE INDEX runs_by_incident ON runs (incident, started_at) WHERE incident IS NOT NULL;
`;
