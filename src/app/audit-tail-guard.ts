// The start-up check of the audit trail (docs/DESIGN.md, "Audit trail"): before a run
// drives its steps, or a restore, the events since the last signed checkpoint are verified.
// What is refused over a broken tail is decided in src/core/guards/broken-tail.ts; this
// reads the tail and records the refusal.
import { join } from 'node:path';
import type { AuditProblem } from '../core/audit/verify-chain.js';
import { mutatingStepRefusal } from '../core/guards/broken-tail.js';
import { readPublicKey } from '../store/audit-keys.js';
import { checkAuditTail } from '../store/audit-tail.js';
import type { AppDatabase } from '../store/open-database.js';
import type { RunStore } from '../store/run-store.js';

export class AuditTailGuard {
  constructor(
    private readonly db: AppDatabase['db'],
    private readonly store: RunStore,
    private readonly dataDir: string,
  ) {}

  /** The first problem of the tail, or null when it is intact. Never throws: a failed check is a problem. */
  problem(): AuditProblem | null {
    try {
      return checkAuditTail(this.db, () => this.store.audit.checkpoints(), readPublicKey(join(this.dataDir, 'keys'))).problem;
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return { seq: 0, kind: 'key-missing', message: `the audit trail could not be checked: ${why}` };
    }
  }

  /**
   * For a run about to drive its steps: undefined when the tail is intact; otherwise why
   * mutating steps are refused, recorded as an `audit.tail-broken` event of the run.
   */
  refusalFor(runId: string, operator: string): string | undefined {
    const problem = this.problem();
    if (!problem) return undefined;
    this.store.appendEvent({ operator, kind: 'audit.tail-broken', runId, body: { ...problem } });
    return mutatingStepRefusal(problem);
  }
}
