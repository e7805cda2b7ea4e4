import type { Run, RunStep } from '../contract/run.js';
import { oneOf, RUN_STATUSES, runInputsOf, STEP_KINDS, STEP_STATUSES } from '../contract/run-states.js';

/** Columns of `runs` except the runbook source, which only getRunbookSource reads. */
export const RUN_COLUMNS =
  'id, runbook_id, runbook_version, runbook_sha256, runbook_path, environment, operator, status, ' +
  'inputs_json, pid, host, started_at, finished_at, incident';

export interface RunRow {
  id: string;
  runbook_id: string;
  runbook_version: string;
  runbook_sha256: string;
  runbook_path: string;
  environment: string;
  operator: string;
  status: string;
  inputs_json: string;
  pid: number | null;
  host: string | null;
  started_at: string;
  finished_at: string | null;
  incident: string | null;
}

export interface StepRow {
  run_id: string;
  idx: number;
  title: string;
  kind: string;
  target: string | null;
  status: string;
  attempt: number;
  exit_code: number | null;
  signal: string | null;
  reason: string | null;
  note: string | null;
  started_at: string | null;
  finished_at: string | null;
}

// The CHECK constraints already hold these values; parsing them again turns a schema that
// drifted from the contract into an error at the row that shows it, not a wrong screen later.

export function toRun(row: RunRow): Run {
  return {
    id: row.id,
    runbookId: row.runbook_id,
    runbookVersion: row.runbook_version,
    runbookSha256: row.runbook_sha256,
    runbookPath: row.runbook_path,
    environment: row.environment,
    operator: row.operator,
    status: oneOf(RUN_STATUSES, row.status, `the status of run ${row.id}`),
    inputs: runInputsOf(JSON.parse(row.inputs_json)),
    pid: row.pid,
    host: row.host,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    incident: row.incident,
  };
}

export function toStep(row: StepRow): RunStep {
  return {
    runId: row.run_id,
    idx: row.idx,
    title: row.title,
    kind: oneOf(STEP_KINDS, row.kind, `the kind of step ${row.idx} of run ${row.run_id}`),
    target: row.target,
    status: oneOf(STEP_STATUSES, row.status, `the status of step ${row.idx} of run ${row.run_id}`),
    attempt: row.attempt,
    exitCode: row.exit_code,
    signal: row.signal,
    reason: row.reason,
    note: row.note,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** The step row to write for `step` with every column as given (see RunStore.setStepStatus). */
export function toStepRow(step: RunStep): StepRow {
  return {
    run_id: step.runId,
    idx: step.idx,
    title: step.title,
    kind: step.kind,
    target: step.target,
    status: step.status,
    attempt: step.attempt,
    exit_code: step.exitCode,
    signal: step.signal,
    reason: step.reason,
    note: step.note,
    started_at: step.startedAt,
    finished_at: step.finishedAt,
  };
}
