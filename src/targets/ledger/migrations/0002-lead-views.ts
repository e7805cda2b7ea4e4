// Never edit this file once released (see 0001-ledger.ts): change the ledger with a new migration.
//
// What a lead's first screen needs to stay fast on a ledger of millions of events: the newest
// runs (their `run.started` events) and how many there are, read from a small partial index
// instead of the whole events table; and a machine's output by the events that vouch for it,
// which an export reads beside each page of the chain.

export const name = '0002-lead-views';

export const sql = `
CREATE INDEX audit_events_run_starts ON handrail.audit_events (at DESC, machine_id, seq DESC) WHERE kind = 'run.started';
CREATE INDEX step_output_by_event ON handrail.step_output (machine_id, event_seq);
`;
