// `audit verify` also checks the rows beside the chain: every run and step row against its
// run's events, every snapshot row against its snapshot.verified event, every stored runbook
// version against its own SHA-256 and the chain's record of it. A difference is a
// `record-mismatch` problem naming the table and the row, so a forged row fails verification.
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { RecordMismatch } from '../contract/record-check.js';
import { checkRunRecord, checkSnapshotRows as checkSnapshotRows_ } from '../core/audit/run-record.js';
import type { ChainVerifier } from '../core/audit/verify-chain.js';
import { headSeq } from './audit-events-read.js';
import { allSnapshotRecords, chainStart, recordedRunbookContents, runRecordEvents, runsBeforeChain } from './run-record-read.js';
import { RUN_COLUMNS, toRun, toStep, type RunRow, type StepRow } from './run-rows.js';
import { SnapshotStore } from './snapshot-store.js';

/** Runs checked per round: one events query and one steps query each. */
const RUNS_PER_PAGE = 500;

export function findRecordMismatches(db: Database, verifier: Pick<ChainVerifier, 'report'>): void {
  const head = headSeq(db);
  const start = chainStart(db);
  const report = (m: RecordMismatch) => verifier.report(m.seq > 0 ? m.seq : head, 'record-mismatch', m.message);
  checkRunRows(db, report);
  checkSnapshotRows(db, start, report);
  checkVersionRows(db, start, head, verifier);
}

function checkRunRows(db: Database, report: (m: RecordMismatch) => void): void {
  const page = db.prepare(`SELECT rowid AS rid, ${RUN_COLUMNS}, runbook_source FROM runs WHERE rowid > ? ORDER BY rowid LIMIT ?`);
  let after = 0;
  for (;;) {
    const rows = page.all(after, RUNS_PER_PAGE) as (RunRow & { rid: number; runbook_source: Buffer })[];
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.rid;
    const ids = rows.map((r) => r.id);
    const events = runRecordEvents(db, ids);
    const legacy = runsBeforeChain(db, ids.filter((id) => (events.get(id) ?? []).length === 0));
    const steps = db
      .prepare(`SELECT * FROM steps WHERE run_id IN (${ids.map(() => '?').join(', ')}) ORDER BY run_id, idx`)
      .all(...ids) as StepRow[];
    for (const row of rows) {
      const check = checkRunRecord({
        run: toRun(row),
        steps: steps.filter((s) => s.run_id === row.id).map(toStep),
        events: events.get(row.id) ?? [],
        sourceSha256: createHash('sha256').update(row.runbook_source).digest('hex'),
        predatesChain: legacy.has(row.id),
      });
      check.mismatches.forEach(report);
    }
  }
}

function checkSnapshotRows(db: Database, start: string | null, report: (m: RecordMismatch) => void): void {
  const rows = new SnapshotStore(db).list({ includeDeleted: true });
  checkSnapshotRows_(rows, allSnapshotRecords(db), start).mismatches.forEach(report);
}

function checkVersionRows(db: Database, start: string | null, head: number, verifier: Pick<ChainVerifier, 'report'>): void {
  const recorded = recordedRunbookContents(db);
  const rows = db.prepare('SELECT runbook_id, version, sha256, source, recorded_at FROM runbook_versions ORDER BY rowid').all() as
    { runbook_id: string; version: string; sha256: string; source: Buffer; recorded_at: string }[];
  for (const r of rows) {
    const seq = recorded.get(`${r.runbook_id}\n${r.sha256}`);
    const problem = versionRowProblem(r.runbook_id, r.version, r.sha256, r.source);
    if (problem) {
      verifier.report(seq ?? head, 'record-mismatch', problem);
    } else if (seq === undefined && start !== null && r.recorded_at >= start) {
      verifier.report(head, 'record-mismatch',
        `runbook_versions row ${r.runbook_id}@${r.version} (${r.sha256.slice(0, 12)}): the audit trail has no record of this content being stored or run — the row was added outside Handrail`);
    }
  }
}

/** Why a stored runbook version cannot be trusted (its bytes no longer hash to its SHA-256), or undefined. */
export function versionRowProblem(runbookId: string, version: string, sha256: string, source: Uint8Array): string | undefined {
  const actual = createHash('sha256').update(source).digest('hex');
  if (actual === sha256) return undefined;
  return `runbook_versions row ${runbookId}@${version} (${sha256.slice(0, 12)}): the stored source no longer has SHA-256 ${sha256.slice(0, 12)}… (it has ${actual.slice(0, 12)}…) — it was edited after it was recorded`;
}
