// How the CLI speaks: results on stdout, one-line errors on stderr, never a stack trace
// unless HANDRAIL_DEBUG is set.
import { UserError } from '../app/errors.js';
import { resolveSettings, type SettingsInput } from '../app/settings.js';
import { isStorageFault, storageFaultError } from '../app/storage-faults.js';

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
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

// A closed pipe (`handrail list | head`) is not an error worth a message.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
