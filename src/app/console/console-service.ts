// The API contract (src/contract/api.ts) implemented once, for both consoles: Electron's
// IPC binding and `handrail serve` call only this, with requests their schemas parsed.
// Refusals are UserErrors worded for the operator; toApiError (api-error.ts) is how a
// binding sends any error on.
//
// One app context (one open database, its stores) serves every service here. The API is
// four handler tables, one per area (runs, audit, snapshots, authoring), merged into one;
// the check that the console is still open is applied once, where they are merged.
import type { ApiName, ConsoleApi, ConsoleEvent } from '../../contract/api.js';
import { appVersion } from '../../core/app-version.js';
import { AppContext } from '../app-context.js';
import { AuditExportService } from '../audit-export-service.js';
import { AuditSearchService } from '../audit-search-service.js';
import { AuditService } from '../audit-service.js';
import { UserError } from '../errors.js';
import { RunService } from '../run-service.js';
import { operatorBody, type Settings } from '../settings.js';
import { SnapshotService } from '../snapshot-service.js';
import { auditHandlers } from './audit-handlers.js';
import { authoringHandlers } from './authoring-handlers.js';
import type { ConsoleParts } from './console-parts.js';
import { planHandlers } from './plan-handlers.js';
import { RecordingOps } from './recording-ops.js';
import { RunDriver } from './run-driver.js';
import { runHandlers } from './run-handlers.js';
import { RunbookCatalog } from './runbook-catalog.js';
import { onFirstUse } from './on-first-use.js';
import { snapshotHandlers } from './snapshot-handlers.js';
import { teamHandlers } from './team-handlers.js';
import { resumeOutlookHandlers } from './resume-outlook-handlers.js';
import { approvalRequestHandlers } from './approval-request-handlers.js';

export type ConsoleListener = (event: ConsoleEvent) => void;

// The API's operations are the handler tables' functions, set on each instance in the
// constructor; this declaration gives them their types.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface ConsoleService extends ConsoleApi {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ConsoleService {
  private readonly listeners = new Set<ConsoleListener>();
  private readonly context: AppContext;
  private readonly parts: ConsoleParts;
  private closed = false;

  constructor(
    readonly settings: Settings,
    /** Which console this is, as the audit trail records its start and stop. */
    private readonly kind: 'browser console' | 'desktop app' = 'browser console',
  ) {
    this.context = AppContext.open(settings);
    try {
      // First: it marks runs whose process died as interrupted, before anything reads them.
      const runs = new RunService(settings, this.context);
      const appendEvent = runs.store.appendEvent.bind(runs.store);
      const emit = (event: ConsoleEvent) => this.emit(event);
      this.parts = {
        settings,
        context: this.context,
        runs,
        snapshots: new SnapshotService(runs),
        audit: new AuditService(settings, this.context),
        search: new AuditSearchService(settings, this.context),
        exporter: new AuditExportService(settings, this.context),
        driver: new RunDriver(runs, emit),
        catalog: new RunbookCatalog(settings, this.context.db, this.context.versions, emit),
        recording: new RecordingOps(settings, { appendEvent, versions: this.context.versions, emit }),
        editing: onFirstUse(async () => new (await import('./runbook-editing.js')).RunbookEditing({ settings, versions: this.context.versions, appendEvent })),
        restores: new Map(),
        emit,
      };
      const api: ConsoleApi = { ...runHandlers(this.parts), ...auditHandlers(this.parts), ...snapshotHandlers(this.parts), ...authoringHandlers(this.parts), ...planHandlers(this.parts), ...teamHandlers(this.parts), ...resumeOutlookHandlers(this.parts), ...approvalRequestHandlers(this.parts) };
      Object.assign(this, whileOpen(api, () => this.assertOpen()));
      this.recordLifecycle('app.started');
    } catch (error) {
      this.context.close();
      throw error;
    }
  }

  private recordLifecycle(kind: 'app.started' | 'app.stopped'): void {
    this.context.store.appendEvent({ operator: this.settings.operator, kind, runId: null,
      body: { console: this.kind, version: appVersion(), pid: process.pid, ...operatorBody(this.settings) } });
  }

  /** Starts judging the workspace's runbooks in the background, so the first screen's listing finds them judged. */
  prepareRunbooks(): void {
    this.parts.catalog.prepare();
  }

  /** Every console event from now on; returns the unsubscribe function. */
  subscribe(listener: ConsoleListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs waiting for the operator become interrupted (resumable); a running command or
   * restore is stopped and recorded so; then the database is closed, once.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const { driver, recording, restores } = this.parts;
    for (const controller of restores.values()) controller.abort();
    this.parts.catalog.close();
    await Promise.allSettled([driver.close(), recording.close(), ...restores.keys()]);
    this.listeners.clear();
    try {
      this.recordLifecycle('app.stopped');
      // The next start checks the trail from the last signed checkpoint on: one here keeps
      // that tail from growing with every console opened and closed without a run.
      if (!this.parts.runs.auditTailProblem()) this.context.store.checkpoint();
    } catch {
      // The database is failing under us; closing must still release it.
    }
    this.context.close();
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

  private assertOpen(): void {
    if (this.closed) throw new UserError('the console is shutting down; nothing was done');
  }
}

/** Every operation of `api`, refused (a rejected promise, as before any work) once the console is closing. */
function whileOpen(api: ConsoleApi, assertOpen: () => void): ConsoleApi {
  const guarded: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const [name, handler] of Object.entries(api) as [ApiName, (request: unknown) => Promise<unknown>][]) {
    guarded[name] = async (request) => {
      assertOpen();
      return handler(request);
    };
  }
  return guarded as ConsoleApi;
}
