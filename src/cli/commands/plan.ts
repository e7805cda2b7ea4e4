// `handrail plan`: what a run would do, resolved, and nothing done. Exit 0 for a plan (and a
// rehearsal whose every statement ran and every expect-rows held), 1 when the rehearsal found
// a statement that fails or an expectation that would not hold, 2 when a guard refuses.
import type { Rehearsal } from '../../contract/plan.js';
import { UserError } from '../../app/errors.js';
import { makePlan } from '../../app/plan-service.js';
import { WriteRefused, writeFileSafely } from '../../app/safe-write.js';
import { resolveSettings } from '../../app/settings.js';
import { rehearsalRefusal } from '../../core/plan/rehearse-plan.js';
import type { GlobalOptions } from '../global-options.js';
import { print, writeOut } from '../output.js';
import { collectInputs, refuseSecretsOnArgv } from './run.js';

export interface PlanFlags {
  env: string;
  input: string[];
  json?: boolean;
  out?: string;
  rehearse?: boolean;
  confirm?: string;
  requestApproval?: boolean;
  note?: string;
}

export async function planCommand(runbook: string, flags: PlanFlags, global: GlobalOptions): Promise<number> {
  const settings = resolveSettings(global);
  const inputs = collectInputs(flags.input);
  const made = await makePlan(settings, { runbook, environment: flags.env, inputs }, process.cwd());
  refuseSecretsOnArgv(flags.input, made.plan.inputs.filter((i) => i.secret).map((i) => i.name));
  for (const warning of made.run.warnings) process.stderr.write(`handrail: warning: ${warning}\n`);
  if (flags.rehearse) {
    const refusal = rehearsalRefusal(made.run, flags.confirm);
    if (refusal) throw new UserError(refusal);
  }
  if (flags.note !== undefined && !flags.requestApproval) throw new UserError('--note goes with --request-approval (it is shown to the approvers); add --request-approval or leave out --note; nothing was posted');
  if (flags.out !== undefined) await writePlanFile(flags.out, made.text);
  let requestId: string | undefined;
  if (flags.requestApproval) {
    const { requestApproval } = await import('../../app/approval-requests/request-approval.js');
    requestId = await requestApproval(settings, made, flags.note);
  }
  // The plan is shown before the rehearsal starts: it is complete without it.
  if (!flags.json) {
    if (flags.out === undefined) writeOut(made.text);
    print(`Plan id: ${made.id}`);
    if (flags.out !== undefined) print(`Plan written to ${flags.out}: this is the text an approver reads and signs.`);
    if (requestId !== undefined) {
      print(`Approval request: ${requestId}`);
      print(`Posted to the team ledger: approvers see it in handrail approvals (and the console's Approvals) and sign it with handrail approve --request ${requestId}; then run with --approval-request ${requestId}.`);
    }
  }
  let rehearsal: Rehearsal | undefined;
  if (flags.rehearse) {
    const { rehearseRun } = await import('../../app/plan-rehearsal.js');
    rehearsal = await whileStoppable((signal) => rehearseRun(settings, made.run, signal));
    if (!flags.json) writeOut(rehearsalText(rehearsal));
    if (rehearsal.stopped !== undefined) {
      if (flags.json) print(JSON.stringify({ id: made.id, plan: made.plan, text: made.text, rehearsal }, null, 2));
      return EXIT_BY_SIGNAL[rehearsal.stopped as keyof typeof EXIT_BY_SIGNAL] ?? 1;
    }
  }
  if (flags.json) print(JSON.stringify({ id: made.id, plan: made.plan, text: made.text, ...(requestId !== undefined ? { requestId } : {}), ...(rehearsal ? { rehearsal } : {}) }, null, 2));
  return rehearsal && !rehearsal.ok ? 1 : 0;
}

/** The shell's exit status for a process ended by each signal (128 + its number). */
const EXIT_BY_SIGNAL = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/**
 * Ctrl-C, SIGTERM and SIGHUP stop the rehearsal instead of ending the process at once: a
 * PostgreSQL statement under way is cancelled on the server (it would run on, holding its
 * locks), the transaction rolled back and the SQLite copies deleted, then Handrail exits
 * with the signal's status. A second signal ends it straight away.
 */
async function whileStoppable<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const signals = Object.keys(EXIT_BY_SIGNAL) as (keyof typeof EXIT_BY_SIGNAL)[];
  const onSignal = (name: keyof typeof EXIT_BY_SIGNAL): void => {
    if (controller.signal.aborted) process.exit(EXIT_BY_SIGNAL[name]);
    process.stderr.write(`handrail: ${name}: stopping the rehearsal and undoing it…\n`);
    controller.abort(name);
  };
  for (const name of signals) process.on(name, onSignal);
  try {
    return await work(controller.signal);
  } finally {
    for (const name of signals) process.off(name, onSignal);
  }
}

/** Whole or not at all, never through a link; readable by others (it holds no secret, an approver reads it). */
async function writePlanFile(path: string, text: string): Promise<void> {
  try {
    await writeFileSafely(path, [text], { mode: 0o644, replace: true });
  } catch (error) {
    const why = error instanceof WriteRefused ? error.message : `${(error as Error).message}`;
    throw new UserError(`could not write the plan to ${path}: ${why}; no file was written there. Give --out another name (or check the folder exists and is writable) and plan again.`, error instanceof WriteRefused ? 2 : 1);
  }
}

/** The rehearsal for a terminal; it is not part of the plan's text (its counts change as the data does). */
export function rehearsalText(rehearsal: Rehearsal): string {
  const lines = ['', 'Rehearsal (not part of the signed plan: its counts depend on the data at this moment):'];
  for (const note of rehearsal.notes) lines.push(`  ${note}`);
  for (const step of rehearsal.steps) {
    const verdict =
      step.status === 'rehearsed'
        ? `rehearsed, ${step.rowCount} row${step.rowCount === 1 ? '' : 's'}${step.expectRows !== undefined ? `; expect-rows=${step.expectRows} holds` : ''}`
        : step.status === 'failed'
          ? `FAILED: ${step.note ?? ''}`
          : step.note ?? 'not rehearsed';
    lines.push(`  Step ${step.number}: ${verdict}`);
    for (const s of step.statements) {
      const what = s.error !== undefined ? `failed: ${s.error}` : `${s.rows} row${s.rows === 1 ? '' : 's'} ${s.returnsRows ? 'returned' : 'affected'}`;
      lines.push(`    statement ${s.number} (${s.summary}): ${what}`);
    }
  }
  lines.push(
    rehearsal.stopped !== undefined
      ? `Rehearsal stopped (${rehearsal.stopped}); everything it did was undone.`
      : rehearsal.ok
        ? 'Rehearsal: every statement ran and every expect-rows held.'
        : 'Rehearsal: a run would stop at the step marked FAILED.',
    '',
  );
  return lines.join('\n');
}
