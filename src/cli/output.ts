// How the CLI speaks: results on stdout, one-line errors on stderr, never a stack trace
// unless HANDRAIL_DEBUG is set.
import { UserError } from '../app/errors.js';
import { resolveSettings, type SettingsInput } from '../app/settings.js';
import { isStorageFault, storageFaultError } from '../app/storage-faults.js';

export function print(line = ''): void {
  writeOut(`${line}\n`);
}

/** Writes to stdout unless its reader went away (then the bytes are dropped: see below). */
export function writeOut(data: string | Uint8Array): void {
  if (!stdoutGone) process.stdout.write(data);
}

export function fail(message: string): void {
  process.stderr.write(`handrail: ${message}\n`);
}

/**
 * Prints an error the operator can act on and returns the exit code. A fault of the data
 * folder's disk is named as such wherever it struck (`global` says which folder); only what
 * is left is called a bug. Neither claims that nothing was changed: that was not checked.
 */
export function reportError(error: unknown, global: SettingsInput = {}): number {
  if (error instanceof UserError) {
    fail(error.message);
    return error.exitCode;
  }
  const dataDir = dataDirOf(global);
  if (dataDir && isStorageFault(error, dataDir)) {
    const named = storageFaultError(
      error,
      dataDir,
      'Handrail stopped; what it recorded before is kept, what it was doing may not be (`handrail runs` shows where things stand).',
    );
    fail(named.message);
    if (process.env.HANDRAIL_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return named.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  fail(
    `internal error: ${message}. This is a bug in Handrail. What it recorded before is kept; \`handrail runs\` shows anything left in progress. ` +
      'Set HANDRAIL_DEBUG=1 to see where it happened.',
  );
  if (process.env.HANDRAIL_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}

function dataDirOf(global: SettingsInput): string | undefined {
  try {
    return resolveSettings(global).dataDir;
  } catch {
    return undefined;
  }
}

/** Exit status of a process ended by SIGPIPE, as the shell reports it (128 + 13). */
const EXIT_BROKEN_PIPE = 141;

let stdoutGone = false;
let keepGoing: string | undefined;

/**
 * For commands that change things (`run`, `resume`): when stdout's reader goes away the
 * command goes on — the terminal is not the record, the store is — and `notice` is said once
 * on stderr. Stopping there instead would leave a step running with nobody recording it.
 */
export function keepRunningWhenStdoutCloses(notice: string): void {
  keepGoing = notice;
}

// A closed pipe (`handrail runs | head`): a command that only reads stops quietly, with the
// status of a process ended by SIGPIPE (never 0: the output was cut short).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE' && !stdoutGone) throw error;
  if (keepGoing === undefined) process.exit(EXIT_BROKEN_PIPE);
  if (stdoutGone) return;
  stdoutGone = true;
  process.stderr.write(`handrail: ${keepGoing}\n`);
});
// `2>&1 | head` closes stderr too: nothing can be said there any more, and that must not end a run.
process.stderr.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  if (keepGoing === undefined) process.exit(EXIT_BROKEN_PIPE);
});
