// Two ways a step can end without anyone knowing what it did. Neither may be recorded as
// `failed`: a failed step is run again by a plain `resume`, and a change whose outcome is
// unknown must never be applied twice without an operator's decision.

/**
 * Thrown by a target when the effect of a step that was already sent cannot be known: a
 * COMMIT that got no answer, an SSH connection lost while the command ran. The engine puts
 * the step `in-doubt` (with this message as the reason), as a crash would leave it.
 */
export class OutcomeUnknownError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'OutcomeUnknownError';
  }
}

/**
 * The reason given to a run's AbortSignal when something other than the operator stops it:
 * the console that drives it closes, the terminal hangs up (SIGHUP), the machine shuts down
 * (SIGTERM). The running command is stopped as for an abort, but the run is left
 * `interrupted` and its step `in-doubt` — resumable, and nobody is blamed for an abort.
 */
export class RunInterruption extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunInterruption';
  }
}

export function isOutcomeUnknown(error: unknown): error is OutcomeUnknownError {
  return error instanceof Error && error.name === 'OutcomeUnknownError';
}

/** The interruption behind an aborted signal, or undefined when the operator aborted. */
export function interruptionOf(signal: AbortSignal): RunInterruption | undefined {
  const reason: unknown = signal.aborted ? signal.reason : undefined;
  return reason instanceof Error && reason.name === 'RunInterruption' ? (reason as RunInterruption) : undefined;
}
