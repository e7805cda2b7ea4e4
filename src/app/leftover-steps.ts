// A step's command still running from a Handrail process that died (kill -9, a crash): found
// from the process group recorded before the command started, and stopped before anything
// may run that step again, so there is never a second copy beside the first.
import type { RunStore } from '../store/run-store.js';
import type { RecordedStepProcess } from '../store/step-processes.js';
import { isGroupAlive, stopGroup } from '../targets/process-groups.js';
import type { RunningLeftover } from '../contract/leftover.js';
import { UserError } from './errors.js';
import { LeftoverRefusal } from './leftover-question.js';

/** How long a leftover gets to exit after SIGTERM before it gets SIGKILL. */
export const LEFTOVER_GRACE_MS = 5_000;

export interface Leftover extends RecordedStepProcess {
  /** "step 3's command (pid 1234, started 12:01:03)" */
  description: string;
}

/**
 * The run's cut-off steps whose process group is still alive on this machine. A group
 * recorded on another host cannot be checked from here: it is reported as possibly running.
 * A group on an SSH host is checked there, over a new connection, by the resume itself
 * (remote-leftovers.ts).
 */
export function findLeftovers(store: RunStore, runId: string): Leftover[] {
  return store
    .unsettledStepProcesses(runId)
    .filter((p) => p.sshLogin === null)
    .filter((p) => p.host !== store.host || isGroupAlive(p))
    .map((p) => ({ ...p, description: describe(p, store.host) }));
}

export function leftoverReport(leftovers: readonly Leftover[]): string {
  return leftovers.map((l) => `${l.description} is still running from the run that died`).join('; ');
}

/**
 * A group recorded on another machine (the data folder moved, or restored from a copy) can be
 * neither checked nor stopped from here: refused before anyone is asked or offered
 * --stop-leftover, since neither could be carried out.
 */
export function refuseLeftoversElsewhere(store: RunStore, leftovers: readonly Leftover[]): void {
  const elsewhere = leftovers.find((l) => l.host !== store.host);
  if (elsewhere) {
    throw new UserError(
      `${elsewhere.description} ran on ${elsewhere.host}; it can only be checked and stopped there (resume the run on ${elsewhere.host}); nothing was executed`,
    );
  }
}

/** Refuses when a leftover is running and the operator did not choose to stop it; `shown` is what runs, for a face to show. */
export function refuseLeftovers(runId: string, leftovers: readonly Leftover[], shown: RunningLeftover[]): never {
  throw new LeftoverRefusal(
    `${leftoverReport(leftovers)}; running the run again now could make a second copy beside it. ` +
      `Wait for it to end, or stop it with: handrail resume ${runId} --stop-leftover (SIGTERM, then SIGKILL after ${LEFTOVER_GRACE_MS / 1000} s); nothing was executed`,
    shown,
  );
}

/** Stops each leftover (TERM, then KILL) and waits until it is gone; audited, and said through `notice` (a line for the operator). */
export async function stopLeftovers(
  store: RunStore,
  runId: string,
  operator: string,
  leftovers: readonly Leftover[],
  notice?: (text: string) => void,
  graceMs = LEFTOVER_GRACE_MS,
): Promise<void> {
  refuseLeftoversElsewhere(store, leftovers);
  for (const leftover of leftovers) {
    const gone = await stopGroup(leftover, graceMs);
    store.appendEvent({
      operator,
      kind: gone ? 'step.process.stopped' : 'step.process.unstoppable',
      runId,
      stepIdx: leftover.idx,
      body: { pid: leftover.pid, attempt: leftover.attempt, startedAt: leftover.startedAt },
    });
    if (gone) notice?.(`stopped ${leftover.description} (SIGTERM to its group, SIGKILL after ${graceMs / 1000} s if needed)`);
    if (!gone) {
      throw new UserError(
        `${leftover.description} could not be stopped (a process in its group belongs to another user, or ignores SIGKILL); ` +
          `stop it by hand (kill -KILL -${leftover.pid}), then resume; nothing was executed`,
      );
    }
  }
}

function describe(p: RecordedStepProcess, host: string): string {
  const at = new Date(p.startedAt).toTimeString().slice(0, 8);
  return `step ${p.idx + 1}'s command (pid ${p.pid}${p.host === host ? '' : ` on ${p.host}`}, started ${at})`;
}
