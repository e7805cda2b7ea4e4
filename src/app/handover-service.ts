// `handrail handover`: what the next person needs, in one folder. The runbooks changed or run
// in the period (exact bytes from the version store), a handover report per run, the audit
// export (verifiable with `audit verify --file`), the open items, and an index. Written whole
// or not at all (BundleFolder), then recorded in the audit trail as `handover.written`.
import { resolve } from 'node:path';
import { join } from 'node:path';
import type { Run } from '../contract/run.js';
import { keyFingerprint } from '../core/audit/checkpoint.js';
import { readPublicKey } from '../store/audit-keys.js';
import { runIdsWithEvent, runsActiveBetween, runsWithStatus } from '../store/handover-queries.js';
import type { AppDatabase } from '../store/open-database.js';
import { AppContext } from './app-context.js';
import { versionsRecordedBetween } from '../store/runbook-versions.js';
import { AuditExportService, dateBound, type ExportFormat } from './audit-export-service.js';
import { REVIEW_KIND } from './audit-search-service.js';
import { BundleFolder, type BundleFile } from './bundle-folder.js';
import { UserError } from './errors.js';
import { countOpenItems, renderIndex, renderOpenItems, type BundleRun, type BundleRunbook, type OpenItems } from './handover-markdown.js';
import { checkRuns } from './run-records.js';
import { RunService } from './run-service.js';
import { sha256Of, trustedVersionBytes } from './runbook-versions.js';
import { operatorBody, type Settings } from './settings.js';

export interface HandoverRequest {
  since: string;
  /** Default: now. */
  until?: string | undefined;
  out: string;
}

export interface HandoverResult {
  out: string;
  since: string;
  until: string;
  runs: number;
  runbooks: number;
  openItems: number;
  files: BundleFile[];
  /** The `handover.written` audit event. */
  seq: number;
}

interface RunbookInBundle extends BundleRunbook {
  bytes: Uint8Array;
}

export class HandoverService {
  private readonly context: AppContext;
  private readonly runs: RunService;
  private readonly exporter: AuditExportService;
  private readonly db: AppDatabase;

  constructor(readonly settings: Settings) {
    // One connection for the runs, the export and the bundle's own queries.
    this.context = AppContext.open(settings);
    // First: it marks runs whose process died as interrupted, so they are listed as open.
    this.runs = new RunService(settings, this.context);
    this.exporter = new AuditExportService(settings, this.context);
    this.db = this.context.database;
  }

  close(): void {
    this.context.close();
  }

  async write(request: HandoverRequest): Promise<HandoverResult> {
    const since = dateBound(request.since, 'since');
    const until = request.until === undefined ? new Date().toISOString() : dateBound(request.until, 'until');
    if (since >= until) throw new UserError(`--since ${request.since} is not before --until ${request.until ?? 'now'}; nothing was written`);
    const out = resolve(request.out);
    const folder = await BundleFolder.create(out, 'handover bundle');
    try {
      // As the chain tells them: an edited runs row is shown with the trail's values (its report names the edit).
      const runs = checkRuns(this.db.db, runsActiveBetween(this.db.db, since, until)).map((c) => c.run);
      const reviewed = runIdsWithEvent(this.db.db, REVIEW_KIND);
      const files: BundleFile[] = [];
      const runbooks = this.runbooksOf(runs, since, until);
      for (const rb of runbooks) files.push(await folder.write(rb.file, rb.bytes));
      const bundleRuns: BundleRun[] = [];
      for (const run of runs) {
        const report = `reports/${run.id}.md`;
        files.push(await this.exportTo(folder, report, 'md', { run: run.id }));
        bundleRuns.push({ run, report, reviewed: reviewed.has(run.id) });
      }
      const open = this.openItems(runs, reviewed);
      files.push(await folder.write('open-items.md', renderOpenItems(open, { since, until })));
      // Without --until the period runs up to now: the export then carries the bodies of this
      // handover's own report exports too, rather than withholding them as out of scope.
      files.push(await this.exportTo(folder, 'audit.jsonl', 'jsonl', request.until === undefined ? { since } : { since, until }));
      const publicKey = readPublicKey(join(this.settings.dataDir, 'keys'));
      const index = renderIndex({
        since,
        until,
        generatedAt: new Date().toISOString(),
        generatedBy: this.settings.operator,
        runs: bundleRuns,
        runbooks,
        openItemCount: countOpenItems(open),
        files,
        keyFingerprint: publicKey ? keyFingerprint(publicKey) : null,
      });
      files.push(await folder.write('README.md', index));
      await folder.commit();
      const seq = this.runs.store.appendEvent({
        operator: this.settings.operator,
        kind: 'handover.written',
        runId: null,
        body: { since, until, out, runs: runs.length, runbooks: runbooks.length, openItems: countOpenItems(open), files, ...operatorBody(this.settings) },
      });
      return { out, since, until, runs: runs.length, runbooks: runbooks.length, openItems: countOpenItems(open), files, seq };
    } catch (error) {
      await folder.discard();
      if (error instanceof UserError) throw error;
      throw new UserError(`could not write the handover bundle to ${out} (${error instanceof Error ? error.message : String(error)}); nothing was written there. Check the disk and the folder's permissions, then run handover again.`, 1);
    }
  }

  /** One report or export through AuditExportService, which records it in the audit trail under its final path. */
  private async exportTo(folder: BundleFolder, name: string, format: ExportFormat, scope: { run?: string; since?: string; until?: string }): Promise<BundleFile> {
    const { stream, done } = await folder.stream(name);
    let result;
    try {
      result = await this.exporter.export({ format, ...scope, destination: join(folder.path, name) }, stream);
    } finally {
      await done();
    }
    return { name, bytes: result.bytes, sha256: result.sha256 };
  }

  /**
   * Each content stored in the period (saved, recorded, imported) and each content run in
   * it, once, at the exact bytes stored.
   */
  private runbooksOf(runs: Run[], since: string, until: string): RunbookInBundle[] {
    const found = new Map<string, Omit<RunbookInBundle, 'file'>>();
    const entry = (runbookId: string, version: string, sha256: string, bytes: () => Uint8Array | undefined) => {
      const key = `${runbookId}\n${sha256}`;
      let e = found.get(key);
      if (!e) {
        const content = bytes();
        if (!content) return undefined;
        e = { runbookId, version, sha256, bytes: content, why: [] };
        found.set(key, e);
      }
      return e;
    };
    for (const v of versionsRecordedBetween(this.db.db, since, until)) {
      // A content first stored by a run is explained by the runs below.
      if (v.reason === 'run') continue;
      entry(v.runbookId, v.version, v.sha256, () => trustedVersionBytes(this.db.db, v, 'written'))?.why.push(`${v.reason} by ${v.recordedBy} at ${v.recordedAt}`);
    }
    const runCount = new Map<string, number>();
    for (const run of runs) {
      const e = entry(run.runbookId, run.runbookVersion, run.runbookSha256, () =>
        trustedVersionBytes(this.db.db, { runbookId: run.runbookId, version: run.runbookVersion, sha256: run.runbookSha256 }, 'written') ?? this.runSource(run));
      if (e) runCount.set(`${run.runbookId}\n${run.runbookSha256}`, (runCount.get(`${run.runbookId}\n${run.runbookSha256}`) ?? 0) + 1);
    }
    const names = new Set<string>();
    return [...found.entries()].map(([key, e]) => {
      const n = runCount.get(key);
      if (n) e.why.push(`run ${n} time${n === 1 ? '' : 's'} in the period`);
      let file = `runbooks/${safe(e.runbookId)}@${safe(e.version)}.md`;
      // Two contents under one version number exist only from before the version check; keep both.
      if (names.has(file)) file = `runbooks/${safe(e.runbookId)}@${safe(e.version)}-${e.sha256.slice(0, 12)}.md`;
      names.add(file);
      return { ...e, file };
    });
  }

  /** The runbook bytes stored with a run, refused when they are not the ones the run recorded. */
  private runSource(run: Run): Buffer | undefined {
    const source = this.runs.store.getRunbookSource(run.id);
    if (source && sha256Of(source) !== run.runbookSha256) {
      throw new UserError(`runs row ${run.id}: the stored runbook no longer has SHA-256 ${run.runbookSha256.slice(0, 12)}… — it was edited after the run; nothing was written. Run handrail audit verify to see every difference.`, 3);
    }
    return source;
  }

  /**
   * Interrupted and running runs whenever they started (they are open until someone acts);
   * failed and unreviewed runs of the period (an earlier handover listed the earlier ones).
   */
  private openItems(runs: Run[], reviewed: Set<string>): OpenItems {
    const withSteps = (run: Run) => ({ run, steps: this.runs.store.listSteps(run.id) });
    return {
      interrupted: checkRuns(this.db.db, runsWithStatus(this.db.db, ['interrupted'])).map((c) => withSteps(c.run)),
      running: checkRuns(this.db.db, runsWithStatus(this.db.db, ['running'])).map((c) => c.run),
      failed: runs.filter((r) => r.status === 'failed').map(withSteps),
      unreviewed: runs.filter((r) => !reviewed.has(r.id)),
    };
  }
}

/** A file name part from a runbook id or version (both are restricted already; this is belt and braces). */
function safe(part: string): string {
  return part.replace(/[^A-Za-z0-9._+-]/g, '_');
}
