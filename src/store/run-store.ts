import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Run, RunStep } from '../contract/run.js';
import { FINISHED_RUN_STATUSES, type RunStatus, type StepStatus } from '../contract/run-states.js';
import type { Checkpoint } from '../core/audit/checkpoint.js';
import { OUTPUT_EVENT } from '../core/audit/output-event.js';
import type { OutputStream } from '../core/engine/ports.js';
import { AuditChain } from './audit-chain.js';
import { type InterruptedRun, deadRuns, markInterruptedRuns } from './interrupted-runs.js';
import type { NewEvent, NewRun, NewStep } from './new-records.js';
import { byPrefix, type ByPrefix, ID_PREFIX_WHERE, prefixPattern } from './id-prefix.js';
import { RUN_COLUMNS, type RunRow, type StepRow, toRun, toStep, toStepRow } from './run-rows.js';
import { type OutputChunk, type OutputTotals, type PastCap, appendOutput, outputTotals, readOutput } from './step-output.js';
import { type StepChange, nextStep } from './step-transition.js';
import type { PreparedChunk } from './output-prepare.js';
import { type RecordedStepProcess, recordStepProcess, unsettledStepProcesses } from './step-processes.js';
import { StoreError } from './store-error.js';
import { type LockResult, acquireLock, releaseLock, releaseRunLocks } from './target-locks.js';

export interface RunStoreOptions {
  now?: () => Date;
  /** Output kept per step attempt before the rest is counted as cut. Default 256 MiB. */
  maxOutputBytesPerAttempt?: number;
  /** Where the audit signing key lives. Default: `keys/` beside the database file; none in memory. */
  keysDir?: string | null;
}

const FINISHED_RUN: readonly RunStatus[] = FINISHED_RUN_STATUSES;

/**
 * Runs, steps, output, events and locks in the app database. Every method that changes
 * something commits before it returns (synchronous=FULL puts the commit on disk), so a caller
 * records a transition first and performs its side effect after. Wrap several calls in
 * `atomically` to commit them together.
 */
export class RunStore {
  private readonly now: () => string;
  private readonly maxOutputBytes: number;
  /** The audit trail: every event goes through it. */
  readonly audit: AuditChain;
  /** This process, as recorded on the runs it starts or resumes. */
  readonly pid = process.pid;
  readonly host = hostname();

  constructor(
    private readonly db: Database,
    options: RunStoreOptions = {},
  ) {
    const clock = options.now ?? (() => new Date());
    this.now = () => clock().toISOString();
    this.maxOutputBytes = options.maxOutputBytesPerAttempt ?? 256 * 1024 * 1024;
    const inMemory = db.memory || db.name === '' || db.name === ':memory:';
    const keysDir = options.keysDir !== undefined ? options.keysDir : inMemory ? null : join(dirname(db.name), 'keys');
    this.audit = new AuditChain(db, { now: this.now, keysDir });
  }

  /** Runs `fn` in one transaction (nested store calls become savepoints inside it). */
  atomically<T>(fn: () => T): T {
    const result = this.db.transaction(fn).immediate();
    // What the audit chain leaves until the commit (the search index catching up at a run's end).
    this.audit.afterCommit();
    return result;
  }

  createRun(run: NewRun): Run {
    const actual = createHash('sha256').update(run.runbookSource).digest('hex');
    if (actual !== run.runbookSha256) {
      throw new StoreError(
        `The runbook ${run.runbookPath} changed between reading and starting the run (SHA-256 ${actual.slice(0, 12)}…, ` +
          `expected ${run.runbookSha256.slice(0, 12)}…). Nothing was started. Review the runbook and start the run again.`,
      );
    }
    const id = run.id ?? randomUUID();
    return this.atomically(() => {
      this.db
        .prepare(
          `INSERT INTO runs (id, runbook_id, runbook_version, runbook_sha256, runbook_path, runbook_source, environment,
             operator, status, inputs_json, pid, host, started_at, incident) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?)`,
        )
        .run(id, run.runbookId, run.runbookVersion, actual, run.runbookPath, Buffer.from(run.runbookSource),
          run.environment, run.operator, JSON.stringify(run.inputs), this.pid, this.host, this.now(), run.incident ?? null);
      for (const step of run.steps ?? []) this.upsertStep(id, step);
      return this.requireRun(id);
    });
  }

  getRun(id: string): Run | undefined {
    const row = this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`).get(id) as RunRow | undefined;
    return row && toRun(row);
  }

  /** The run with this id, or the one run whose id starts with it. */
  findRun(ref: string): ByPrefix<Run> {
    const exact = this.getRun(ref);
    if (exact) return { found: exact };
    const rows = this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE ${ID_PREFIX_WHERE} ORDER BY id LIMIT 2`).all(prefixPattern(ref), ref, ref) as RunRow[];
    return byPrefix(rows.map(toRun));
  }

  /** The exact runbook bytes the run is bound to. */
  getRunbookSource(id: string): Buffer | undefined {
    return this.db.prepare('SELECT runbook_source FROM runs WHERE id = ?').pluck().get(id) as Buffer | undefined;
  }

  /** Newest first. */
  listRuns(options: { limit?: number; offset?: number } = {}): Run[] {
    const rows = this.db
      .prepare(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY started_at DESC, id LIMIT ? OFFSET ?`)
      .all(options.limit ?? 100, options.offset ?? 0) as RunRow[];
    return rows.map(toRun);
  }

  /**
   * `running` (a resume) records this process as the run's owner; a finished status sets the
   * finish time and releases the run's locks in the same transaction.
   */
  setRunStatus(id: string, status: RunStatus, options: { from?: readonly RunStatus[] } = {}): Run {
    return this.atomically(() => {
      const current = this.requireRun(id);
      if (options.from && !options.from.includes(current.status)) {
        throw new StoreError(`Run ${id} is ${current.status}, not ${options.from.join(' or ')}; it was left unchanged.`);
      }
      const finished = FINISHED_RUN.includes(status);
      this.db
        .prepare('UPDATE runs SET status = ?, pid = ?, host = ?, finished_at = ? WHERE id = ?')
        .run(status, status === 'running' ? this.pid : current.pid, status === 'running' ? this.host : current.host,
          finished ? this.now() : null, id);
      if (finished) releaseRunLocks(this.db, id);
      return this.requireRun(id);
    });
  }

  /** Creates the step `pending`, or updates its title, kind and target (never its state). */
  upsertStep(runId: string, step: NewStep): RunStep {
    return this.atomically(() => {
      this.db
        .prepare(
          `INSERT INTO steps (run_id, idx, title, kind, target, status) VALUES (?, ?, ?, ?, ?, 'pending')
           ON CONFLICT (run_id, idx) DO UPDATE SET title = excluded.title, kind = excluded.kind, target = excluded.target`,
        )
        .run(runId, step.idx, step.title, step.kind, step.target);
      return this.requireStep(runId, step.idx);
    });
  }

  /** Moves a step to `status`; see nextStep for what else changes with it. */
  setStepStatus(runId: string, idx: number, status: StepStatus, change: StepChange = {}): RunStep {
    return this.atomically(() => {
      const current = this.requireStep(runId, idx);
      if (change.from && !change.from.includes(current.status)) {
        throw new StoreError(
          `Step ${idx + 1} (${current.title}) of run ${runId} is ${current.status}, not ${change.from.join(' or ')}; it was left unchanged.`,
        );
      }
      const next = nextStep(current, status, change, this.now());
      this.db
        .prepare(
          `UPDATE steps SET status = @status, attempt = @attempt, exit_code = @exit_code, signal = @signal,
             reason = @reason, note = @note, started_at = @started_at, finished_at = @finished_at
           WHERE run_id = @run_id AND idx = @idx`,
        )
        .run(toStepRow(next));
      return next;
    });
  }

  getStep(runId: string, idx: number): RunStep | undefined {
    const row = this.db.prepare('SELECT * FROM steps WHERE run_id = ? AND idx = ?').get(runId, idx) as StepRow | undefined;
    return row && toStep(row);
  }

  listSteps(runId: string): RunStep[] {
    const rows = this.db.prepare('SELECT * FROM steps WHERE run_id = ? ORDER BY idx').all(runId) as StepRow[];
    return rows.map(toStep);
  }

  /**
   * Stores a chunk and, in the same transaction, a `step.output` event carrying its SHA-256:
   * the output lives beside the chain (compressed, searchable), and the chain vouches for
   * every byte of it, so an edited or removed chunk is named by `audit verify`.
   */
  appendOutput(runId: string, idx: number, attempt: number, stream: OutputStream, chunk: Uint8Array | PreparedChunk | PastCap, operator?: string): OutputTotals {
    return this.atomically(() => {
      const { stored, ...totals } = appendOutput(this.db, { runId, idx, attempt }, stream, chunk, this.maxOutputBytes);
      if (stored) {
        const who = operator ?? ((this.db.prepare('SELECT operator FROM runs WHERE id = ?').pluck().get(runId) as string | undefined) ?? 'unknown');
        this.audit.append({ operator: who, kind: OUTPUT_EVENT, runId, stepIdx: idx, body: { attempt, ...stored } });
      }
      return totals;
    });
  }

  readOutput(runId: string, idx: number, attempt: number, pageSize?: number): AsyncGenerator<OutputChunk, void, undefined> {
    return readOutput(this.db, { runId, idx, attempt }, pageSize);
  }

  outputTotals(runId: string, idx: number, attempt: number): OutputTotals {
    return outputTotals(this.db, { runId, idx, attempt });
  }

  /** Appends to the audit chain; returns the event's sequence number. */
  appendEvent(event: NewEvent): number {
    return this.audit.append(event);
  }

  /**
   * A signed checkpoint of the audit chain's head (at the end of every run). Never fails for
   * want of a key: ending a run must be recorded even then (the unsigned end is what the next
   * check and `audit verify` name).
   */
  checkpoint(): Checkpoint | undefined {
    return this.audit.checkpoint(undefined, 'skip');
  }

  acquireLock(targetKey: string, runId: string, operator: string): LockResult {
    return acquireLock(this.db, targetKey, runId, operator, this.now());
  }

  lockHolder(targetKey: string): { runId: string; operator: string } | undefined {
    const row = this.db.prepare('SELECT run_id, operator FROM locks WHERE target_key = ?').get(targetKey) as { run_id: string; operator: string } | undefined;
    return row && { runId: row.run_id, operator: row.operator };
  }

  releaseLock(targetKey: string, runId: string): boolean {
    return releaseLock(this.db, targetKey, runId);
  }

  /** A step's process group (here, or on its SSH host), committed before its command starts; see step-processes.ts. */
  recordStepProcess(runId: string, idx: number, attempt: number, started: { pid: number; startTicks: number | null; remote?: { login: string; bootId: string | null } }): void {
    this.atomically(() =>
      recordStepProcess(this.db, {
        runId, idx, attempt, host: this.host, pid: started.pid, startTicks: started.startTicks, startedAt: this.now(),
        sshLogin: started.remote?.login ?? null, bootId: started.remote?.bootId ?? null,
      }),
    );
  }

  unsettledStepProcesses(runId: string): RecordedStepProcess[] {
    return unsettledStepProcesses(this.db, runId);
  }

  /** Crash detection at start-up; see interrupted-runs.ts. */
  markInterruptedRuns(reasonFor?: (runId: string) => string | undefined): InterruptedRun[] {
    return markInterruptedRuns(this.db, this.host, (event) => this.audit.append(event), reasonFor);
  }

  /** Runs whose process is gone, found without recording anything. */
  deadRuns(): { runId: string; pid: number }[] {
    return deadRuns(this.db, this.host);
  }

  private requireRun(id: string): Run {
    const run = this.getRun(id);
    if (!run) throw new StoreError(`There is no run ${id} in this data directory.`);
    return run;
  }

  private requireStep(runId: string, idx: number): RunStep {
    const step = this.getStep(runId, idx);
    if (!step) throw new StoreError(`Run ${runId} has no step ${idx + 1}.`);
    return step;
  }
}
