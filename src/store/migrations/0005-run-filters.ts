// Never edit this file once released; see 0001-runs.ts.
//
// The consoles' Audit view lists runs newest first, filtered by operator, runbook,
// environment or status, a page at a time, with the total count; it must stay fast with
// 100,000 runs. Each index serves one filter and the order at once (SQLite walks it
// backwards for DESC), so a page is a short index range scan and a count never reads the
// table. The runbook index also answers "last run of this runbook" for the Runbooks view,
// and the snapshot index a run's snapshots.

export const name = '0005-run-filters';

export const sql = `
CREATE INDEX runs_by_operator ON runs (operator, started_at);
CREATE INDEX runs_by_runbook ON runs (runbook_id, started_at);
CREATE INDEX runs_by_environment ON runs (environment, started_at);
CREATE INDEX runs_by_status ON runs (status, started_at);
CREATE INDEX snapshots_by_run ON snapshots (run_id) WHERE run_id IS NOT NULL;
`;
