// What the engine needs from the app around it while a run is under way: a durable
// journal (the store), the targets of the chosen environment, and the operator.
import type { StepStatus } from '../../contract/run.js';
import type { Step } from '../../contract/runbook.js';
import type { HttpExecutor, OutputStream, ShellExecutor, SnapshotProvider, SnapshotResult, SqlExecutor, StartedProcess } from './ports.js';

export interface StepChange {
  exitCode?: number | null;
  signal?: string | null;
  reason?: string | null;
  note?: string | null;
}

/**
 * Every call is committed before it returns, so a transition is on disk before the side
 * effect it announces (a step is `running` in the database before its command starts).
 */
export interface RunJournal {
  setStep(idx: number, status: StepStatus, change?: StepChange): void;
  /** Starts a new attempt of a step and returns its number. */
  beginAttempt(idx: number): number;
  output(idx: number, attempt: number, stream: OutputStream, chunk: Uint8Array): void;
  event(kind: string, body: Record<string, unknown>, idx?: number): void;
  /** A local step's process group, recorded before its command starts (found again after a crash). */
  process(idx: number, attempt: number, started: StartedProcess): void;
  /** A snapshot that was written, verified and renamed into place. */
  snapshot(idx: number, taken: { target: string; kind: 'sqlite' | 'postgres'; location: string; result: SnapshotResult }): void;
}

export interface SnapshotSource {
  provider: SnapshotProvider;
  path: string;
  /** The database as the inventory names it now: a SQLite path or a PostgreSQL URL. */
  location: string;
  /** Free bytes where the snapshot goes. */
  freeBytes(): Promise<number>;
}

export interface TargetResolver {
  shell(target: string): Promise<ShellExecutor>;
  sql(target: string): Promise<SqlExecutor>;
  http(): HttpExecutor;
  /** The database's snapshot provider and where its snapshot goes, or why none can be taken. */
  snapshot(target: string): SnapshotSource | { refused: string };
  /** Variables exported to sh steps in this environment. */
  variables: Record<string, string>;
}

export type FailureDecision = { action: 'retry' } | { action: 'skip'; reason: string } | { action: 'abort' } | { action: 'stop' };
export type InDoubtDecision =
  | { action: 'retry' }
  | { action: 'done'; note: string }
  | { action: 'skip'; reason: string }
  | { action: 'abort' }
  | { action: 'refuse'; message: string };
export type ManualDecision = { action: 'done'; note?: string } | { action: 'skip'; reason: string } | { action: 'abort' } | { action: 'refuse'; message: string };

export type BeforeStepDecision = { action: 'run' } | { action: 'skip'; reason: string } | { action: 'abort' };

export interface OperatorPort {
  /**
   * Asked before each automated step's first attempt when present: the consoles walk a run
   * step by step ("Run step"), the CLI runs on without asking.
   */
  beforeStep?(step: Step): Promise<BeforeStepDecision>;
  /** A manual step: the operator does it and says so. */
  manual(step: Step): Promise<ManualDecision>;
  /**
   * Before a `confirm` step, or a mutating/`confirm` step in a protected environment (then
   * `environment` is its name, which must be typed). Not ok: the step is not run and the run
   * stays resumable, or with `abort` the operator ended the run there, or with `skip` (a
   * reason) the operator skipped the step and the run goes on.
   */
  confirm(
    step: Step,
    environment: string | undefined,
  ): Promise<{ ok: true; how: string } | { ok: false; message: string; abort?: boolean; skip?: string }>;
  failed(step: Step, reason: string): Promise<FailureDecision>;
  /** `reason`: why the step is in doubt when it went so in this run (absent after a crash). */
  inDoubt(step: Step, reason?: string): Promise<InDoubtDecision>;
}

/** What the CLI and the UI show live. Output here is already redacted. */
export type EngineEvent =
  /**
   * A step comes up, before anything about it is asked or done: what it is, where, and the
   * exact command. Every question about the step comes after this, so a face that shows it
   * never asks for a confirmation before the thing confirmed is on screen.
   */
  | { type: 'step-ready'; idx: number; step: Step; target: string | undefined; command: string | undefined; inDoubt: boolean }
  | { type: 'step-start'; idx: number; step: Step; attempt: number; target: string | undefined; command: string | undefined }
  | { type: 'output'; idx: number; stream: OutputStream; data: Uint8Array }
  | { type: 'snapshot'; idx: number; target: string; phase: 'start' | 'progress' | 'verified'; done?: number; total?: number; result?: SnapshotResult }
  | { type: 'step-end'; idx: number; status: StepStatus; reason?: string; durationMs: number };
