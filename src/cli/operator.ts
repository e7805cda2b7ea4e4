// The operator at the keyboard. In a terminal, Handrail asks; without one (CI, a script,
// a pipe), every answer must come from a flag, and a missing answer is a refusal — never
// a guess. The environment's name must be typed for a protected environment, in both.
import { createInterface } from 'node:readline/promises';
import type { OperatorPort, Step } from '../app/run-types.js';
import { checkTypedName } from '../core/guards/protected-environment.js';

export interface OperatorFlags {
  yes?: boolean;
  confirm?: string;
  retryInDoubt?: boolean;
  skipInDoubt?: string;
  doneInDoubt?: string;
}

export function createOperator(flags: OperatorFlags, interactive: boolean): OperatorPort {
  const ask = async (question: string): Promise<string> => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return (await rl.question(question)).trim();
    } finally {
      rl.close();
    }
  };
  const label = (step: Step) => `step ${step.index + 1} (${step.title})`;
  const flagged = new Set<number>();

  // The step the operator already said "run" to at the pause: its confirmation is that answer.
  let goAhead: number | undefined;

  return {
    // In a terminal a step that changes a database pauses after it is shown (header, prose,
    // command), as the console does: run, skip with a reason, or abort. --yes runs on.
    // Confirm steps and protected environments ask in confirm() instead, once.
    async beforeStep(step) {
      const attributes = step.action?.attributes;
      if (!interactive || flags.yes || !attributes || attributes.mutates.length === 0 || attributes.confirm) return { action: 'run' };
      const answer = await askChoice(ask, '  This step changes data. [r]un / [s]kip with a reason / [a]bort the run: ', /^[rsa]/i);
      if (/^s/i.test(answer)) return { action: 'skip', reason: await askReason(ask) };
      if (/^a/i.test(answer)) return { action: 'abort' };
      goAhead = step.index;
      return { action: 'run' };
    },

    async manual(step) {
      if (flags.yes) return { action: 'done', note: 'acknowledged with --yes' };
      if (!interactive) {
        return { action: 'refuse', message: `${label(step)} is a manual step; do it, then resume with --yes (no terminal to ask in)` };
      }
      const answer = await ask(`  Done? [y]es / [s]kip / [a]bort: `);
      if (/^y/i.test(answer)) return { action: 'done' };
      if (/^s/i.test(answer)) return { action: 'skip', reason: await askReason(ask) };
      return { action: 'abort' };
    },

    async confirm(step, environment) {
      if (environment !== undefined) {
        if (checkTypedName(environment, flags.confirm).ok) return { ok: true, how: `--confirm ${environment}` };
        if (flags.confirm !== undefined) {
          return { ok: false, message: `--confirm ${flags.confirm} does not match the environment '${environment}'; nothing was run` };
        }
        if (!interactive) {
          return { ok: false, message: `${label(step)} changes the protected environment '${environment}'; pass --confirm ${environment} to go ahead` };
        }
        const typed = await ask(`  This changes the PROTECTED environment '${environment}'. Type its name to run the step, s to skip it, a to abort: `);
        const checked = checkTypedName(environment, typed);
        if (checked.ok) return { ok: true, how: 'typed the environment name' };
        if (typed === 's') return { ok: false, message: `${label(step)} was skipped`, skip: await askReason(ask) };
        if (typed === 'a') return { ok: false, message: `aborted by the operator at ${label(step)}`, abort: true };
        return { ok: false, message: `${checked.missing ? 'nothing was typed' : checked.mismatch}; ${label(step)} was not run` };
      }
      if (flags.yes) return { ok: true, how: '--yes' };
      if (goAhead === step.index) return { ok: true, how: 'answered run' };
      if (!interactive) return { ok: false, message: `${label(step)} asks for confirmation; pass --yes to go ahead` };
      const answer = await askChoice(ask, '  Run this step? [y]es / [s]kip with a reason / [a]bort the run / [q]uit and resume later: ', /^[ysaq]/i);
      if (/^y/i.test(answer)) return { ok: true, how: 'answered yes' };
      if (/^s/i.test(answer)) return { ok: false, message: `${label(step)} was skipped`, skip: await askReason(ask) };
      if (/^a/i.test(answer)) return { ok: false, message: `aborted by the operator at ${label(step)}`, abort: true };
      return { ok: false, message: `${label(step)} was not run; the run is kept to resume later` };
    },

    async failed() {
      if (!interactive) return { action: 'stop' };
      const answer = await ask(`  [r]etry / [s]kip with a reason / [a]bort the run / [q]uit and resume later: `);
      if (/^r/i.test(answer)) return { action: 'retry' };
      if (/^s/i.test(answer)) return { action: 'skip', reason: await askReason(ask) };
      if (/^a/i.test(answer)) return { action: 'abort' };
      return { action: 'stop' };
    },

    async inDoubt(step, reason) {
      // A flag answers for the steps in doubt when the command started, once each: a step
      // that goes in doubt again under it (the same dead network) is not retried on and on.
      if (!flagged.has(step.index) && (flags.retryInDoubt || flags.skipInDoubt || flags.doneInDoubt)) {
        flagged.add(step.index);
        if (flags.retryInDoubt) return { action: 'retry' };
        if (flags.skipInDoubt) return { action: 'skip', reason: flags.skipInDoubt };
        if (flags.doneInDoubt) return { action: 'done', note: flags.doneInDoubt };
      }
      const what = reason === undefined ? 'was running when Handrail stopped and is not idempotent' : `is in doubt (${reason})`;
      const message =
        `${label(step)} ${what}, so it may or may not have taken effect; ` +
        'check, then decide with --retry-in-doubt, --done-in-doubt NOTE or --skip-in-doubt REASON';
      if (!interactive) return { action: 'refuse', message };
      process.stderr.write(`  ${message}\n`);
      const answer = await ask('  [r]etry / mark [d]one / [s]kip / [a]bort: ');
      if (/^r/i.test(answer)) return { action: 'retry' };
      if (/^d/i.test(answer)) return { action: 'done', note: await ask('  Note (what you checked): ') };
      if (/^s/i.test(answer)) return { action: 'skip', reason: await askReason(ask) };
      return { action: 'abort' };
    },
  };
}

/** Asks until the answer is one of the offered letters: Enter alone decides nothing. */
async function askChoice(ask: (q: string) => Promise<string>, question: string, valid: RegExp): Promise<string> {
  for (;;) {
    const answer = await ask(question);
    if (valid.test(answer)) return answer;
  }
}

async function askReason(ask: (q: string) => Promise<string>): Promise<string> {
  for (;;) {
    const reason = await ask('  Reason (kept in the audit trail): ');
    if (reason !== '') return reason;
  }
}
