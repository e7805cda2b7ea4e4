import type { Database } from 'better-sqlite3';
import type { NewEvent } from './new-records.js';
import { errorCode } from './store-error.js';

export interface InterruptedRun {
  runId: string;
  /** The process that was running it and is gone. */
  pid: number;
  /** Steps that were `running` when the process died, now `in-doubt`. */
  inDoubtSteps: number[];
}

interface RunningRow {
  id: string;
  operator: string;
  pid: number;
}

/**
 * Whether a process with this pid exists. Signal 0 checks without sending anything; EPERM
 * means it exists but belongs to another user. A pid reused by an unrelated process reads
 * as alive: the run then stays `running` until that process ends, which is the safe side
 * (a live run is never declared interrupted).
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/**
 * Crash detection at start-up: every `running` run recorded on `host` whose process is gone
 * becomes `interrupted`, and its `running` steps `in-doubt` (their side effect may or may not
 * have happened). Runs of other hosts are left alone: their pids mean nothing here.
 * Each run changes in one transaction with a `run.interrupted` event, so the audit cannot
 * miss a crash that the state records.
 */
export function markInterruptedRuns(
  db: Database,
  host: string,
  appendEvent: (event: NewEvent) => number,
  reasonFor: (runId: string) => string | undefined = () => undefined,
): InterruptedRun[] {
  const candidates = db
    .prepare("SELECT id, operator, pid FROM runs WHERE status = 'running' AND host = ? ORDER BY started_at")
    .all(host) as RunningRow[];
  const interrupted: InterruptedRun[] = [];
  for (const run of candidates) {
    if (isProcessAlive(run.pid)) continue;
    const marked = db
      .transaction((): InterruptedRun | undefined => {
        // Matching pid and host too: another process may have resumed the run (new pid)
        // since the list above was read.
        const changed = db
          .prepare("UPDATE runs SET status = 'interrupted' WHERE id = ? AND status = 'running' AND pid = ? AND host = ?")
          .run(run.id, run.pid, host).changes;
        if (changed === 0) return undefined;
        const inDoubtSteps = db
          .prepare("UPDATE steps SET status = 'in-doubt' WHERE run_id = ? AND status = 'running' RETURNING idx")
          .pluck()
          .all(run.id) as number[];
        inDoubtSteps.sort((a, b) => a - b);
        const reason = reasonFor(run.id);
        appendEvent({ operator: run.operator, kind: 'run.interrupted', runId: run.id, body: { pid: run.pid, host, inDoubtSteps, ...(reason ? { reason } : {}) } });
        return { runId: run.id, pid: run.pid, inDoubtSteps };
      })
      .immediate();
    if (marked) interrupted.push(marked);
  }
  return interrupted;
}

/** The runs markInterruptedRuns would mark, found without writing: for a disk with no room to record them. */
export function deadRuns(db: Database, host: string): { runId: string; pid: number }[] {
  const candidates = db
    .prepare("SELECT id, operator, pid FROM runs WHERE status = 'running' AND host = ? ORDER BY started_at")
    .all(host) as RunningRow[];
  return candidates.filter((run) => !isProcessAlive(run.pid)).map((run) => ({ runId: run.id, pid: run.pid }));
}
