// The audit trail's state for the consoles' badge: the tail check (events since the last
// signed checkpoint, as a run checks before it changes anything) at start, and a full
// verification when asked for.
import type { AuditStatus } from '../../contract/api.js';
import type { AppDatabase } from '../../store/open-database.js';
import { auditCounts } from '../../store/audit-events-read.js';
import type { AuditProblem } from '../../core/audit/verify-chain.js';
import type { AuditVerification } from '../audit-service.js';

export function tailStatus(db: AppDatabase['db'], problem: AuditProblem | null): AuditStatus {
  return {
    ok: problem === null,
    ...auditCounts(db),
    firstProblem: problem ? `event ${problem.seq} (${problem.kind}): ${problem.message}` : null,
    checkedAt: new Date().toISOString(),
  };
}

export function verifiedStatus(result: AuditVerification): AuditStatus {
  const first = result.problems[0];
  return {
    ok: result.ok,
    events: result.events,
    checkpoints: result.checkpoints,
    firstProblem: first ? `event ${first.seq} (${first.kind}): ${first.message}` : null,
    checkedAt: new Date().toISOString(),
  };
}
