// The recorder: the author picks an environment and a shell target, types commands one at a
// time, and each runs for real there (the executors a run uses, live output, exit code)
// and becomes a step of a draft runbook. The draft is on disk after every command and every
// edit (draft-store.ts), so a crash loses nothing; saving writes runbook 1.0.0 into the
// workspace (save-recording.ts). Every command is in the audit trail with the SHA-256 of
// its whole output, though only the last lines are kept as the step's example.
import { databasesChanged } from '../../core/authoring/changed-databases.js';
import { randomBytes } from 'node:crypto';
import type { RecordedStep, RecordingDraft, RecordingSummary } from '../../contract/api.js';
import { isDatabaseKind, targetKind } from '../../contract/inventory.js';
import { destructiveReasons } from '../../core/authoring/destructive-commands.js';
import type { OutputStream } from '../../core/engine/ports.js';
import { Redactor } from '../../core/engine/redact.js';
import type { NewEvent } from '../../store/new-records.js';
import { UserError } from '../errors.js';
import { newId } from '../ids.js';
import { loadInventory } from '../run-plan.js';
import type { VersionRecord } from '../runbook-versions.js';
import { operatorBody, type Settings } from '../settings.js';
import { DraftStore, type StoredDraft } from './draft-store.js';
import { ExampleOutputKeeper } from './example-output.js';
import { defaultStepTitle } from './recording-markdown.js';
import { openRecordingTarget, recordingPlace, type OpenRecordingTarget, type RecordingPlace } from './recording-target.js';
import { saveRecording, type SaveRequest, type SavedRecording } from './save-recording.js';

export interface RecorderPorts {
  /** Appends to the audit chain. */
  audit(event: NewEvent): void;
  /** The runbook version history, when there is one to record a saved runbook in. */
  versions?: { record(e: VersionRecord): unknown; conflict(runbookId: string, version: string, sha256: string): string | undefined };
  /** Live output of a command being recorded, as text (UTF-8; secrets masked). */
  onOutput?(draftId: string, stream: OutputStream, text: string): void;
  askPassphrase?(prompt: string): Promise<string>;
}

export interface StartRecording {
  environment: string;
  target: string;
  title: string;
  /** A protected environment's name, typed. */
  confirm?: string | undefined;
  acceptHostKeys?: string[] | undefined;
}

export interface CommandOutcome {
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  aborted: boolean;
  outputBytes: number;
  cutLines: number;
}

export type RecordedCommand =
  | {
      draft: RecordingDraft;
      /** The new step; undefined when the command was stopped (it is not kept as a step). */
      step: RecordedStep | undefined;
      outcome: CommandOutcome;
      held?: undefined;
    }
  /**
   * Not run: the command looks destructive and the author has not yet said to run it after
   * seeing why. The face shows the reasons, then asks; nothing ran.
   */
  | { draft: RecordingDraft; step: undefined; outcome: undefined; held: string[] };

/** Edits the author may make; the recorded facts of each step stay as they were recorded. */
export interface RecordingEdit {
  title: string;
  steps: Pick<RecordedStep, 'id' | 'title' | 'prose' | 'mutates' | 'confirm' | 'idempotent'>[];
}

interface Active {
  place: RecordingPlace;
  target: Promise<OpenRecordingTarget> | undefined;
  running: AbortController | undefined;
}

export class RecorderService {
  readonly drafts: DraftStore;
  private readonly active = new Map<string, Active>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly inflight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    readonly settings: Settings,
    private readonly ports: RecorderPorts,
  ) {
    this.drafts = new DraftStore(settings.dataDir);
  }

  /** Checks the environment and target (SSH host keys included) and starts an empty draft. */
  async start(request: StartRecording): Promise<RecordingDraft> {
    this.assertOpen();
    const title = request.title.trim();
    if (title === '') throw new UserError('a recording needs a title (it becomes the runbook’s title and id); nothing was run');
    const inventory = await loadInventory(this.settings.workspace);
    let place: RecordingPlace;
    try {
      place = recordingPlace(inventory, request.environment, request.target, request.confirm);
    } catch (error) {
      if (error instanceof UserError) this.refused(request, error.message);
      throw error;
    }
    const id = newId('r-');
    const active: Active = { place, target: this.open(place, request.acceptHostKeys ?? []), running: undefined };
    try {
      await active.target;
    } catch (error) {
      if (error instanceof UserError) this.refused(request, error.message);
      throw error;
    }
    const draft: RecordingDraft = {
      id,
      title,
      environment: place.environmentName,
      target: place.target,
      operator: this.settings.operator,
      startedAt: new Date().toISOString(),
      steps: [],
      savedPath: null,
    };
    this.active.set(id, active);
    await this.drafts.save(draft);
    this.ports.audit({
      operator: this.settings.operator,
      kind: 'recording.started',
      runId: null,
      environment: place.environmentName,
      target: place.target,
      body: { draftId: id, title, ...(place.environment.protected ? { protected: true, confirmed: 'typed the environment name' } : {}), ...operatorBody(this.settings) },
    });
    return publicDraft(draft);
  }

  /** Runs `command` on the recording's target and, unless it was stopped, adds it as a step. */
  async record(draftId: string, command: string, options: { runDestructive?: boolean } = {}): Promise<RecordedCommand> {
    this.assertOpen();
    // Warn before, not after: a command that looks destructive runs only once the author has
    // seen why and said to go ahead.
    const destructive = await destructiveReasons(command);
    if (destructive.length > 0 && options.runDestructive !== true) {
      return { draft: publicDraft(await this.editable(draftId)), step: undefined, outcome: undefined, held: destructive };
    }
    // close() waits for it: a stopped command is still audited before the database closes.
    const work = this.recordNow(draftId, command, destructive);
    this.inflight.add(work);
    try {
      return await work;
    } finally {
      this.inflight.delete(work);
    }
  }

  private async recordNow(draftId: string, command: string, flagged: string[]): Promise<RecordedCommand> {
    const before = await this.editable(draftId);
    const active = await this.activate(before);
    if (active.running) throw new UserError(`recording ${draftId} is still running a command; wait for it or stop it, then run the next; nothing was run`);
    const controller = new AbortController();
    active.running = controller;
    const redactor = new Redactor(active.place.secrets);
    const shown = redactor.text(command);
    let outcome: CommandOutcome;
    let output: ReturnType<ExampleOutputKeeper['finish']>;
    try {
      const target = await (active.target ??= this.open(active.place, []));
      const keeper = new ExampleOutputKeeper();
      const streams = { stdout: redactor.stream(), stderr: redactor.stream() };
      const take = (stream: OutputStream, masked: Uint8Array) => {
        if (masked.length === 0) return;
        const text = keeper.push(stream, masked);
        if (text !== '') this.ports.onOutput?.(draftId, stream, text);
      };
      const result = await target.shell.run({
        script: command,
        env: target.variables,
        signal: controller.signal,
        onOutput: (stream, chunk) => take(stream, streams[stream].push(chunk)),
      });
      for (const stream of ['stdout', 'stderr'] as const) take(stream, streams[stream].flush());
      output = keeper.finish();
      outcome = { exitCode: result.exitCode, signal: result.signal, durationMs: result.durationMs, aborted: result.aborted, outputBytes: output.bytes, cutLines: output.cutLines };
    } catch (error) {
      // The target went away (an SSH connection dropped): open it afresh for the next command.
      active.target = undefined;
      const reason = error instanceof Error ? error.message : String(error);
      this.ports.audit(this.commandEvent(before, { command: shown, failed: reason }));
      throw new UserError(`the command could not be run on ${before.target} in ${before.environment} (${reason}); it was not added as a step; the recording is kept`, 1);
    } finally {
      active.running = undefined;
    }

    const destructive = outcome.aborted ? [] : flagged;
    this.ports.audit(
      this.commandEvent(before, {
        command: shown,
        exitCode: outcome.exitCode,
        signal: outcome.signal,
        durationMs: outcome.durationMs,
        outputBytes: output.bytes,
        outputSha256: output.sha256,
        ...(outcome.aborted ? { aborted: true } : {}),
        ...(destructive.length > 0 ? { destructive } : {}),
      }),
    );
    if (outcome.aborted) return { draft: publicDraft(await this.drafts.load(draftId)), step: undefined, outcome };

    const step: RecordedStep = {
      id: `st-${randomBytes(4).toString('hex')}`,
      title: defaultStepTitle(shown),
      command: shown,
      target: before.target,
      prose: '',
      exampleOutput: output.text,
      exitCode: outcome.exitCode,
      durationMs: outcome.durationMs,
      // A command that changes a database target of the environment is saved as changing it,
      // so its step gets a verified snapshot first; the author can still take it out.
      mutates: await this.changedDatabases(before.environment, command),
      // Flagged commands ask before they run until the author decides otherwise, consciously.
      confirm: destructive.length > 0,
      idempotent: false,
      destructive,
    };
    // Edits made while the command ran are kept: the step is added to the draft as it is now.
    const draft = await this.exclusive(draftId, async () => {
      const current = await this.editable(draftId);
      const next = { ...current, steps: [...current.steps, step] };
      await this.drafts.save(next);
      return next;
    });
    return { draft: publicDraft(draft), step, outcome };
  }

  /** Reorder, delete (a step left out), retitle, prose, mutates / confirm / idempotent. */
  async update(draftId: string, edit: RecordingEdit): Promise<RecordingDraft> {
    this.assertOpen();
    return this.exclusive(draftId, async () => {
      const draft = await this.editable(draftId);
      const title = edit.title.trim();
      if (title === '') throw new UserError(`a recording needs a title; recording ${draftId} was left unchanged`);
      const byId = new Map(draft.steps.map((s) => [s.id, s]));
      const seen = new Set<string>();
      const databases = await this.databaseTargets(draft.environment);
      const steps = edit.steps.map((e, i) => {
        const recorded = byId.get(e.id);
        if (!recorded) throw new UserError(`step ${i + 1} ('${e.title}') is not a step of recording ${draftId} (reload it: it may have changed elsewhere); nothing was changed`);
        if (seen.has(e.id)) throw new UserError(`step '${recorded.title}' is listed twice; nothing was changed`);
        seen.add(e.id);
        const mutates = [...new Set(e.mutates)];
        const wrong = mutates.find((t) => !databases.includes(t));
        if (wrong !== undefined) {
          throw new UserError(
            `step ${i + 1} marks '${wrong}' as changed, but mutates names a database target of ${draft.environment} ` +
              `(there: ${databases.join(', ') || 'none'}); nothing was changed`,
          );
        }
        return { ...recorded, title: e.title.trim() || defaultStepTitle(recorded.command), prose: e.prose, mutates, confirm: e.confirm, idempotent: e.idempotent };
      });
      const next = { ...draft, title, steps };
      await this.drafts.save(next);
      return publicDraft(next);
    });
  }

  async get(draftId: string): Promise<RecordingDraft> {
    this.assertOpen();
    return publicDraft(await this.drafts.load(draftId));
  }

  list(): Promise<RecordingSummary[]> {
    this.assertOpen();
    return this.drafts.list();
  }

  /** Stops the running command (its whole process group). */
  async stop(draftId: string): Promise<void> {
    this.assertOpen();
    await this.drafts.load(draftId);
    const running = this.active.get(draftId)?.running;
    if (!running) throw new UserError(`recording ${draftId} is not running a command in this console; nothing was stopped`);
    running.abort();
  }

  /** Writes the runbook into the workspace (never over a file) and marks the draft saved. */
  async save(draftId: string, request: SaveRequest): Promise<SavedRecording> {
    this.assertOpen();
    const saved = await this.exclusive(draftId, async () => {
      const draft = await this.editable(draftId);
      if (this.active.get(draftId)?.running) throw new UserError(`recording ${draftId} is still running a command; wait for it or stop it, then save; nothing was written`);
      return saveRecording(draft, request, { settings: this.settings, drafts: this.drafts, audit: (e) => this.ports.audit(e), versions: this.ports.versions });
    });
    await this.release(draftId);
    return saved;
  }

  /** Stops running commands and closes the targets (SSH sessions). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const active of this.active.values()) active.running?.abort();
    await Promise.allSettled([...this.inflight, ...this.queues.values()]);
    await Promise.allSettled([...this.active.keys()].map((id) => this.release(id)));
  }

  private async release(draftId: string): Promise<void> {
    const active = this.active.get(draftId);
    this.active.delete(draftId);
    const target = await active?.target?.catch(() => undefined);
    await target?.close();
  }

  /** A draft reopened after a restart gets its place again, checked against today's inventory. */
  private async activate(draft: StoredDraft): Promise<Active> {
    const existing = this.active.get(draft.id);
    if (existing) return existing;
    const inventory = await loadInventory(this.settings.workspace);
    // A protected environment's name was typed when the recording started (it is in the audit).
    const place = recordingPlace(inventory, draft.environment, draft.target, draft.environment);
    const active: Active = { place, target: undefined, running: undefined };
    this.active.set(draft.id, active);
    return active;
  }

  private open(place: RecordingPlace, acceptHostKeys: string[]): Promise<OpenRecordingTarget> {
    return openRecordingTarget(place, {
      settings: this.settings,
      acceptHostKeys,
      ...(this.ports.askPassphrase ? { askPassphrase: (p: string) => this.ports.askPassphrase!(p) } : {}),
      onEvent: (kind, body) => this.ports.audit({ operator: this.settings.operator, kind, runId: null, environment: place.environmentName, target: place.target, body }),
    });
  }

  private async editable(draftId: string): Promise<StoredDraft> {
    const draft = await this.drafts.load(draftId);
    if (draft.savedPath !== null) {
      throw new UserError(`recording ${draftId} was already saved as ${draft.savedPath}; change that runbook in the editor, or start a new recording; nothing was changed`);
    }
    return draft;
  }

  private async changedDatabases(environment: string, command: string): Promise<string[]> {
    const inventory = await loadInventory(this.settings.workspace).catch(() => undefined);
    const targets = inventory?.environments[environment]?.targets ?? {};
    return databasesChanged(command, Object.fromEntries(Object.entries(targets).filter(([, spec]) => isDatabaseKind(targetKind(spec)))));
  }

  private async databaseTargets(environment: string): Promise<string[]> {
    const inventory = await loadInventory(this.settings.workspace);
    const targets = inventory.environments[environment]?.targets ?? {};
    return Object.entries(targets).filter(([, spec]) => isDatabaseKind(targetKind(spec))).map(([name]) => name);
  }

  private commandEvent(draft: RecordingDraft, body: Record<string, unknown>): NewEvent {
    return {
      operator: this.settings.operator,
      kind: 'recording.command',
      runId: null,
      environment: draft.environment,
      target: draft.target,
      body: { draftId: draft.id, target: draft.target, ...body },
    };
  }

  private refused(request: StartRecording, reason: string): void {
    this.ports.audit({
      operator: this.settings.operator,
      kind: 'recording.refused',
      runId: null,
      body: { environment: request.environment, target: request.target, title: request.title, reason },
    });
  }

  /** Edits and appends to one draft happen one after another, never interleaved. */
  private async exclusive<T>(draftId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(draftId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(fn);
    this.queues.set(draftId, next);
    try {
      return await next;
    } finally {
      if (this.queues.get(draftId) === next) this.queues.delete(draftId);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new UserError('the recorder is shutting down; nothing was done');
  }
}

/** The draft as the contract shows it (without the file's bookkeeping). */
function publicDraft(draft: RecordingDraft | StoredDraft): RecordingDraft {
  const { id, title, environment, target, operator, startedAt, steps, savedPath } = draft;
  return { id, title, environment, target, operator, startedAt, steps, savedPath };
}
