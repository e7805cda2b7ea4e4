// `audit export` and `audit verify --file`: exports the chain (JSON Lines, verifiable on
// another machine from the file alone) or a handover report (Markdown, HTML), and records
// every export in the chain itself, after the file is complete.
import type { KeyObject } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { keyFingerprint } from '../core/audit/checkpoint.js';
import { OUTPUT_EVENT, outputEventBody } from '../core/audit/output-event.js';
import { checkpointLine, eventLine, headerLine, publicKeyLine, verifyExportLines, type ExportVerification } from '../core/audit/export-jsonl.js';
import { renderHtml } from '../core/audit/report-html.js';
import { renderMarkdown } from '../core/audit/report-markdown.js';
import type { ReportVerification } from '../core/audit/report-model.js';
import { eventsInScope, headSeq, inScope, readChain, type EventScope } from '../store/audit-events-read.js';
import { readPublicKey } from '../store/audit-keys.js';
import { describeStorageFault, storageFaultKind } from '../store/storage-fault.js';
import { ContextService } from './app-context.js';
import { readChunk } from '../store/step-output.js';
import { writeAtomically, writeToStream, type Written } from './atomic-output.js';
import { operatorFacing } from './audit-service.js';
import { UserError } from './errors.js';
import { findRun } from './find-by-prefix.js';

export type ExportFormat = 'jsonl' | 'md' | 'html';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'md', 'html'];

export interface ExportRequest {
  format: ExportFormat;
  /** A run id or a unique prefix of one. */
  run?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  /** A file path; absent: `stdout`. */
  out?: string | undefined;
  /** Where the bytes went when not to a file, as the audit event records it. Default `stdout`. */
  destination?: string | undefined;
}

export interface ExportResult extends Written {
  format: ExportFormat;
  /** Events in scope (for jsonl: those exported with their bodies). */
  count: number;
  out: string | null;
  /** The `audit.exported` event; null when it could not be recorded (`notRecorded` says why). */
  seq: number | null;
  notRecorded?: string;
}

export class AuditExportService extends ContextService {
  private readonly db = this.context.db;
  private readonly store = this.context.store;
  private readonly snapshots = this.context.snapshots;
  private readonly keysDir = join(this.settings.dataDir, 'keys');

  async export(request: ExportRequest, stdout: NodeJS.WritableStream): Promise<ExportResult> {
    const scope: EventScope = {
      runId: request.run === undefined ? null : this.findRun(request.run),
      since: request.since === undefined ? null : dateBound(request.since, 'since'),
      until: request.until === undefined ? null : dateBound(request.until, 'until'),
    };
    const out = request.out === undefined ? null : resolve(request.out);
    // On a full data disk the export still works (it is often how the data is moved off);
    // only its records in the trail (the checkpoint, the export event) need room.
    let notRecorded: string | undefined;
    const unlessFull = <T>(write: () => T): T | undefined => {
      try {
        if (this.context.database.fullDisk !== undefined) throw this.context.database.fullDisk;
        return notRecorded === undefined ? write() : undefined;
      } catch (error) {
        if (storageFaultKind(error, this.settings.dataDir) !== 'full') throw error;
        notRecorded = `this export was not recorded in the trail: ${describeStorageFault(error, this.settings.dataDir)}`;
        return undefined;
      }
    };
    let count = 0;
    let chunks: Iterable<string>;
    if (request.format === 'jsonl') {
      // Sign the head first, so every exported event is covered by a checkpoint and a cut
      // tail is caught off this machine too.
      const key = operatorFacing(() => this.store.audit.signingKey(this.settings.operator));
      unlessFull(() => operatorFacing(() => this.store.audit.checkpoint(this.settings.operator)));
      const head = headSeq(this.db);
      count = this.db.transaction(() => eventsInScope(this.db, scope).filter((e) => e.seq <= head).length)();
      chunks = this.jsonlLines(scope, head, key);
    } else {
      // Imported here: the report parses runbooks, which a console's start must not load.
      const { gatherReport } = await import('./audit-report-data.js');
      const events = eventsInScope(this.db, scope);
      count = events.length;
      const report = await gatherReport({ db: this.db, store: this.store, snapshots: this.snapshots, events, scope, verification: this.verification(), generatedBy: this.settings.operator });
      chunks = [request.format === 'md' ? renderMarkdown(report) : renderHtml(report)];
    }
    const written = out === null ? await writeToStream(stdout, chunks) : await writeAtomically(out, chunks);
    const seq = unlessFull(() => this.store.appendEvent({
      operator: this.settings.operator,
      kind: 'audit.exported',
      runId: scope.runId,
      body: { format: request.format, run: scope.runId, since: scope.since, until: scope.until, count, out: out ?? request.destination ?? 'stdout', bytes: written.bytes, sha256: written.sha256 },
    }));
    return { ...written, format: request.format, count, out, seq: seq ?? null, ...(notRecorded ? { notRecorded } : {}) };
  }

  private *jsonlLines(scope: EventScope, head: number, key: KeyObject): Generator<string> {
    yield `${headerLine(new Date().toISOString(), this.settings.operator, scope)}\n`;
    for (const event of readChain(this.db, head)) {
      const withheld = !inScope(event, scope);
      yield `${eventLine(event, event.bodyJson, withheld, withheld ? undefined : this.outputOf(event))}\n`;
    }
    for (const cp of this.store.audit.checkpoints()) if (cp.seq <= head) yield `${checkpointLine(cp)}\n`;
    yield `${publicKeyLine(key)}\n`;
  }

  /** The output chunk a `step.output` event vouches for, carried in the export beside it. */
  private outputOf(event: { kind: string; runId: string | null; stepIdx: number | null; bodyJson: string | null }): Uint8Array | undefined {
    const body = event.kind === OUTPUT_EVENT ? outputEventBody(event.bodyJson) : undefined;
    if (!body || event.runId === null || event.stepIdx === null) return undefined;
    return readChunk(this.db, { runId: event.runId, idx: event.stepIdx, attempt: body.attempt }, body.chunk);
  }

  private verification(): ReportVerification {
    const publicKey = readPublicKey(this.keysDir);
    const result = this.store.audit.verify(publicKey);
    return {
      ok: result.ok,
      events: result.events,
      checkpoints: result.checkpoints,
      headSeq: result.head?.seq ?? null,
      keyFingerprint: publicKey ? keyFingerprint(publicKey) : null,
      problems: result.problems.slice(0, 10),
    };
  }

  private findRun(ref: string): string {
    return findRun(this.store, ref, 'nothing was exported').id;
  }
}

/**
 * Verifies an export from the file alone: no database is opened. The file's key must be the
 * one given (`key`, a fingerprint noted on the machine that exported it) or, without one, the
 * key of the data directory at hand when it has one; with neither, the file's own key is
 * trusted and the caller must say which key that was.
 */
export function verifyExportFile(path: string, trust: { key?: string | undefined; dataDir: string }): ExportVerification {
  if (trust.key !== undefined && !/^SHA256:[0-9a-f]{64}$/.test(trust.key)) {
    throw new UserError(`--key '${trust.key}' is not a key fingerprint; give it as \`handrail audit key\` prints it (SHA256: and 64 hex digits); nothing was checked`);
  }
  const local = trust.key === undefined ? operatorFacing(() => readPublicKey(join(trust.dataDir, 'keys'))) : undefined;
  const expected = trust.key !== undefined ? { fingerprint: trust.key, source: 'pinned' as const } : local ? { fingerprint: keyFingerprint(local), source: 'local' as const } : undefined;
  return verifyExportLines(() => readLines(resolve(path)), expected);
}

/**
 * `2026-03-01` means the start of that day (UTC) for --since and its end for --until, so
 * `--since D --until D` is the whole day; anything else Date understands is taken as is.
 */
export function dateBound(value: string, which: 'since' | 'until'): string {
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(dayOnly ? `${value}T00:00:00.000Z` : value);
  if (!Number.isFinite(ms)) {
    throw new UserError(`--${which} '${value}' is not a date; write it as 2026-03-01 or 2026-03-01T14:30:00Z; nothing was exported`);
  }
  return new Date(dayOnly && which === 'until' ? ms + 86_400_000 : ms).toISOString();
}

/** The file's lines, read 1 MiB at a time: an export of a long-lived trail can be large. */
function* readLines(path: string): Generator<string> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new UserError(`cannot read the export ${path} (${error instanceof Error ? error.message : String(error)}); check the path`, 1);
  }
  try {
    const buffer = Buffer.alloc(1024 * 1024);
    const decoder = new TextDecoder('utf-8');
    let rest = '';
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      const lines = (rest + decoder.decode(buffer.subarray(0, n), { stream: true })).split('\n');
      rest = lines.pop() ?? '';
      yield* lines;
    }
    rest += decoder.decode();
    if (rest !== '') yield rest;
  } finally {
    closeSync(fd);
  }
}
