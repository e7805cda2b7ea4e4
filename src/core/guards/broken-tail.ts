// Over a broken audit tail (the events since the last signed checkpoint do not verify),
// nothing that changes a database may start: a change made now could not be proven
// afterwards. Read-only work still runs, so an operator in an incident can still look.
// Mutating steps and restores both ask this; the app reads the tail, this decides.
import type { AuditProblem } from '../audit/verify-chain.js';

const UNTIL = 'until `handrail audit verify` is clean (or a lead records `handrail audit acknowledge`)';

/** Why a mutating step is refused over this tail problem; undefined when the tail is intact. */
export function mutatingStepRefusal(problem: AuditProblem | null): string | undefined {
  if (!problem) return undefined;
  return `${brokenAt(problem)}; mutating steps are refused until \`handrail audit verify\` is clean; this step was not run and nothing was changed`;
}

/** Why a restore is refused over this tail problem; undefined when the tail is intact. */
export function restoreRefusal(problem: AuditProblem | null): string | undefined {
  if (!problem) return undefined;
  return `${brokenAt(problem)}; a restore changes a database, so it is refused ${UNTIL}; nothing was changed`;
}

function brokenAt(problem: AuditProblem): string {
  return `the audit trail is broken at event ${problem.seq} (${problem.kind}): ${problem.message}`;
}
