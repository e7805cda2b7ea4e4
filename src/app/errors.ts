/**
 * A failure the operator can act on: the message says what failed, what was left
 * unchanged and what to do next. The CLI prints it as one line, never with a stack.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** The process exit code the CLI uses (2: refused or bad usage, 1: failed). */
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
