// A step's command left running on its SSH host by a run that died with the network cut: the
// TCP connection never closed for sshd, so the watchdog around the step (remote-command.ts)
// never fired, and sshd may keep the session for minutes (its keepalive) or for ever (none).
// The resume checks the group recorded before the step started, over its own new connection,
// before anything may run that step again: never a second copy beside the first.
import type { SshSession } from '../targets/ssh/ssh-session.js';
import { checkRemoteGroup, stopRemoteGroup, type RemoteGroupState } from '../targets/ssh/remote-group.js';
import type { Waivable } from '../core/guards/break-glass.js';
import type { RunStore } from '../store/run-store.js';
import type { RecordedStepProcess } from '../store/step-processes.js';
import type { RunningLeftover } from '../contract/leftover.js';
import { UserError } from './errors.js';
import { LEFTOVER_GRACE_MS } from './leftover-steps.js';
import { type AskStopLeftover, choseToStop, LeftoverRefusal, runningLeftover, stepCommands } from './leftover-question.js';

export interface RemoteLeftoverCheck {
  store: RunStore;
  operator: string;
  runId: string;
  /** --stop-leftover: stop a group still running (TERM, then KILL) before going on. */
  stop: boolean;
  /** --break-glass: go on past a group that cannot be checked, recorded as a deviation. */
  breakGlass: string | undefined;
  /** The run's open SSH session for step `idx`'s target, if it has one. */
  session(idx: number): Promise<SshSession | undefined>;
  recordDeviation(stepIdx: number, waived: Waivable, reason: string, detail: string): void;
  /** A line for the operator (what was stopped). */
  notice?(text: string): void;
  /** Asks the operator whether to stop a group still running, when `stop` was not chosen up front. */
  ask?: AskStopLeftover;
  graceMs?: number;
}

/** The run's cut-off steps whose process group is on an SSH host. */
export function remoteLeftoverRecords(store: RunStore, runId: string): RecordedStepProcess[] {
  return store.unsettledStepProcesses(runId).filter((p) => p.sshLogin !== null);
}

/** Checks each cut-off SSH step on its host; throws what the operator must do when one may still run. */
export async function settleRemoteLeftovers(check: RemoteLeftoverCheck): Promise<void> {
  for (const record of remoteLeftoverRecords(check.store, check.runId)) {
    const login = record.sshLogin ?? '';
    const session = await check.session(record.idx);
    const group = { group: record.pid, startTicks: record.startTicks, bootId: record.bootId };
    let state: RemoteGroupState =
      session === undefined || session.login !== login
        ? { state: 'unknown', why: `this run has no connection to ${login} now (the inventory's target of step ${record.idx + 1} points elsewhere)` }
        : await checkRemoteGroup(session, group);
    if (state.state === 'running' && session !== undefined) {
      const shown = [runningLeftover(record, describeRemote(record), await stepCommands(check.store, check.runId))];
      if (!(await choseToStop(check.stop, check.ask, shown))) throw runningRefusal(record, state.members, check.runId, shown);
      const graceMs = check.graceMs ?? LEFTOVER_GRACE_MS;
      state = await stopRemoteGroup(session, group, graceMs);
      if (state.state === 'stopped' || state.state === 'unstoppable') {
        check.store.appendEvent({
          operator: check.operator,
          kind: state.state === 'stopped' ? 'step.process.stopped' : 'step.process.unstoppable',
          runId: check.runId,
          stepIdx: record.idx,
          body: { host: login, pid: record.pid, attempt: record.attempt, startedAt: record.startedAt, remote: true, graceMs },
        });
      }
      if (state.state === 'stopped') check.notice?.(`stopped ${describeRemote(record)} (SIGTERM to its group over SSH, SIGKILL after ${graceMs / 1000} s if needed)`);
      if (state.state === 'unstoppable') {
        throw new UserError(
          `${describeRemote(record)} could not be stopped (processes ${state.members.join(', ')} are left: one belongs to another user, or ignores SIGKILL); ` +
            `stop it by hand on the host (${sshHint(login)}, then kill -KILL -- -${record.pid}), then resume; nothing was executed`,
        );
      }
    }
    if (state.state === 'unknown') {
      if (check.breakGlass === undefined) throw uncheckedRefusal(record, state.why, check.runId, true);
      check.recordDeviation(record.idx, 'leftover-unchecked', check.breakGlass, `${describeRemote(record)} could not be checked: ${state.why}`);
    }
  }
}

/**
 * The run's targets could not be opened: when one of them is the host of a cut-off step,
 * the refusal says that step could not be checked either, and how to check it by hand.
 */
export function unreachableLeftover(store: RunStore, runId: string, error: unknown): UserError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  const record = remoteLeftoverRecords(store, runId).find((r) => r.sshLogin !== null && message.includes(r.sshLogin));
  return record && uncheckedRefusal(record, message.replace(/;? ?nothing was run\.?$/, ''), runId, false);
}

/** "step 3's command on deploy@db-1:22 (remote process group 4242, started 12:01:03)" */
export function describeRemote(p: RecordedStepProcess): string {
  const at = new Date(p.startedAt).toTimeString().slice(0, 8);
  return `step ${p.idx + 1}'s command on ${p.sshLogin ?? '?'} (remote process group ${p.pid}, started ${at})`;
}

function runningRefusal(record: RecordedStepProcess, members: number[], runId: string, shown: RunningLeftover[]): UserError {
  return new LeftoverRefusal(
    `${describeRemote(record)} is still running from the run that died (processes ${members.join(', ')} there: the connection was cut, so the host never saw it close); ` +
      'running the run again now could make a second copy beside it. ' +
      `Wait for it to end, or stop it with: handrail resume ${runId} --stop-leftover (SIGTERM to its group over SSH, then SIGKILL after ${LEFTOVER_GRACE_MS / 1000} s); nothing was executed`,
    shown,
  );
}

function uncheckedRefusal(record: RecordedStepProcess, why: string, runId: string, reachable: boolean): UserError {
  const login = record.sshLogin ?? '?';
  const wayOn = reachable
    ? `once it is gone, resume again; or, if you know it has ended, go on with: handrail resume ${runId} --break-glass "why you know" (recorded as a deviation)`
    : 'once the host answers again, resume again and Handrail checks it itself';
  return new UserError(
    `${describeRemote(record)} could not be checked: ${why}. It may still be running there, and running the run again could make a second copy beside it. ` +
      `Check on the host by hand: ${sshHint(login)}, then ps -eo pid,pgid,lstart,args and look for process group ${record.pid} ` +
      `(stop it with kill -TERM -- -${record.pid}); ${wayOn}; nothing was executed`,
  );
}

/** `ssh -p 2222 deploy@db-1` for a recorded `deploy@db-1:2222`. */
function sshHint(login: string): string {
  const colon = login.lastIndexOf(':');
  if (colon === -1) return `ssh ${login}`;
  return `ssh -p ${login.slice(colon + 1)} ${login.slice(0, colon)}`;
}
