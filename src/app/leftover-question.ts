// A step's command still running from the run that died, shown and asked about the same way
// wherever it runs. A local one is found before the resume opens anything; one on an SSH host
// only once the resume has connected to it. Asking through the session at the moment each is
// found (instead of asking up front, where only the local ones are known) lets a terminal ask
// about both, and leaves a face that cannot ask (a pipe, the console) with a refusal that
// carries what runs, for it to show and offer again.
import type { RunningLeftover } from '../contract/leftover.js';
import type { RunStore } from '../store/run-store.js';
import type { RecordedStepProcess } from '../store/step-processes.js';
import { UserError } from './errors.js';

/**
 * Shows the operator what still runs and asks whether to stop it and go on; true for yes.
 * Called only when the operator did not choose already (--stop-leftover, the console's
 * "Stop it and resume"). Without it nobody can be asked, and the resume is refused.
 */
export type AskStopLeftover = (leftover: RunningLeftover) => Promise<boolean>;

/** A resume refused beside a leftover still running: the message, and what runs for a face to show. */
export class LeftoverRefusal extends UserError {
  constructor(
    message: string,
    readonly leftovers: RunningLeftover[],
  ) {
    super(message);
    this.name = 'LeftoverRefusal';
  }
}

export function runningLeftover(record: RecordedStepProcess, description: string, commands: ReadonlyMap<number, string>): RunningLeftover {
  return {
    idx: record.idx,
    host: record.sshLogin ?? record.host,
    remote: record.sshLogin !== null,
    pid: record.pid,
    startedAt: record.startedAt,
    command: commands.get(record.idx) ?? null,
    description,
  };
}

/** Each step's command, from the runbook bytes the run is bound to (what the leftover is running). */
export async function stepCommands(store: RunStore, runId: string): Promise<Map<number, string>> {
  const run = store.getRun(runId);
  const source = store.getRunbookSource(runId);
  if (!run || !source) return new Map();
  try {
    // Loaded only here: a resume with nothing left running never parses the runbook for this.
    const { parseRunbook } = await import('../core/runbook/parse-runbook.js');
    const parsed = parseRunbook(run.runbookPath, source);
    const steps = (parsed.runbook ?? parsed.draft)?.steps ?? [];
    return new Map(steps.flatMap((s) => (s.action ? [[s.index, s.action.code] as const] : [])));
  } catch {
    // The command only helps the operator recognise it; the pid, host and start time still name it.
    return new Map();
  }
}

/** Whether to stop them: the operator's choice given up front, else the answer to each in turn (a "no" ends it). */
export async function choseToStop(chosen: boolean, ask: AskStopLeftover | undefined, leftovers: readonly RunningLeftover[]): Promise<boolean> {
  if (chosen) return true;
  if (!ask) return false;
  for (const leftover of leftovers) {
    if (!(await ask(leftover))) return false;
  }
  return true;
}
