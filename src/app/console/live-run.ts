// A run this console is driving: the question the engine is waiting on (if any), the
// snapshot progress so far, and the switch that aborts it. The engine asks through the UI
// operator (ui-operator.ts); the answer comes from `decide`, possibly much later.
import type { Prompt, SnapshotProgress, StepDecision } from '../../contract/api.js';
import { RunInterruption } from '../../core/engine/step-faults.js';

/** Rejects a question the engine asked while the console was closing (see LiveRun.close). */
export class ConsoleClosedError extends Error {
  constructor() {
    super('the console was closed while the run waited for the operator');
    this.name = 'ConsoleClosedError';
  }
}

export class LiveRun {
  /** Set once the run exists (RunSession.onStart). */
  runId: string | undefined;
  /** Whether the run's environment is protected, as the plan the engine runs with says. */
  environmentProtected = false;
  prompt: Prompt | null = null;
  readonly controller = new AbortController();
  private readonly progress = new Map<string, SnapshotProgress>();
  private waiting: { resolve: (d: StepDecision) => void; reject: (e: Error) => void } | undefined;
  private closing = false;

  constructor(private readonly changed: () => void) {}

  /** Publishes the question and waits for `answer`. After an abort, every question is answered "abort". */
  ask(prompt: Prompt): Promise<StepDecision> {
    if (this.closing) return Promise.reject(new ConsoleClosedError());
    if (this.controller.signal.aborted) return Promise.resolve({ action: 'abort' });
    return new Promise<StepDecision>((resolve, reject) => {
      this.prompt = prompt;
      this.waiting = { resolve, reject };
      this.changed();
    });
  }

  /** The operator's answer, already checked against the prompt (decision-rules.ts). */
  answer(decision: StepDecision): void {
    const waiting = this.waiting;
    this.prompt = null;
    this.waiting = undefined;
    waiting?.resolve(decision);
    this.changed();
  }

  /**
   * Stops the running command (its whole process group) and answers a pending question "abort".
   * The operator's reason travels as the signal's reason into the run.aborted event.
   */
  abort(reason?: string): void {
    this.controller.abort(reason && reason.trim() !== '' ? reason.trim() : undefined);
    if (this.waiting) this.answer({ action: 'abort' });
  }

  /**
   * The console is going away. A run waiting for the operator is left where it stands (it
   * becomes interrupted and resumable, nothing half-done); a running command is stopped and
   * its step left in doubt — an interruption, not the operator's abort.
   */
  close(): void {
    this.closing = true;
    const waiting = this.waiting;
    if (waiting) {
      this.prompt = null;
      this.waiting = undefined;
      waiting.reject(new ConsoleClosedError());
    } else {
      this.controller.abort(new RunInterruption('the console was closed while the step ran'));
    }
  }

  get isClosing(): boolean {
    return this.closing;
  }

  setProgress(p: SnapshotProgress): void {
    this.progress.set(`${p.idx}/${p.target}`, p);
  }

  snapshotProgress(): SnapshotProgress[] {
    return [...this.progress.values()];
  }
}
