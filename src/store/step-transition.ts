import type { RunStep } from '../contract/run.js';
import { FINISHED_STEP_STATUSES, type StepStatus } from '../contract/run-states.js';

export interface StepChange {
  exitCode?: number | null;
  signal?: string | null;
  reason?: string | null;
  note?: string | null;
  /** Refuse the change unless the step is in one of these states (guards a stale caller). */
  from?: readonly StepStatus[];
}

const FINISHED: readonly StepStatus[] = FINISHED_STEP_STATUSES;

/**
 * The step after moving to `status` at `now`. Entering `running` starts a new attempt
 * (attempt + 1, fresh start time; the previous exit code, signal, reason and finish time
 * cleared) so output and results of a retry never mix with the attempt before. A finished
 * status sets the finish time. Fields given in `change` overwrite the stored ones.
 */
export function nextStep(current: RunStep, status: StepStatus, change: StepChange, now: string): RunStep {
  const starting = status === 'running';
  const carry = <T>(given: T | undefined, stored: T | null): T | null =>
    given !== undefined ? given : starting ? null : stored;
  return {
    ...current,
    status,
    attempt: starting ? current.attempt + 1 : current.attempt,
    exitCode: carry(change.exitCode, current.exitCode),
    signal: carry(change.signal, current.signal),
    reason: carry(change.reason, current.reason),
    note: change.note !== undefined ? change.note : current.note,
    startedAt: starting ? now : current.startedAt,
    finishedAt: FINISHED.includes(status) ? now : starting ? null : current.finishedAt,
  };
}
