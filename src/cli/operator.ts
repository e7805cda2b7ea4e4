// The operator at the keyboard. In a terminal, Handrail asks; without one (CI, a script,
// a pipe), every answer must come from a flag, and a missing answer is a refusal — never
// a guess. The environment's name must be typed for a protected environment, in both.
import { createInterface } from 'node:readline/promises';
import type { OperatorPort, Step } from '../app/run-types.js';

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

  return {
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
        if (flags.confirm === environment) return { ok: true, how: `--confirm ${environment}` };
        if (flags.confirm !== undefined) {
          return { ok: false, message: `--confirm ${flags.confirm} does not match the environment '${environment}'; nothing was run` };
        }
        if (!interactive) {
          return { ok: false, message: `${label(step)} changes the protected environment '${environment}'; pass --confirm ${environment} to go ahead` };
        }
        const typed = await ask(`  This changes the PROTECTED environment '${environment}'. Type its name to go ahead: `);
        return typed === environment
          ? { ok: true, how: 'typed the environment name' }
          : { ok: false, message: `'${typed}' is not '${environment}'; ${label(step)} was not run` };
      }
      if (flags.yes) return { ok: true, how: '--yes' };
      if (!interactive) return { ok: false, message: `${label(step)} asks for confirmation; pass --yes to go ahead` };
      const answer = await ask(`  Run this step? [y/N]: `);
      return /^y/i.test(answer) ? { ok: true, how: 'answered yes' } : { ok: false, message: `${label(step)} was not confirmed; nothing was run` };
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

async function askReason(ask: (q: string) => Promise<string>): Promise<string> {
  for (;;) {
    const reason = await ask('  Reason (kept in the audit trail): ');
    if (reason !== '') return reason;
  }
}
