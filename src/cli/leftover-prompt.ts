// At a terminal, a step's command still running from the run that died (here, or on its SSH
// host) is shown — which step, where, which process group, since when, and its command — and
// only then does `resume` ask whether to stop it. Anything but "y" leaves it running and the
// resume is refused, as it is without a terminal.
import { createInterface } from 'node:readline/promises';
import type { RunningLeftover } from '../contract/leftover.js';
import { LEFTOVER_GRACE_MS } from '../app/leftover-steps.js';

export async function askStopLeftover(leftover: RunningLeftover, signal: AbortSignal): Promise<boolean> {
  process.stderr.write(`${leftover.description} is still running from the run that died.\n`);
  if (leftover.command !== null) {
    const lines = leftover.command.replace(/\n$/, '').split('\n');
    process.stderr.write(`Its command${leftover.remote ? ` on ${leftover.host}` : ''}:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
  }
  if (signal.aborted) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Ctrl-C at this question, or Handrail being stopped while it waits, is a "no": nothing is stopped, nothing runs.
  const closed = new Promise<string>((resolve) => {
    rl.once('SIGINT', () => resolve(''));
    signal.addEventListener('abort', () => resolve(''), { once: true });
  });
  try {
    const how = leftover.remote ? 'SIGTERM to its group over SSH' : 'SIGTERM';
    const answer = await Promise.race([rl.question(`Stop it now (${how}, then SIGKILL after ${LEFTOVER_GRACE_MS / 1000} s) and go on? [y/N] `), closed]);
    return /^y/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
