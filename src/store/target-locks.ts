import type { Database } from 'better-sqlite3';
import { oneOf, RUN_STATUSES, type RunStatus } from '../contract/run-states.js';

export interface LockHolder {
  runId: string;
  operator: string;
  acquiredAt: string;
  /** The holder's run status: an `interrupted` holder keeps its locks until resumed or aborted. */
  runStatus: RunStatus;
}

export type LockResult = { acquired: true } | { acquired: false; holder: LockHolder };

interface HolderRow {
  run_id: string;
  operator: string;
  acquired_at: string;
  status: string;
}

/**
 * Takes the lock on a database target for a run, so two runs never mutate the same database
 * at once. Re-entrant for the run that already holds it (a resumed run keeps its locks).
 * A refusal names the holder, so the operator knows whom to ask.
 */
export function acquireLock(
  db: Database,
  targetKey: string,
  runId: string,
  operator: string,
  at: string,
): LockResult {
  return db
    .transaction((): LockResult => {
      const holder = db
        .prepare(
          'SELECT l.run_id, l.operator, l.acquired_at, r.status FROM locks l JOIN runs r ON r.id = l.run_id WHERE l.target_key = ?',
        )
        .get(targetKey) as HolderRow | undefined;
      if (holder?.run_id === runId) return { acquired: true };
      if (holder) {
        return {
          acquired: false,
          holder: {
            runId: holder.run_id,
            operator: holder.operator,
            acquiredAt: holder.acquired_at,
            runStatus: oneOf(RUN_STATUSES, holder.status, `the status of run ${holder.run_id}`),
          },
        };
      }
      db.prepare('INSERT INTO locks (target_key, run_id, operator, acquired_at) VALUES (?, ?, ?, ?)').run(
        targetKey,
        runId,
        operator,
        at,
      );
      return { acquired: true };
    })
    .immediate();
}

/** Releases the run's lock on the target; returns false when the run did not hold it. */
export function releaseLock(db: Database, targetKey: string, runId: string): boolean {
  return db.prepare('DELETE FROM locks WHERE target_key = ? AND run_id = ?').run(targetKey, runId).changes > 0;
}

/** Releases every lock of a run (it finished). */
export function releaseRunLocks(db: Database, runId: string): number {
  return db.prepare('DELETE FROM locks WHERE run_id = ?').run(runId).changes;
}
