// The engine talks to the outside world only through these interfaces; src/targets
// implements them (local shell, SSH, SQLite, PostgreSQL, HTTP) and tests use the real ones.

export type OutputStream = 'stdout' | 'stderr';

export interface ShellRequest {
  /**
   * The script, run by sh. It holds no input value: each placeholder became a reference to
   * an HR_IN_<name> variable in `env`. Executors never put `env` into an argv, where every
   * user of the machine could read it (ps, /proc/PID/cmdline).
   */
  script: string;
  /**
   * The step's variables: the inventory's `variables` and `pass-env`, and the inputs
   * (HR_IN_<name>). Added to a minimal base environment, never to Handrail's whole one.
   */
  env: Record<string, string>;
  /** Kill the whole process group after this long; undefined means no limit. */
  timeoutMs?: number | undefined;
  /** Aborting kills the whole process group (operator pressed Ctrl-C / Abort). */
  signal: AbortSignal;
  /** Called for every chunk as it arrives; never buffered whole. */
  onOutput: (stream: OutputStream, chunk: Uint8Array) => void;
  /**
   * Called once the step's process group exists and before its command starts: the command
   * waits until this returns, so a group recorded here can be found and stopped after a crash.
   * Throwing stops the step before its command ran.
   */
  onStart?: (started: StartedProcess) => void;
}

/** A step's process group: a local step leads its own, so its pid is its group id. */
export interface StartedProcess {
  pid: number;
  /** Field 22 of /proc/PID/stat: tells this process from a later one given the same pid. */
  startTicks: number | null;
  /**
   * Set for a step that runs over SSH: `pid` is then the group sshd made for the session on
   * that host, found there again after a crash by a new connection (same login, same boot).
   */
  remote?: { login: string; bootId: string | null };
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

/** A value bound to a `:name` parameter (never spliced into SQL text). */
export type SqlValue = string | number | boolean | null;

export interface SqlRequest {
  /** The step's SQL, one or more statements, with `:name` parameters. */
  sql: string;
  params: Record<string, SqlValue>;
  /**
   * 'read' opens read-only (SQLite) or runs in a READ ONLY transaction (PostgreSQL);
   * 'write' runs every statement in one transaction.
   */
  mode: 'read' | 'write';
  /**
   * For 'write': called with the result before COMMIT; returning false rolls back, so a
   * mutating step commits only when its expectations pass.
   */
  accept?: (result: SqlResult) => boolean;
  timeoutMs?: number | undefined;
  signal: AbortSignal;
  /** At most this many rows are kept for display; rowCount still counts all of them. */
  maxRows: number;
}

export interface SqlResult {
  /** Columns and rows of the last statement that returns rows (empty when none does). */
  columns: string[];
  rows: SqlValue[][];
  /** Rows returned by that statement, or, when no statement returns rows, rows changed. */
  rowCount: number;
  returnsRows: boolean;
  committed: boolean;
  durationMs: number;
}

export interface SqlExecutor {
  run(request: SqlRequest): Promise<SqlResult>;
  close(): Promise<void>;
}

export interface HttpRequest {
  method: string;
  /** Inputs already in, each part encoded by its own rules (see http-substitute.ts). */
  url: string;
  headers: [string, string][];
  body: string;
  timeoutMs?: number | undefined;
  signal: AbortSignal;
  onOutput: (stream: OutputStream, chunk: Uint8Array) => void;
}

export interface HttpResult {
  status: number;
  durationMs: number;
}

export interface HttpExecutor {
  run(request: HttpRequest): Promise<HttpResult>;
}

/** What the operator's machine knows of a host's key. */
export type HostKeyVerdict =
  | { status: 'known'; fingerprint: string }
  | { status: 'unknown'; fingerprint: string }
  | { status: 'changed'; fingerprint: string; expected: string[] };

export interface SnapshotRequest {
  /** Final path of the snapshot file; the provider writes a temporary name beside it and renames. */
  path: string;
  signal: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

/** A snapshot is reported only after it was written, fsynced, checksummed, verified and renamed. */
export interface SnapshotResult {
  path: string;
  bytes: number;
  sha256: string;
  durationMs: number;
}

export interface SnapshotProvider {
  readonly kind: 'sqlite' | 'postgres';
  /** Expected size, for the free-space check made before anything is written. */
  estimateBytes(): Promise<number>;
  take(request: SnapshotRequest): Promise<SnapshotResult>;
  /** Replaces the database's contents with the snapshot at `path` (already checksum-checked by the caller). */
  restore(path: string, signal: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<void>;
}
