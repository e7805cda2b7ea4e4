// The step state machine. Each transition goes to the journal (committed) before its side
// effect, so after a crash the store says exactly where the run was:
//   pending → (snapshotting → snapshot-verified) → running → succeeded | failed | skipped
// A step found `running` after a crash is `in-doubt`: retried only when idempotent,
// otherwise only on the operator's decision. So is a step whose effect is unknown for
// another reason (a COMMIT without an answer, a lost SSH connection, a timeout after the
// command started, a run stopped by its console closing or its terminal hanging up). A mutating step never runs without a
// verified snapshot of every database it changes, taken in this run.
import { needsConfirmation } from '../guards/protected-environment.js';
import type { StepStatus } from '../../contract/run.js';
import type { Runbook, Step } from '../../contract/runbook.js';
import type { InputValues } from './inputs.js';
import type { Redactor } from './redact.js';
import type { EngineEvent, OperatorPort, RunJournal, SnapshotSource, TargetResolver } from './run-ports.js';
import { loadShellGrammar } from './shell-placeholders.js';
import { displayCommand, runAction } from './step-actions.js';
import { interruptionOf, isOutcomeUnknown } from './step-faults.js';

export interface EngineRun {
  runbook: Runbook;
  environment: { name: string; protected: boolean };
  inputs: InputValues;
  redactor: Redactor;
  /** Where each step stands (all `pending` for a new run). */
  steps: StepStatus[];
  targets: TargetResolver;
  operator: OperatorPort;
  journal: RunJournal;
  onEvent: (event: EngineEvent) => void;
  /** Aborting stops the running command and ends the run as aborted. */
  signal: AbortSignal;
  /**
   * Set when the audit trail cannot be trusted (its tail failed the start-up check): why every
   * mutating step is failed unrun. A change nobody could prove afterwards is not made; reads go on.
   */
  refuseMutating?: string | undefined;
  /**
   * Asked before each mutating step, before its confirmation and snapshot: why it must not run
   * now, or undefined. A guard outside this process could not be asked or no longer holds (the
   * team ledger is unreachable so its lock could not be taken; the lock on a database was lost
   * mid-run). Unlike refuseMutating, the run stops there resumable, to go on once the guard
   * holds again; reads before it still run.
   */
  holdMutating?: (() => Promise<string | undefined>) | undefined;
}

export type EngineOutcome =
  | { status: 'succeeded' }
  | { status: 'failed'; step: number; reason: string }
  | { status: 'aborted'; step: number | undefined; reason: string }
  /** Stopped by something other than the operator (step-faults.ts, RunInterruption); resumable. */
  | { status: 'interrupted'; step: number | undefined; reason: string }
  /** The run could not go on without a decision nobody was there to make; it stays resumable. */
  | { status: 'refused'; step: number; reason: string }
  /** Stopped by something other than the operator (step-faults.ts, RunInterruption); resumable. */
  | { status: 'interrupted'; step: number | undefined; reason: string };

type StepOutcome =
  | { ok: true }
  | { ok: false; reason: string; kind: 'failed' | 'aborted' | 'refused' | 'interrupted' }
  /** The step was recorded in doubt: what it did is unknown, so only a decision may run it again. */
  | { ok: false; reason: string; kind: 'in-doubt' };

export async function executeRun(run: EngineRun): Promise<EngineOutcome> {
  // The preview of a sh step reads the script with the bash grammar, synchronously.
  await loadShellGrammar();
  for (const step of run.runbook.steps) {
    const status = run.steps[step.index] ?? 'pending';
    if (status === 'succeeded' || status === 'skipped') continue;
    if (run.signal.aborted) return stoppedBy(run, step.index);
    run.onEvent({
      type: 'step-ready',
      idx: step.index,
      step,
      target: step.action?.attributes.target,
      command: step.action ? displayCommand(step.action, run.inputs, run.redactor, secretInputs(run.runbook)) : undefined,
      inDoubt: status === 'in-doubt',
    });

    if (status === 'in-doubt') {
      const settled = await settleInDoubt(run, step, true);
      if (settled === 'next') continue;
      if (settled !== 'retry') return settled;
    }

    if (status !== 'in-doubt' && step.action && run.operator.beforeStep) {
      const before = await run.operator.beforeStep(step);
      if (before.action === 'abort') return { status: 'aborted', step: step.index, reason: 'aborted by the operator' };
      if (before.action === 'skip') {
        skip(run, step, before.reason);
        continue;
      }
    }
    let outcome = await runStep(run, step);
    while (!outcome.ok) {
      if (interruptionOf(run.signal)) return stoppedBy(run, step.index);
      if (outcome.kind === 'aborted') return { status: 'aborted', step: step.index, reason: outcome.reason };
      if (outcome.kind === 'refused') return { status: 'refused', step: step.index, reason: outcome.reason };
      if (outcome.kind === 'interrupted') return { status: 'interrupted', step: step.index, reason: outcome.reason };
      if (outcome.kind === 'in-doubt') {
        // Not retried by itself even when idempotent: the same fault (a dead network) would
        // only repeat. The operator decides, or the run waits for one (refused → interrupted).
        const settled = await settleInDoubt(run, step, false, outcome.reason);
        if (settled === 'next') break;
        if (settled !== 'retry') return settled;
        outcome = await runStep(run, step);
        continue;
      }
      const decision = await run.operator.failed(step, outcome.reason);
      if (decision.action === 'retry') {
        run.journal.event('step.retried', { reason: outcome.reason }, step.index);
        outcome = await runStep(run, step);
      } else if (decision.action === 'skip') {
        skip(run, step, decision.reason);
        outcome = { ok: true };
      } else if (decision.action === 'abort') {
        return { status: 'aborted', step: step.index, reason: `aborted after step ${step.index + 1} failed: ${outcome.reason}` };
      } else {
        return { status: 'failed', step: step.index, reason: outcome.reason };
      }
    }
  }
  return { status: 'succeeded' };
}

/** The run was stopped at step `idx`: by the operator (aborted), or by an interruption (resumable). */
function stoppedBy(run: EngineRun, idx: number): EngineOutcome {
  const interruption = interruptionOf(run.signal);
  return interruption
    ? { status: 'interrupted', step: idx, reason: interruption.message }
    : { status: 'aborted', step: idx, reason: 'aborted by the operator' };
}

/**
 * Returns 'retry' to run the step again, 'next' when settled without running it. An
 * idempotent step found in doubt after a crash is retried without asking (`afterCrash`).
 */
async function settleInDoubt(run: EngineRun, step: Step, afterCrash: boolean, reason?: string): Promise<'retry' | 'next' | EngineOutcome> {
  if (afterCrash && step.action?.attributes.idempotent) {
    run.journal.event('step.decided', { decision: 'retry', why: 'in doubt after a crash; the step is idempotent' }, step.index);
    return 'retry';
  }
  const decision = await run.operator.inDoubt(step, reason);
  run.journal.event('step.decided', { ...decision }, step.index);
  switch (decision.action) {
    case 'retry':
      return 'retry';
    case 'done':
      run.journal.setStep(step.index, 'succeeded', { note: decision.note, reason: 'marked done by the operator after a crash' });
      return 'next';
    case 'skip':
      skip(run, step, decision.reason);
      return 'next';
    case 'abort':
      return { status: 'aborted', step: step.index, reason: 'aborted by the operator while the step was in doubt' };
    case 'refuse':
      return { status: 'refused', step: step.index, reason: decision.message };
  }
}

function skip(run: EngineRun, step: Step, reason: string): void {
  run.journal.setStep(step.index, 'skipped', { reason });
  run.journal.event('step.skipped', { reason }, step.index);
  run.onEvent({ type: 'step-end', idx: step.index, status: 'skipped', reason, durationMs: 0 });
}

async function runStep(run: EngineRun, step: Step): Promise<StepOutcome> {
  const action = step.action;
  if (!action) return manualStep(run, step);

  const mutates = action.attributes.mutates;
  if (mutates.length > 0 && run.refuseMutating !== undefined) {
    // Before the confirmation and the snapshot: nothing is asked, taken or changed.
    const reason = run.refuseMutating;
    run.journal.setStep(step.index, 'failed', { reason });
    run.onEvent({ type: 'step-end', idx: step.index, status: 'failed', reason, durationMs: 0 });
    return { ok: false, kind: 'failed', reason };
  }
  const held = mutates.length > 0 ? await run.holdMutating?.() : undefined;
  if (held !== undefined) {
    // Before the confirmation and the snapshot, as above; the step stays pending.
    run.journal.event('step.held', { reason: held }, step.index);
    return { ok: false, kind: 'refused', reason: held };
  }
  if (needsConfirmation(action.attributes, run.environment.protected)) {
    const confirmed = await run.operator.confirm(step, run.environment.protected ? run.environment.name : undefined);
    if (!confirmed.ok && confirmed.skip !== undefined) {
      skip(run, step, confirmed.skip);
      return { ok: true };
    }
    if (!confirmed.ok) {
      run.journal.event('confirmation.refused', { message: confirmed.message }, step.index);
      return { ok: false, kind: confirmed.abort ? 'aborted' : 'refused', reason: confirmed.message };
    }
    run.journal.event('confirmation', { how: confirmed.how, environment: run.environment.name }, step.index);
  }

  if (mutates.length > 0) {
    const snapshotted = await takeSnapshots(run, step, mutates);
    if (!snapshotted.ok) return snapshotted;
  }

  const attempt = run.journal.beginAttempt(step.index);
  const started = Date.now();
  run.onEvent({
    type: 'step-start',
    idx: step.index,
    step,
    attempt,
    target: action.attributes.target,
    command: displayCommand(action, run.inputs, run.redactor, secretInputs(run.runbook)),
  });
  let outcome: { ok: boolean; reason?: string; exitCode?: number | null; signal?: string | null; unknown?: boolean };
  try {
    outcome = await runAction({
      step,
      action,
      inputs: run.inputs,
      targets: run.targets,
      redactor: run.redactor,
      signal: run.signal,
      onProcess: (started) => run.journal.process(step.index, attempt, started),
      emit: (stream, chunk) => {
        run.journal.output(step.index, attempt, stream, chunk);
        run.onEvent({ type: 'output', idx: step.index, stream, data: chunk });
      },
    });
  } catch (error) {
    outcome = { ok: false, reason: run.redactor.text(error instanceof Error ? error.message : String(error)), unknown: isOutcomeUnknown(error) };
  }
  const durationMs = Date.now() - started;
  const interruption = interruptionOf(run.signal);
  if (!outcome.ok && (interruption || outcome.unknown)) {
    const reason = interruption
      ? `${interruption.message}; the command was stopped, and what it did before that is unknown`
      : (outcome.reason ?? 'what the step did is unknown');
    run.journal.setStep(step.index, 'in-doubt', { exitCode: outcome.exitCode ?? null, signal: outcome.signal ?? null, reason });
    run.onEvent({ type: 'step-end', idx: step.index, status: 'in-doubt', reason, durationMs });
    return { ok: false, kind: interruption ? 'interrupted' : 'in-doubt', reason };
  }
  const status = outcome.ok ? 'succeeded' : 'failed';
  run.journal.setStep(step.index, status, {
    exitCode: outcome.exitCode ?? null,
    signal: outcome.signal ?? null,
    reason: outcome.reason ?? null,
  });
  run.onEvent({ type: 'step-end', idx: step.index, status, ...(outcome.reason ? { reason: outcome.reason } : {}), durationMs });
  if (outcome.ok) return { ok: true };
  return { ok: false, kind: run.signal.aborted ? 'aborted' : 'failed', reason: outcome.reason ?? 'the step failed' };
}

async function manualStep(run: EngineRun, step: Step): Promise<StepOutcome> {
  run.onEvent({ type: 'step-start', idx: step.index, step, attempt: 1, target: undefined, command: undefined });
  const decision = await run.operator.manual(step);
  switch (decision.action) {
    case 'done':
      run.journal.setStep(step.index, 'succeeded', { note: decision.note ?? null });
      run.journal.event('step.done', { manual: true, ...(decision.note ? { note: decision.note } : {}) }, step.index);
      run.onEvent({ type: 'step-end', idx: step.index, status: 'succeeded', durationMs: 0 });
      return { ok: true };
    case 'skip':
      skip(run, step, decision.reason);
      return { ok: true };
    case 'abort':
      return { ok: false, kind: 'aborted', reason: 'aborted by the operator at a manual step' };
    case 'refuse':
      return { ok: false, kind: 'refused', reason: decision.message };
  }
}

async function takeSnapshots(run: EngineRun, step: Step, targets: string[]): Promise<StepOutcome> {
  run.journal.setStep(step.index, 'snapshotting');
  for (const target of targets) {
    const fail = (why: string): StepOutcome => {
      const reason = `the snapshot of ${target} failed: ${why}; the step was not run and nothing was changed`;
      run.journal.setStep(step.index, 'failed', { reason });
      run.journal.event('snapshot.failed', { target, reason }, step.index);
      run.onEvent({ type: 'step-end', idx: step.index, status: 'failed', reason, durationMs: 0 });
      // Nothing was changed, so the step is failed (not in doubt); the run itself ends as its signal says.
      return { ok: false, kind: interruptionOf(run.signal) ? 'interrupted' : 'failed', reason };
    };
    const source = run.targets.snapshot(target);
    if ('refused' in source) return fail(source.refused);
    run.journal.event('snapshot.started', { target, kind: source.provider.kind }, step.index);
    run.onEvent({ type: 'snapshot', idx: step.index, target, phase: 'start' });
    try {
      const problem = await preflight(source);
      if (problem) return fail(problem);
      const result = await source.provider.take({
        path: source.path,
        signal: run.signal,
        onProgress: (done, total) => run.onEvent({ type: 'snapshot', idx: step.index, target, phase: 'progress', done, total }),
      });
      run.journal.snapshot(step.index, { target, kind: source.provider.kind, location: source.location, result });
      run.onEvent({ type: 'snapshot', idx: step.index, target, phase: 'verified', result });
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error));
    }
  }
  run.journal.setStep(step.index, 'snapshot-verified');
  return { ok: true };
}

/** Room for the snapshot with a margin, checked before anything is written. */
export const FREE_SPACE_MARGIN = 1.2;

export async function preflight(source: SnapshotSource): Promise<string | undefined> {
  const [estimate, free] = await Promise.all([source.provider.estimateBytes(), source.freeBytes()]);
  const needed = Math.ceil(estimate * FREE_SPACE_MARGIN);
  if (free >= needed) return undefined;
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `not enough free space for it in ${dirOf(source.path)}: ${mb(free)} free, ${mb(needed)} needed (${FREE_SPACE_MARGIN} × the database's ${mb(estimate)}); free some space or move the data directory`;
}

function dirOf(path: string): string {
  return path.slice(0, Math.max(1, path.lastIndexOf('/')));
}

function secretInputs(runbook: Runbook): Set<string> {
  return new Set(Object.entries(runbook.frontMatter.inputs ?? {}).flatMap(([name, decl]) => (decl.secret ? [name] : [])));
}
