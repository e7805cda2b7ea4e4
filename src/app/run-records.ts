// Runs as every screen shows them: each row checked against the run's chain events first
// (core/audit/run-record.ts), so an edited `runs` or `steps` row is named and the chain's
// values are what a person sees. One read transaction per check: a run being written by
// another process is seen as of one moment, rows and events alike.
import type { RunListItem } from '../contract/api.js';
import type { RecordMismatch } from '../contract/record-check.js';
import type { Run, RunStep } from '../contract/run.js';
import { checkRunRecord, shownMessage, type RunRecordCheck } from '../core/audit/run-record.js';
import { runRecordEvents, runsBeforeChain, runsById, runSourceSha256 } from '../store/run-record-read.js';
import type { RunRowItem } from '../store/run-query.js';
import { snapshotIdsOfRun } from '../store/run-snapshots-read.js';
import type { AppDatabase } from '../store/open-database.js';
import type { RunStore } from '../store/run-store.js';
import type { SnapshotStore } from '../store/snapshot-store.js';

export interface CheckedRun {
  run: Run;
  tampering: RecordMismatch[];
}

export interface CheckedRunDetail extends CheckedRun {
  steps: RunStep[];
}

/** A page of runs (no steps): the run-level columns against each run's events. */
export function checkRuns(db: AppDatabase['db'], runs: readonly Run[]): CheckedRun[] {
  return db.transaction(() => {
    const events = runRecordEvents(db, runs.map((r) => r.id));
    const unrecorded = runs.filter((r) => (events.get(r.id) ?? []).length === 0).map((r) => r.id);
    const legacy = runsBeforeChain(db, unrecorded);
    return runs.map((run) => toChecked(checkRunRecord({ run, events: events.get(run.id) ?? [], predatesChain: legacy.has(run.id) })));
  })();
}

/** A page of the runs list as shown: the chain's values, and where the row differs. */
export function checkListItems(db: AppDatabase['db'], items: readonly RunRowItem[]): RunListItem[] {
  const checked = new Map(checkRuns(db, runsById(db, items.map((i) => i.id))).map((c) => [c.run.id, c]));
  return items.map((item) => {
    const c = checked.get(item.id);
    if (!c) return { ...item, tampering: [] };
    const { id, runbookId, runbookVersion, environment, operator, status, startedAt, finishedAt, incident } = c.run;
    return { id, runbookId, runbookVersion, environment, operator, status, startedAt, finishedAt, incident: incident ?? null, tampering: c.tampering };
  });
}

/** One run whole: the row (read again here), its steps, its snapshots and its stored runbook bytes. */
export function checkRun(db: AppDatabase['db'], store: RunStore, snapshots: SnapshotStore, runId: string): CheckedRunDetail | undefined {
  return db.transaction(() => {
    const run = store.getRun(runId);
    if (!run) return undefined;
    const events = runRecordEvents(db, [run.id]).get(run.id) ?? [];
    const check = checkRunRecord({
      run,
      steps: store.listSteps(run.id),
      snapshots: snapshotIdsOfRun(db, run.id).flatMap((id) => snapshots.get(id) ?? []),
      events,
      sourceSha256: runSourceSha256(db, run.id),
      predatesChain: events.length === 0 && runsBeforeChain(db, [run.id]).has(run.id),
    });
    return { ...toChecked(check), steps: check.steps };
  })();
}

function toChecked(check: RunRecordCheck): CheckedRun {
  return { run: check.run, tampering: check.mismatches.map((m) => ({ ...m, message: shownMessage(m) })) };
}

/** The refusal when a run's record does not match its chain, for actions that would rely on it. */
export function tamperRefusal(checked: CheckedRun, action: string): string | undefined {
  const [first] = checked.tampering;
  if (!first) return undefined;
  const more = checked.tampering.length > 1 ? ` (and ${checked.tampering.length - 1} more)` : '';
  return `${first.message}${more}. The record of run ${checked.run.id} was changed outside Handrail, so it cannot be ${action}; nothing was executed. ` +
    'Run handrail audit verify to see every difference, and find out who edited the database before going on.';
}
