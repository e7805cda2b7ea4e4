// Runs driven in the background for the consoles: a request starts (or resumes) a run and
// gets its id back as soon as the run exists, while the engine goes on and waits at each
// question for the operator's answer. Everything the run does is announced as console events.
import type { ConsoleEvent } from '../../contract/api.js';
import { UserError } from '../errors.js';
import type { RunResult, RunService, RunSession } from '../run-service.js';
import { EngineEventRelay } from './engine-event-relay.js';
import { LiveRun } from './live-run.js';
import { uiOperator } from './ui-operator.js';

export class RunDriver {
  private readonly live = new Map<string, LiveRun>();
  /** Every run being driven, with its id or still starting (targets opening). */
  private readonly driving = new Set<LiveRun>();
  private readonly finishing = new Set<Promise<void>>();
  /**
   * What each resume said before its run went on (a leftover it stopped), kept for the life of
   * the console so the run's page still says it after the run has ended, as the CLI's output does.
   */
  private readonly notices = new Map<string, string[]>();

  constructor(
    private readonly runs: RunService,
    private readonly emit: (event: ConsoleEvent) => void,
  ) {}

  get(runId: string): LiveRun | undefined {
    return this.live.get(runId);
  }

  noticesOf(runId: string): string[] {
    return this.notices.get(runId) ?? [];
  }

  /**
   * Starts `begin` (RunService.start or resume) with a console operator. Resolves with the
   * run's id once the run exists; rejects, with nothing started, when it is refused before.
   */
  drive(begin: (session: RunSession) => Promise<RunResult>): Promise<string> {
    const live = new LiveRun(() => relay.changed());
    const relay = new EngineEventRelay(live, this.emit);
    // Said before the run exists (a leftover stopped by the resume), kept until it does.
    const said: string[] = [];
    const notice = (runId: string, text: string) => this.notices.set(runId, [...this.noticesOf(runId), text]);
    return new Promise<string>((resolve, reject) => {
      const session: RunSession = {
        operator: uiOperator(live),
        onEvent: (event) => relay.handle(event),
        signal: live.controller.signal,
        onNotice: (text) => {
          if (live.runId === undefined) return void said.push(text);
          notice(live.runId, text);
          relay.changed();
        },
        onStart: (run, plan) => {
          for (const text of said.splice(0)) notice(run.id, text);
          live.runId = run.id;
          live.environmentProtected = plan.environment.protected === true;
          this.live.set(run.id, live);
          resolve(run.id);
          relay.changed();
        },
      };
      this.driving.add(live);
      const done = begin(session)
        .then(
          () => {
            if (live.runId === undefined) reject(new Error('the run ended before it was created'));
          },
          (error: unknown) => {
            if (live.runId === undefined) reject(withConsoleHint(error));
            else this.stopped(live, error);
          },
        )
        // Recording the end failed (the database itself): the next start marks the run interrupted.
        .catch(() => undefined)
        .finally(() => {
          if (live.runId !== undefined) this.live.delete(live.runId);
          this.driving.delete(live);
          relay.changed();
          this.finishing.delete(done);
        });
      this.finishing.add(done);
    });
  }

  /** Waiting runs become interrupted (resumable), running commands are stopped; resolves when all have ended. */
  async close(): Promise<void> {
    for (const live of this.driving) live.close();
    await Promise.allSettled([...this.finishing]);
  }

  /**
   * The engine stopped without an outcome: the console closed while the run waited for the
   * operator, or something failed under it. The run is marked interrupted, as a crash would
   * leave it, so it can be resumed; a step caught running is in doubt.
   */
  private stopped(live: LiveRun, error: unknown): void {
    const runId = live.runId;
    if (runId === undefined) return;
    const store = this.runs.store;
    const reason = error instanceof Error ? error.message : String(error);
    try {
      store.atomically(() => {
        if (store.getRun(runId)?.status !== 'running') return;
        const inDoubtSteps = store.listSteps(runId).filter((s) => s.status === 'running').map((s) => s.idx);
        for (const idx of inDoubtSteps) store.setStepStatus(runId, idx, 'in-doubt', { from: ['running'] });
        store.setRunStatus(runId, 'interrupted', { from: ['running'] });
        store.appendEvent({ operator: this.runs.settings.operator, kind: 'run.interrupted', runId, body: { reason, inDoubtSteps } });
      });
    } catch {
      // The database itself failed: the next start finds the run `running` with no live
      // process and marks it interrupted then (store/interrupted-runs.ts).
    }
  }
}

/** The console cannot ask for an SSH key's passphrase the way a terminal can; say what works instead. */
function withConsoleHint(error: unknown): unknown {
  if (error instanceof UserError && /encrypted and no passphrase/.test(error.message)) {
    return new UserError(
      `${error.message}; the console cannot ask for a passphrase: load the key into ssh-agent (ssh-add), or run this runbook with the CLI (handrail run); nothing was executed`,
    );
  }
  return error;
}
