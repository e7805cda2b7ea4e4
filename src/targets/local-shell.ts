// The local target's shell executor: the one place that knows node:child_process for
// steps that run on this machine. See docs/DESIGN.md, "Secrets and masking".
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { OutputStream, ShellExecutor, ShellRequest, ShellResult } from '../core/engine/ports.js';
import { processStartTicks, signalGroup } from './process-groups.js';
import { readPacer } from './read-pacer.js';

export interface LocalShellOptions {
  /** The shell run as `<shellPath> -c script`. Tests point it at a missing file. */
  shellPath?: string;
  /** How long a group has to exit after SIGTERM before it gets SIGKILL. */
  killGraceMs?: number;
}

const GROUP_POLL_MS = 50;

export function createLocalShell(options: LocalShellOptions = {}): ShellExecutor {
  const shellPath = options.shellPath ?? '/bin/sh';
  const killGraceMs = options.killGraceMs ?? 2_000;
  return { run: (request) => runLocal(request, shellPath, killGraceMs) };
}

async function runLocal(request: ShellRequest, shellPath: string, killGraceMs: number): Promise<ShellResult> {
  const startedAt = performance.now();
  // The operator already aborted: starting the step now would run it against their wish.
  if (request.signal.aborted) {
    return { exitCode: null, signal: null, timedOut: false, aborted: true, durationMs: 0 };
  }

  let child;
  const args = ['-c', request.script];
  try {
    child = spawn(shellPath, request.onStart ? gated(shellPath, args) : args, {
      // Its own process group, so a timeout or abort can reach `cmd &` and nested shells
      // too, not only the sh we started.
      detached: true,
      // A step never waits for input from the console: `read` and `cat` see EOF at once.
      // fd 3 is the start gate (see gated()).
      stdio: request.onStart ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
      env: { ...stepBaseEnvironment(process.env), ...request.env },
    });
  } catch (error) {
    // Thrown synchronously for bad arguments, e.g. a NUL byte in the script or env.
    throw spawnError(shellPath, error as Error);
  }

  let timedOut = false;
  let aborted = false;
  let outputError: unknown;
  if (request.onStart && child.pid !== undefined) {
    const gate = child.stdio[3] as Writable;
    // A shell that died before reading the gate is reported by 'close' below, not as EPIPE here.
    gate.on('error', () => {});
    try {
      request.onStart({ pid: child.pid, startTicks: processStartTicks(child.pid) });
      gate.end('go\n');
    } catch (error) {
      // Not recorded, not started: closing the gate unopened makes the shell exit 125.
      outputError = error;
      gate.destroy();
    }
  }
  let stopping: Promise<void> | undefined;
  const stopGroup = (): void => {
    // pid is undefined when the spawn itself failed; the 'error' event reports that.
    if (child.pid !== undefined) stopping ??= killGroup(child.pid, killGraceMs);
  };

  const timer =
    request.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          stopGroup();
        }, request.timeoutMs);
  const onAbort = (): void => {
    aborted = true;
    stopGroup();
  };
  request.signal.addEventListener('abort', onAbort, { once: true });

  // Each chunk is handed on and dropped, so memory stays flat however much a step prints.
  // onOutput is synchronous, so 'data' events already pace the pipe; the pacer makes a fast
  // producer's reads larger (see read-pacer.ts).
  const pace = readPacer();
  const forward = (stream: OutputStream) => (chunk: Buffer) => {
    if (outputError !== undefined) return;
    try {
      request.onOutput(stream, chunk);
    } catch (error) {
      // Output that cannot be recorded must not go on changing things unrecorded.
      outputError = error;
      stopGroup();
      return;
    }
    pace(chunk.length);
  };
  child.stdout?.on('data', forward('stdout'));
  child.stderr?.on('data', forward('stderr'));

  try {
    // 'close' fires only after the process exited and both pipes ended: no output is lost.
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', (error) => reject(spawnError(shellPath, error)));
      child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
    });
    // After a kill, report only once the rest of the group is gone (or has had SIGKILL).
    await stopping;
    if (outputError !== undefined) throw outputError;
    return {
      exitCode: code,
      signal,
      timedOut,
      aborted,
      durationMs: Math.round(performance.now() - startedAt),
    };
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', onAbort);
  }
}

/** What a shell needs to behave as the operator's would; the rest (tokens, a target's password-env) stays out. */
const PASSED_ON = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'TERM', 'TZ']);

/** The part of Handrail's own environment every local step gets; the inventory adds to it (pass-env). */
export function stepBaseEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && (PASSED_ON.has(name) || name.startsWith('LC_'))) base[name] = value;
  }
  return base;
}

/** SIGTERM the whole group, then SIGKILL whatever is still in it after the grace period. */
async function killGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = performance.now() + graceMs;
  while (performance.now() < deadline) {
    await delay(GROUP_POLL_MS);
    if (!signalGroup(pgid, 0)) return;
  }
  // Zombies nobody reaps (a container without an init) also keep the group "alive"; the
  // SIGKILL is harmless for them and needed for anything that ignored SIGTERM.
  signalGroup(pgid, 'SIGKILL');
}


function spawnError(shellPath: string, cause: Error): Error {
  return new Error(
    `Could not start ${shellPath} on target "local" (${cause.message}). Nothing ran. ` +
      `Check that ${shellPath} exists and is executable on this machine, then retry the step.`,
    { cause },
  );
}

/**
 * The shell's arguments behind a start gate: the shell first waits for a line on fd 3 and only
 * then execs itself with `args` (same pid, same group, same start time). The parent writes
 * that line after recording the group, so a step never runs unrecorded; if the parent dies
 * first, fd 3 reads EOF and the shell exits 125 without running anything.
 */
function gated(shellPath: string, args: string[]): string[] {
  return ['-c', 'IFS= read -r _ <&3 || exit 125; exec 3<&-; exec "$0" "$@"', shellPath, ...args];
}
