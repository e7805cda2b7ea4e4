// Each run's verdict ("succeeded with deviations (2)"), by the one rule in
// core/audit/run-verdict.ts, for the CLI and the consoles alike.
import type { RunListEntry, RunListItem } from '../contract/api.js';
import type { RunStatus } from '../contract/run.js';
import { toReportEvent } from '../core/audit/report-model.js';
import { runVerdict, type RunVerdictInfo } from '../core/audit/run-verdict.js';
import type { AppDatabase } from '../store/open-database.js';
import { deviationEventsOfRuns } from '../store/run-deviation-events-read.js';

/** The verdict of each run, read in one query for all of them. */
export function verdictsOf(db: AppDatabase['db'], runs: readonly { id: string; status: RunStatus }[]): Map<string, RunVerdictInfo> {
  const events = deviationEventsOfRuns(db, runs.map((r) => r.id));
  return new Map(runs.map((run) => [run.id, runVerdict(run.status, (events.get(run.id) ?? []).map(toReportEvent))]));
}

export function withVerdicts(db: AppDatabase['db'], page: { total: number; runs: RunListItem[] }): { total: number; runs: RunListEntry[] } {
  const verdicts = verdictsOf(db, page.runs);
  return { total: page.total, runs: page.runs.map((run) => ({ ...run, ...(verdicts.get(run.id) ?? { verdict: run.status, deviations: 0 }) })) };
}
