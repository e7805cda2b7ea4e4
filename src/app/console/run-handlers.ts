// The console API for runbooks and runs: what can be run where, starting, resuming,
// deciding, aborting, and reading runs and their output.
import { NAME_PATTERN } from '../../contract/runbook.js';
import { missingSecretInput } from '../../core/guards/resume-secrets.js';
import { ftsQuery } from '../../store/audit-search.js';
import { readOutputPage } from '../../store/output-page.js';
import { queryRuns } from '../../store/run-query.js';
import { UserError } from '../errors.js';
import { drivingRun, runLetGo } from '../team/driven-runs.js';
import { checkListItems } from '../run-records.js';
import { withVerdicts } from '../run-verdicts.js';
import { NotFoundError } from './api-error.js';
import { type ConsoleParts, type Handlers, notLive, requireRun } from './console-parts.js';
import { refusal } from './decision-rules.js';
import { decodeChunks } from './output-text.js';
import { environmentList, isProtected } from './runbook-catalog.js';

/** A page of output: this many chunks (up to 1 MiB each)… */
const OUTPUT_PAGE_CHUNKS = 256;
/** …or about this many bytes, whichever comes first. */
const OUTPUT_PAGE_BYTES = 4 * 1024 * 1024;

export type RunOps =
  | 'listRunbooks' | 'getRunbook' | 'listEnvironments' | 'startRun' | 'resumeRun' | 'decide' | 'abortRun' | 'listRuns' | 'getRun' | 'getOutput';

export function runHandlers(parts: ConsoleParts): Handlers<RunOps> {
  const { settings, runs, driver, catalog } = parts;
  const db = parts.context.db;
  return {
    async listRunbooks() {
      runs.noticeInterruptedRuns();
      return catalog.list();
    },

    async getRunbook(r) {
      return catalog.detail(r.id);
    },

    async listEnvironments() {
      return { environments: await environmentList(settings) };
    },

    async startRun(r) {
      const request = { runbook: r.runbook, environment: r.environment, inputs: r.inputs, acceptHostKeys: r.acceptHostKeys ?? [], breakGlass: r.breakGlass, incident: r.incident,
        ...(r.approval !== undefined ? { approvalText: r.approval } : {}) };
      if (!new RegExp(NAME_PATTERN).test(r.runbook)) {
        // The console starts runbooks of its workspace by id, never a path elsewhere on this machine.
        const message = `'${r.runbook}' is not a runbook id (ids are lowercase letters, digits and hyphens); nothing was executed`;
        runs.refused(request, message);
        throw new NotFoundError(message);
      }
      // Guards first; a refusal is recorded (guard.refused) and nothing is created.
      const plan = await runs.plan(request, settings.workspace);
      await parts.snapshots.housekeeping(plan.inventory);
      const runId = await driver.drive((session) => runs.start(plan, request, session));
      return { runId };
    },

    async resumeRun(r) {
      runs.noticeInterruptedRuns();
      const run = requireRun(parts, r.runId);
      if (driver.get(run.id)) throw new UserError(`run ${run.id} is already being driven in this console; nothing was changed`);
      if (run.status === 'running') {
        throw new UserError(`run ${run.id} is running in process ${run.pid ?? '?'} on ${run.host ?? '?'}; it can be resumed only once it has stopped; nothing was executed`);
      }
      // Secret inputs were stored masked; they must be given again (they are never kept).
      const missing = missingSecretInput(run.inputs, r.inputs);
      if (missing !== undefined) {
        throw new UserError(`run ${run.id} needs its secret input '${missing}' again (secrets are never stored); enter it and resume; nothing was executed`);
      }
      const runId = await driver.drive((session) => runs.resume(run.id, { inputs: r.inputs, stopLeftovers: r.stopLeftovers === true }, session));
      return { runId };
    },

    async decide(r) {
      const live = driver.get(r.runId);
      if (!live) throw notLive(parts, r.runId);
      const prompt = live.prompt;
      if (!prompt) throw new UserError(`run ${r.runId} is not waiting for a decision now (a step is under way); nothing was changed`);
      if (prompt.idx !== r.idx) {
        throw new UserError(`run ${r.runId} is waiting at step ${prompt.idx + 1}, not at step ${r.idx + 1}; reload the run; nothing was changed`);
      }
      const refused = refusal(prompt, r.decision);
      if (refused) {
        if (prompt.kind === 'confirm' && prompt.environment !== null && r.decision.action === 'confirm' && r.decision.typed) {
          // A wrong name typed for a protected environment is worth a reviewer's eye.
          runs.store.appendEvent({
            operator: settings.operator,
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
    },

    async abortRun(r) {
      runs.noticeInterruptedRuns();
      const live = driver.get(r.runId);
      if (live) {
        live.abort(r.reason);
        return { ok: true };
      }
      const run = requireRun(parts, r.runId);
      // An interrupted run holds its databases until it is resumed or aborted; this releases them.
      // Its release is this call's: another run's shipment meanwhile leaves it be (let go at its end).
      drivingRun(run.id);
      try {
        runs.abortInterrupted(run.id, r.reason?.trim() || 'aborted in the console while interrupted');
        await runs.releaseTeamLocks(run.id);
      } finally {
        runLetGo(run.id);
      }
      parts.emit({ type: 'run-changed', runId: run.id });
      return { ok: true };
    },

    async listRuns(r) {
      runs.noticeInterruptedRuns();
      let fts: string | undefined;
      if (r.text !== undefined && r.text.trim() !== '') {
        fts = ftsQuery(r.text);
        if (!fts) throw new UserError(`there is nothing to search for in '${r.text}': give at least one word with a letter or digit; nothing was searched`);
      }
      const filters = { operator: r.operator, runbook: r.runbook, environment: r.environment, status: r.status, incident: r.incident, fts };
      const page = queryRuns(db, filters, { offset: r.offset, limit: r.limit });
      return withVerdicts(db, { total: page.total, runs: checkListItems(db, page.runs) });
    },

    async getRun(r) {
      // Imported first, before anything is read: a run's page parses its runbook, which the
      // console's first screen (the Runbooks view) must not wait for.
      const { runDetail } = await import('./run-detail.js');
      runs.noticeInterruptedRuns();
      const run = requireRun(parts, r.runId);
      return runDetail({ runs, db, live: driver.get(run.id), isProtected: (env) => isProtected(settings, env), notices: driver.noticesOf(run.id) }, run);
    },

    async getOutput(r) {
      const run = requireRun(parts, r.runId);
      const step = runs.store.getStep(run.id, r.idx);
      if (!step) throw new NotFoundError(`run ${run.id} has no step ${r.idx + 1}; nothing was read`);
      const key = { runId: run.id, idx: r.idx, attempt: r.attempt };
      const page = readOutputPage(db, key, r.fromChunk, { chunks: OUTPUT_PAGE_CHUNKS, bytes: OUTPUT_PAGE_BYTES });
      const totals = runs.store.outputTotals(run.id, r.idx, r.attempt);
      return { chunks: decodeChunks(page.chunks), more: page.more, storedBytes: totals.storedBytes, cutBytes: totals.cutBytes };
    },
  };
}
