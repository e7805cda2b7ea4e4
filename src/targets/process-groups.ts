// Recognising and stopping a step's process group after the Handrail process that started it
// is gone (kill -9, power cut of the terminal, a crash). A local step runs as the leader of
// its own group, so its pid is also its group id.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/** What is recorded before a step's command starts, to find its group again later. */
export interface StepProcess {
  pid: number;
  /**
   * The leader's start time (field 22 of /proc/PID/stat, clock ticks since boot), so a pid
   * the kernel handed to an unrelated process later is not mistaken for the step. null where
   * there is no /proc.
   */
  startTicks: number | null;
}

const POLL_MS = 50;

/** The start time of `pid`, or null when it is gone or there is no /proc. */
export function processStartTicks(pid: number): number | null {
  const stat = readStat(pid);
  return stat === undefined ? null : stat.startTicks;
}

/**
 * Whether the step's group still has a live member. The leader alive with the recorded start
 * time is the step. The leader gone while a process still carries its group id is the step's
 * too: Linux never hands out a pid that is still in use as a process group id, so no other
 * group can have that id. A leader alive with another start time is an unrelated process.
 */
export function isGroupAlive(step: StepProcess): boolean {
  const leader = readStat(step.pid);
  if (leader !== undefined) {
    if (step.startTicks === null || leader.startTicks === step.startTicks) return !leader.zombie || hasMembers(step.pid, step.pid);
    return false;
  }
  if (!hasProc()) return signalGroup(step.pid, 0);
  return hasMembers(step.pid);
}

/**
 * Stops a leftover group: SIGTERM, then SIGKILL after `graceMs`, then waits until no member
 * is left (zombies aside: their parent reaps them). Resolves false only when a member could
 * not be signalled at all (another user's process); the caller must then refuse to go on.
 */
export async function stopGroup(step: StepProcess, graceMs: number, waitMs = 10_000): Promise<boolean> {
  if (!isGroupAlive(step)) return true;
  if (!signalGroup(step.pid, 'SIGTERM')) return !isGroupAlive(step);
  const killAt = performance.now() + graceMs;
  while (performance.now() < killAt) {
    await delay(POLL_MS);
    if (!isGroupAlive(step)) return true;
  }
  signalGroup(step.pid, 'SIGKILL');
  const giveUpAt = performance.now() + waitMs;
  while (performance.now() < giveUpAt) {
    if (!isGroupAlive(step)) return true;
    await delay(POLL_MS);
  }
  return !isGroupAlive(step);
}

interface Stat {
  pgrp: number;
  startTicks: number;
  zombie: boolean;
}

function readStat(pid: number): Stat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself hold spaces and ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field N is fields[N - 3].
  return { zombie: fields[0] === 'Z', pgrp: Number(fields[2]), startTicks: Number(fields[19]) };
}

/** A live (non-zombie) process in group `pgid`, other than `except`. */
function hasMembers(pgid: number, except?: number): boolean {
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === except) continue;
    const stat = readStat(pid);
    if (stat && stat.pgrp === pgid && !stat.zombie) return true;
  }
  return false;
}

function hasProc(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal` to process group `pgid`; false when nothing in it can be signalled. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    // ESRCH: the group is gone. EPERM: only members we may not signal are left (say, a
    // process under sudo); we cannot do more, and throwing here would lose the result.
    return false;
  }
}
