// What the console API's handler tables share: the process's services over one app
// context, the live runs, and how to find a run or tell the consoles something changed.
import type { ApiName, ApiParsedRequest, ApiResponse, ConsoleEvent } from '../../contract/api.js';
import type { Run } from '../../contract/run.js';
import type { AppContext } from '../app-context.js';
import type { AuditExportService } from '../audit-export-service.js';
import type { AuditSearchService } from '../audit-search-service.js';
import type { AuditService } from '../audit-service.js';
import type { RunService } from '../run-service.js';
import type { Settings } from '../settings.js';
import type { SnapshotService } from '../snapshot-service.js';
import { UserError } from '../errors.js';
import { NotFoundError } from './api-error.js';
import type { RecordingOps } from './recording-ops.js';
import type { RunDriver } from './run-driver.js';
import type { RunbookCatalog } from './runbook-catalog.js';
import type { RunbookEditing } from './runbook-editing.js';

/** A table of handlers for some of the API's operations. */
export type Handlers<N extends ApiName> = { [K in N]: (request: ApiParsedRequest<K>) => Promise<ApiResponse<K>> };

export interface ConsoleParts {
  settings: Settings;
  context: AppContext;
  runs: RunService;
  snapshots: SnapshotService;
  audit: AuditService;
  search: AuditSearchService;
  exporter: AuditExportService;
  driver: RunDriver;
  catalog: RunbookCatalog;
  recording: RecordingOps;
  /** Loaded on first use: it brings the runbook parser. */
  editing: () => Promise<RunbookEditing>;
  /** Restores under way, so closing the console can stop them. */
  restores: Map<Promise<unknown>, AbortController>;
  emit(event: ConsoleEvent): void;
}

export function requireRun(parts: Pick<ConsoleParts, 'runs'>, runId: string): Run {
  const run = parts.runs.store.getRun(runId);
  if (!run) throw new NotFoundError(`there is no run '${runId}' in this data directory; nothing was changed`);
  return run;
}

/** Why a run cannot take a decision or an abort in this console now. */
export function notLive(parts: Pick<ConsoleParts, 'runs'>, runId: string): Error {
  const run = requireRun(parts, runId);
  const next = run.status === 'interrupted' || run.status === 'failed' ? '; resume it to go on' : '';
  return new UserError(`run ${run.id} is ${run.status} and not waiting in this console${next}; nothing was changed`);
}
