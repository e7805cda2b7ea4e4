// The console API for the audit trail: the app's state (with the trail's), full
// verification, search, export for download, and a lead's review of a run.
import type { AuditStatus } from '../../contract/api.js';
import { appVersion } from '../../core/app-version.js';
import { exportForDownload } from './audit-download.js';
import { tailStatus, verifiedStatus } from './audit-status.js';
import { type ConsoleParts, type Handlers, requireRun } from './console-parts.js';

/** verifyAudit lists at most this many problems; the first is what matters. */
const MAX_PROBLEMS = 100;

export type AuditOps = 'appInfo' | 'verifyAudit' | 'searchAudit' | 'exportAudit' | 'reviewRun';

export function auditHandlers(parts: ConsoleParts): Handlers<AuditOps> {
  const { settings, runs, audit, search, exporter } = parts;
  /** The last full verification, when one was asked for. */
  let verified: AuditStatus | undefined;
  return {
    async appInfo() {
      const { operator, workspace, dataDir } = settings;
      // A broken chain found by a full verification stays shown: the tail check only looks
      // past the last checkpoint and would not see it.
      const status = verified && !verified.ok ? verified : tailStatus(parts.context.db, runs.auditTailProblem());
      return { version: appVersion(), operator, workspace, dataDir, audit: status };
    },

    async verifyAudit() {
      const result = await audit.verify();
      verified = verifiedStatus(result);
      return { ...verified, problems: result.problems.slice(0, MAX_PROBLEMS) };
    },

    async searchAudit(r) {
      if (r.runId !== undefined) requireRun(parts, r.runId);
      const hits = search.search({ text: r.text, run: r.runId, limit: r.limit });
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
    },

    async exportAudit(r) {
      if (r.runId !== undefined) requireRun(parts, r.runId);
      return exportForDownload(exporter, r.format, r.runId);
    },

    async reviewRun(r) {
      const run = requireRun(parts, r.runId);
      const { review } = search.review(run.id, r.note);
      parts.emit({ type: 'run-changed', runId: run.id });
      return { seq: review.seq };
    },
  };
}
