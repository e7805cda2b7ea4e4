// The API contract (src/contract/api.ts) implemented once, for both consoles: Electron's
// IPC binding and `handrail serve` call only this, with requests their schemas parsed.
// Refusals are UserErrors worded for the operator; toApiError (api-error.ts) is how a
// binding sends any error on.
import type { ApiParsedRequest, ApiResponse, AuditStatus, ConsoleApi, ConsoleEvent } from '../../contract/api.js';
import type { Run } from '../../contract/run.js';
import { appVersion } from '../../core/app-version.js';
import { NAME_PATTERN } from '../../contract/runbook.js';
import { ftsQuery } from '../../store/audit-search.js';
import { openAppDatabase, type AppDatabase } from '../../store/open-database.js';
import { readOutputPage } from '../../store/output-page.js';
import { queryRuns } from '../../store/run-query.js';
import { AuditExportService } from '../audit-export-service.js';
import { AuditSearchService } from '../audit-search-service.js';
import { AuditService } from '../audit-service.js';
import { UserError } from '../errors.js';
import { importScriptText } from '../import-service.js';
import { missingSecretInput } from '../../core/guards/resume-secrets.js';
import { checkListItems } from '../run-records.js';
import { RunService } from '../run-service.js';
import { RunbookVersions } from '../runbook-versions.js';
import { operatorBody, type Settings } from '../settings.js';
import { SnapshotService } from '../snapshot-service.js';
import { NotFoundError } from './api-error.js';
import { exportForDownload } from './audit-download.js';
import { tailStatus, verifiedStatus } from './audit-status.js';
import { refusal } from './decision-rules.js';
import { decodeChunks } from './output-text.js';
import { RestoreProgress, typedConfirmation } from './snapshot-restore.js';
import { RunDriver } from './run-driver.js';
import { runDetail } from './run-detail.js';
import { withVerdicts } from '../run-verdicts.js';
import { diffOp, historyOp } from './runbook-versions-api.js';
import { RecordingOps } from './recording-ops.js';
import { RunbookEditing } from './runbook-editing.js';
import { environmentList, isProtected, RunbookCatalog } from './runbook-catalog.js';

export type ConsoleListener = (event: ConsoleEvent) => void;

/** A page of output: this many chunks (up to 1 MiB each)… */
const OUTPUT_PAGE_CHUNKS = 256;
/** …or about this many bytes, whichever comes first. */
const OUTPUT_PAGE_BYTES = 4 * 1024 * 1024;
/** verifyAudit lists at most this many problems; the first is what matters. */
const MAX_PROBLEMS = 100;

export class ConsoleService implements ConsoleApi {
  private readonly listeners = new Set<ConsoleListener>();
  private readonly runs: RunService;
  private readonly snapshots: SnapshotService;
  private readonly audit: AuditService;
  private readonly search: AuditSearchService;
  private readonly exporter: AuditExportService;
  /** For the console's own queries (run lists, pages of output, a run's events). */
  private readonly db: AppDatabase;
  private readonly driver: RunDriver;
  private readonly catalog: RunbookCatalog;
  private readonly recording: RecordingOps;
  private readonly editing: RunbookEditing;
  private readonly restores = new Map<Promise<unknown>, AbortController>();
  /** The last full verification, when one was asked for. */
  private verified: AuditStatus | undefined;
  private closed = false;

  constructor(
    readonly settings: Settings,
    /** Which console this is, as the audit trail records its start and stop. */
    private readonly kind: 'browser console' | 'desktop app' = 'browser console',
  ) {
    // First: it marks runs whose process died as interrupted, before anything reads them.
    this.runs = new RunService(settings);
    const opened: { close(): void }[] = [this.runs];
    try {
      this.db = operatorFacing(() => openAppDatabase(settings.dataDir));
      opened.push(this.db);
      this.audit = new AuditService(settings);
      opened.push(this.audit);
      this.search = new AuditSearchService(settings);
      opened.push(this.search);
      this.exporter = new AuditExportService(settings);
      opened.push(this.exporter);
      this.snapshots = new SnapshotService(this.runs);
      this.driver = new RunDriver(this.runs, (event) => this.emit(event));
      this.catalog = new RunbookCatalog(settings, this.db.db);
      this.recording = new RecordingOps(settings, {
        appendEvent: (event) => this.runs.store.appendEvent(event),
        versions: new RunbookVersions(this.db.db),
        emit: (event) => this.emit(event),
      });
      this.editing = new RunbookEditing({ settings, versions: this.runs.versions, appendEvent: (event) => this.runs.store.appendEvent(event) });
    } catch (error) {
      for (const o of opened.reverse()) o.close();
      throw error;
    }
    this.recordLifecycle('app.started');
  }

  private recordLifecycle(kind: 'app.started' | 'app.stopped'): void {
    this.runs.store.appendEvent({ operator: this.settings.operator, kind, runId: null,
      body: { console: this.kind, version: appVersion(), pid: process.pid, ...operatorBody(this.settings) } });
  }

  /** Every console event from now on; returns the unsubscribe function. */
  subscribe(listener: ConsoleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs waiting for the operator become interrupted (resumable); a running command or
   * restore is stopped and recorded so; then the databases are closed.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const controller of this.restores.values()) controller.abort();
    await Promise.allSettled([this.driver.close(), this.recording.close(), ...this.restores.keys()]);
    this.listeners.clear();
    try {
      this.recordLifecycle('app.stopped');
    } catch {
      // The database is failing under us; closing must still release it.
    }
    for (const o of [this.exporter, this.search, this.audit, this.db, this.runs]) o.close();
  }

  async appInfo(_r: ApiParsedRequest<'appInfo'>): Promise<ApiResponse<'appInfo'>> {
    this.assertOpen();
    const { operator, workspace, dataDir } = this.settings;
    // A broken chain found by a full verification stays shown: the tail check only looks
    // past the last checkpoint and would not see it.
    const audit = this.verified && !this.verified.ok ? this.verified : tailStatus(this.db.db, this.runs.auditTailProblem());
    return { version: appVersion(), operator, workspace, dataDir, audit };
  }

  async listRunbooks(_r: ApiParsedRequest<'listRunbooks'>): Promise<ApiResponse<'listRunbooks'>> {
    this.assertOpen();
    this.runs.noticeInterruptedRuns();
    return this.catalog.list();
  }

  async getRunbook(r: ApiParsedRequest<'getRunbook'>): Promise<ApiResponse<'getRunbook'>> {
    this.assertOpen();
    return this.catalog.detail(r.id);
  }

  async listEnvironments(_r: ApiParsedRequest<'listEnvironments'>): Promise<ApiResponse<'listEnvironments'>> {
    this.assertOpen();
    return { environments: await environmentList(this.settings) };
  }

  async startRun(r: ApiParsedRequest<'startRun'>): Promise<ApiResponse<'startRun'>> {
    this.assertOpen();
    const request = { runbook: r.runbook, environment: r.environment, inputs: r.inputs, acceptHostKeys: r.acceptHostKeys ?? [] };
    if (!new RegExp(NAME_PATTERN).test(r.runbook)) {
      // The console starts runbooks of its workspace by id, never a path elsewhere on this machine.
      const message = `'${r.runbook}' is not a runbook id (ids are lowercase letters, digits and hyphens); nothing was executed`;
      this.runs.refused(request, message);
      throw new NotFoundError(message);
    }
    // Guards first; a refusal is recorded (guard.refused) and nothing is created.
    const plan = await this.runs.plan(request, this.settings.workspace);
    await this.snapshots.housekeeping(plan.inventory);
    const runId = await this.driver.drive((session) => this.runs.start(plan, request, session));
    return { runId };
  }

  async resumeRun(r: ApiParsedRequest<'resumeRun'>): Promise<ApiResponse<'resumeRun'>> {
    this.assertOpen();
    this.runs.noticeInterruptedRuns();
    const run = this.requireRun(r.runId);
    if (this.driver.get(run.id)) throw new UserError(`run ${run.id} is already being driven in this console; nothing was changed`);
    if (run.status === 'running') {
      throw new UserError(`run ${run.id} is running in process ${run.pid ?? '?'} on ${run.host ?? '?'}; it can be resumed only once it has stopped; nothing was executed`);
    }
    // Secret inputs were stored masked; they must be given again (they are never kept).
    const missing = missingSecretInput(run.inputs, r.inputs);
    if (missing !== undefined) {
      throw new UserError(`run ${run.id} needs its secret input '${missing}' again (secrets are never stored); enter it and resume; nothing was executed`);
    }
    const runId = await this.driver.drive((session) => this.runs.resume(run.id, { inputs: r.inputs, stopLeftovers: r.stopLeftovers === true }, session));
    return { runId };
  }

  async decide(r: ApiParsedRequest<'decide'>): Promise<ApiResponse<'decide'>> {
    this.assertOpen();
    const live = this.driver.get(r.runId);
    if (!live) throw this.notLive(r.runId);
    const prompt = live.prompt;
    if (!prompt) throw new UserError(`run ${r.runId} is not waiting for a decision now (a step is under way); nothing was changed`);
    if (prompt.idx !== r.idx) {
      throw new UserError(`run ${r.runId} is waiting at step ${prompt.idx + 1}, not at step ${r.idx + 1}; reload the run; nothing was changed`);
    }
    const refused = refusal(prompt, r.decision);
    if (refused) {
      if (prompt.kind === 'confirm' && prompt.environment !== null && r.decision.action === 'confirm' && r.decision.typed) {
        // A wrong name typed for a protected environment is worth a reviewer's eye.
        this.runs.store.appendEvent({
          operator: this.settings.operator,
          kind: 'confirmation.mistyped',
          runId: r.runId,
          stepIdx: r.idx,
          body: { environment: prompt.environment, typed: r.decision.typed },
        });
      }
      throw new UserError(refused);
    }
    live.answer(r.decision);
    return { ok: true };
  }

  async abortRun(r: ApiParsedRequest<'abortRun'>): Promise<ApiResponse<'abortRun'>> {
    this.assertOpen();
    this.runs.noticeInterruptedRuns();
    const live = this.driver.get(r.runId);
    if (live) {
      live.abort(r.reason);
      return { ok: true };
    }
    const run = this.requireRun(r.runId);
    // An interrupted run holds its databases until it is resumed or aborted; this releases them.
    this.runs.abortInterrupted(run.id, r.reason?.trim() || 'aborted in the console while interrupted');
    this.emit({ type: 'run-changed', runId: run.id });
    return { ok: true };
  }

  async listRuns(r: ApiParsedRequest<'listRuns'>): Promise<ApiResponse<'listRuns'>> {
    this.assertOpen();
    this.runs.noticeInterruptedRuns();
    let fts: string | undefined;
    if (r.text !== undefined && r.text.trim() !== '') {
      fts = ftsQuery(r.text);
      if (!fts) throw new UserError(`there is nothing to search for in '${r.text}': give at least one word with a letter or digit; nothing was searched`);
    }
    const filters = { operator: r.operator, runbook: r.runbook, environment: r.environment, status: r.status, fts };
    const page = queryRuns(this.db.db, filters, { offset: r.offset, limit: r.limit });
    return withVerdicts(this.db.db, { total: page.total, runs: checkListItems(this.db.db, page.runs) });
  }

  async getRun(r: ApiParsedRequest<'getRun'>): Promise<ApiResponse<'getRun'>> {
    this.assertOpen();
    this.runs.noticeInterruptedRuns();
    const run = this.requireRun(r.runId);
    return runDetail(
      { runs: this.runs, db: this.db.db, live: this.driver.get(run.id), isProtected: (env) => isProtected(this.settings, env) },
      run,
    );
  }

  async getOutput(r: ApiParsedRequest<'getOutput'>): Promise<ApiResponse<'getOutput'>> {
    this.assertOpen();
    const run = this.requireRun(r.runId);
    const step = this.runs.store.getStep(run.id, r.idx);
    if (!step) throw new NotFoundError(`run ${run.id} has no step ${r.idx + 1}; nothing was read`);
    const key = { runId: run.id, idx: r.idx, attempt: r.attempt };
    const page = readOutputPage(this.db.db, key, r.fromChunk, { chunks: OUTPUT_PAGE_CHUNKS, bytes: OUTPUT_PAGE_BYTES });
    const totals = this.runs.store.outputTotals(run.id, r.idx, r.attempt);
    return { chunks: decodeChunks(page.chunks), more: page.more, storedBytes: totals.storedBytes, cutBytes: totals.cutBytes };
  }

  async listSnapshots(_r: ApiParsedRequest<'listSnapshots'>): Promise<ApiResponse<'listSnapshots'>> {
    this.assertOpen();
    // The chain's values where a row was edited (the run's page and audit verify name the edit).
    return { snapshots: this.snapshots.checkedList().snapshots };
  }

  async restoreSnapshot(r: ApiParsedRequest<'restoreSnapshot'>): Promise<ApiResponse<'restoreSnapshot'>> {
    this.assertOpen();
    const snapshot = this.runs.snapshots.get(r.snapshotId);
    if (!snapshot) throw new NotFoundError(`there is no snapshot '${r.snapshotId}' in this data directory; nothing was changed`);
    const controller = new AbortController();
    const progress = new RestoreProgress(snapshot.id, (event) => this.emit(event));
    const restoring = this.snapshots.restore(snapshot.id, typedConfirmation(r.typed), (phase, done, total) => progress.update(phase, done, total), controller.signal);
    this.restores.set(restoring, controller);
    try {
      return await restoring;
    } finally {
      this.restores.delete(restoring);
      if (snapshot.runId) this.emit({ type: 'run-changed', runId: snapshot.runId });
    }
  }

  async verifyAudit(_r: ApiParsedRequest<'verifyAudit'>): Promise<ApiResponse<'verifyAudit'>> {
    this.assertOpen();
    const result = this.audit.verify();
    this.verified = verifiedStatus(result);
    return { ...this.verified, problems: result.problems.slice(0, MAX_PROBLEMS) };
  }

  async searchAudit(r: ApiParsedRequest<'searchAudit'>): Promise<ApiResponse<'searchAudit'>> {
    this.assertOpen();
    if (r.runId !== undefined) this.requireRun(r.runId);
    const hits = this.search.search({ text: r.text, run: r.runId, limit: r.limit });
    return {
      hits: hits.map((h) => ({
        source: h.source,
        seq: h.seq,
        at: h.at,
        kind: h.kind,
        runId: h.runId,
        stepIdx: h.stepIdx,
        attempt: h.attempt,
        operator: h.operator ?? '',
        snippet: h.snippet,
      })),
    };
  }

  async exportAudit(r: ApiParsedRequest<'exportAudit'>): Promise<ApiResponse<'exportAudit'>> {
    this.assertOpen();
    if (r.runId !== undefined) this.requireRun(r.runId);
    return exportForDownload(this.exporter, r.format, r.runId);
  }

  async reviewRun(r: ApiParsedRequest<'reviewRun'>): Promise<ApiResponse<'reviewRun'>> {
    this.assertOpen();
    const run = this.requireRun(r.runId);
    const { review } = this.search.review(run.id, r.note);
    this.emit({ type: 'run-changed', runId: run.id });
    return { seq: review.seq };
  }

  async validateText(r: ApiParsedRequest<'validateText'>): Promise<ApiResponse<'validateText'>> {
    this.assertOpen();
    return this.editing.validateText(r);
  }

  async getRunbookSource(r: ApiParsedRequest<'getRunbookSource'>): Promise<ApiResponse<'getRunbookSource'>> {
    this.assertOpen();
    return this.editing.getRunbookSource(r);
  }

  async saveRunbook(r: ApiParsedRequest<'saveRunbook'>): Promise<ApiResponse<'saveRunbook'>> {
    this.assertOpen();
    return this.editing.saveRunbook(r);
  }

  async runbookHistory(r: ApiParsedRequest<'runbookHistory'>): Promise<ApiResponse<'runbookHistory'>> {
    this.assertOpen();
    return historyOp(this.runs.versions, this.settings, r);
  }

  async runbookDiff(r: ApiParsedRequest<'runbookDiff'>): Promise<ApiResponse<'runbookDiff'>> {
    this.assertOpen();
    return diffOp(this.runs.versions, this.settings, r);
  }

  async startRecording(r: ApiParsedRequest<'startRecording'>): Promise<ApiResponse<'startRecording'>> {
    this.assertOpen();
    return this.recording.start(r);
  }

  async listRecordings(_r: ApiParsedRequest<'listRecordings'>): Promise<ApiResponse<'listRecordings'>> {
    this.assertOpen();
    return this.recording.list();
  }

  async recordCommand(r: ApiParsedRequest<'recordCommand'>): Promise<ApiResponse<'recordCommand'>> {
    this.assertOpen();
    return this.recording.record(r);
  }

  async stopRecordingCommand(r: ApiParsedRequest<'stopRecordingCommand'>): Promise<ApiResponse<'stopRecordingCommand'>> {
    this.assertOpen();
    return this.recording.stop(r);
  }

  async updateRecording(r: ApiParsedRequest<'updateRecording'>): Promise<ApiResponse<'updateRecording'>> {
    this.assertOpen();
    return this.recording.update(r);
  }

  async getRecording(r: ApiParsedRequest<'getRecording'>): Promise<ApiResponse<'getRecording'>> {
    this.assertOpen();
    return this.recording.get(r);
  }

  async saveRecording(r: ApiParsedRequest<'saveRecording'>): Promise<ApiResponse<'saveRecording'>> {
    this.assertOpen();
    return this.recording.save(r);
  }

  async importScript(r: ApiParsedRequest<'importScript'>): Promise<ApiResponse<'importScript'>> {
    this.assertOpen();
    return importScriptText(r.text, r.name, this.settings.workspace);
  }

  private emit(event: ConsoleEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // One console's failing connection must not stop the run or the other consoles.
      }
    }
  }

  private requireRun(runId: string): Run {
    const run = this.runs.store.getRun(runId);
    if (!run) throw new NotFoundError(`there is no run '${runId}' in this data directory; nothing was changed`);
    return run;
  }

  private notLive(runId: string): Error {
    const run = this.requireRun(runId);
    const next = run.status === 'interrupted' || run.status === 'failed' ? '; resume it to go on' : '';
    return new UserError(`run ${run.id} is ${run.status} and not waiting in this console${next}; nothing was changed`);
  }

  private assertOpen(): void {
    if (this.closed) throw new UserError('the console is shutting down; nothing was done');
  }
}

/** The store's messages are written for the operator already (what, where, what next). */
function operatorFacing<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw new UserError(error instanceof Error ? error.message : String(error), 1);
  }
}
