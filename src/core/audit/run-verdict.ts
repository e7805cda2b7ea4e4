// The one rule for what a run's status says to a person: how many deviations it had and
// whether "succeeded" is plain or "with deviations". The CLI, the consoles, reports and
// --json all ask this, so a run never reads green in one place and amber in another.
import type { RunStatus, RunVerdict } from '../../contract/run.js';
import { deviations, type Deviation, type ReportEvent } from './report-model.js';

/**
 * Event kinds that can be a deviation (see `deviations`), so a store can read only these
 * for many runs at once; kinds starting with `restore.` or ending with `.refused` count too.
 */
export const DEVIATION_EVENT_KINDS = [
  'step.skipped',
  'step.retried',
  'step.decided',
  'step.failed',
  'run.interrupted',
  'run.aborted',
  'run.failed',
  'snapshot.failed',
  'output.cut',
  'guard.refused',
  'run.deviation',
] as const;

export function mayBeDeviation(kind: string): boolean {
  return (DEVIATION_EVENT_KINDS as readonly string[]).includes(kind) || kind.startsWith('restore.') || kind.endsWith('.refused');
}

/**
 * The deviations that make a success less than plain. A confirmation is the process working
 * (the operator said yes, as asked), not a departure from it, so it does not count.
 */
export function countedDeviations(list: readonly Deviation[]): Deviation[] {
  return list.filter((d) => d.category !== 'confirmation');
}

export interface RunVerdictInfo {
  verdict: RunVerdict;
  /** Deviations the run had (skips, retries, failures, in-doubt decisions, …), whatever its status. */
  deviations: number;
}

export function verdictOf(status: RunStatus, deviationCount: number): RunVerdict {
  if (status === 'succeeded') return deviationCount > 0 ? 'succeeded-with-deviations' : 'succeeded';
  return status;
}

/** A run's verdict from its events (any events; those of other runs are not filtered out). */
export function runVerdict(status: RunStatus, events: readonly ReportEvent[]): RunVerdictInfo {
  const count = countedDeviations(deviations(events)).length;
  return { verdict: verdictOf(status, count), deviations: count };
}

/** In words, as every face prints it: "succeeded with deviations (3)". */
export function verdictText(info: RunVerdictInfo): string {
  return info.verdict === 'succeeded-with-deviations' ? `succeeded with deviations (${info.deviations})` : info.verdict;
}
