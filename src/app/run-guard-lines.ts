// What `show` says about a run's waived and passed guards: each break-glass deviation (what
// was waived and the operator's reason, in the report's words) and the approval it ran under.
// The run's last line sends the operator to `show` for its deviations, so they must be there.
// And a team lock its end or abort could not release (held for the whole team until a lead
// does), which the run's status alone would hide.
import { approvedText } from '../core/audit/report-approvals.js';
import { deviationText, DEVIATION_EVENT } from '../core/guards/break-glass.js';
import { runEventsOfKind } from '../store/audit-search.js';
import type { AppDatabase } from '../store/open-database.js';
import { keptLockNotes } from './team/team-lock-kept.js';

export interface RunGuardLines {
  deviations: string[];
  approvals: string[];
  teamLocksKept: string[];
}

export function runGuardLines(db: AppDatabase, runId: string): RunGuardLines {
  const body = (e: { body?: unknown }) => (e.body ?? {}) as Record<string, unknown>;
  return {
    deviations: runEventsOfKind(db.db, runId, DEVIATION_EVENT).map((e) => deviationText(body(e))),
    approvals: runEventsOfKind(db.db, runId, 'approval.accepted').map((e) => approvedText(body(e))),
    teamLocksKept: keptLockNotes(db.db, runId),
  };
}
