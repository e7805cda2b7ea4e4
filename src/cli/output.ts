// How the CLI speaks: results on stdout, one-line errors on stderr, never a stack trace
// unless HANDRAIL_DEBUG is set.
import { UserError } from '../app/errors.js';

export function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function fail(message: string): void {
  process.stderr.write(`handrail: ${message}\n`);
}

/** Prints an error the operator can act on and returns the exit code. */
export function reportError(error: unknown): number {
  if (error instanceof UserError) {
    fail(error.message);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  fail(`internal error: ${message}. This is a bug in Handrail; nothing was changed. Set HANDRAIL_DEBUG=1 to see where it happened.`);
  if (process.env.HANDRAIL_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return 1;
}

// A closed pipe (`handrail list | head`) is not an error worth a message.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
