// The engine talks to the outside world only through these interfaces; src/targets
// implements them (local shell, SSH, SQLite, PostgreSQL, HTTP) and tests use the real ones.

export type OutputStream = 'stdout' | 'stderr';

export interface ShellRequest {
  /** The script, run by `sh -c` (inputs already substituted as quoted words). */
  script: string;
  /** Extra environment variables for the step (the inventory's `variables`). */
  env: Record<string, string>;
  /** Kill the whole process group after this long; undefined means no limit. */
  timeoutMs?: number | undefined;
  /** Aborting kills the whole process group (operator pressed Ctrl-C / Abort). */
  signal: AbortSignal;
  /** Called for every chunk as it arrives; never buffered whole. */
  onOutput: (stream: OutputStream, chunk: Uint8Array) => void;
}

export interface ShellResult {
  /** null when the process was ended by a signal. */
  exitCode: number | null;
  /** e.g. 'SIGKILL' when ended by a signal. */
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
}

export interface ShellExecutor {
  run(request: ShellRequest): Promise<ShellResult>;
}
