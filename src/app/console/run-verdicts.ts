// Each listed run's verdict ("succeeded with deviations (2)"), by the one rule in
// core/audit/run-verdict.ts, and what an abort from the console records.
import type { RunListEntry, RunListItem } from '../../contract/api.js';
import { toReportEvent } from '../../core/audit/report-model.js';
import { runVerdict } from '../../core/audit/run-verdict.js';
import type { AppDatabase } from '../../store/open-database.js';
import { deviationEventsOfRuns } from '../../store/run-deviation-events-read.js';

export function withVerdicts(db: AppDatabase['db'], page: { total: number; runs: RunListItem[] }): { total: number; runs: RunListEntry[] } {
  const events = deviationEventsOfRuns(db, page.runs.map((r) => r.id));
  return {
    total: page.total,
    runs: page.runs.map((run) => ({ ...run, ...runVerdict(run.status, (events.get(run.id) ?? []).map(toReportEvent)) })),
  };
}
