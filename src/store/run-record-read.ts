// Reads what the run-record check (core/audit/run-record.ts) compares: a page of runs' chain
// events by the run index (never the whole chain), leaving out the step.output events, which
// can be thousands per step and say nothing about a run's state.
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { OUTPUT_EVENT } from '../core/audit/output-event.js';
import type { StoredEvent } from '../core/audit/verify-chain.js';
import type { Run } from '../contract/run.js';
import { toStoredEvent, type AuditEventRow } from './audit-rows.js';
import { RUN_COLUMNS, toRun, type RunRow } from './run-rows.js';

/** Bound parameters per query, well under SQLite's limit. */
const IDS_PER_QUERY = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IDS_PER_QUERY) out.push(items.slice(i, i + IDS_PER_QUERY));
  return out;
}

/** The runs rows of these ids (missing ones left out). */
export function runsById(db: Database, runIds: readonly string[]): Run[] {
  const out: Run[] = [];
  for (const ids of chunks([...new Set(runIds)])) {
    const rows = db.prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE id IN (${ids.map(() => '?').join(', ')})`).all(...ids) as RunRow[];
    out.push(...rows.map(toRun));
  }
  return out;
}

/** Each run's events (step.output left out), in seq order; a run without events maps to []. */
export function runRecordEvents(db: Database, runIds: readonly string[]): Map<string, StoredEvent[]> {
  const byRun = new Map<string, StoredEvent[]>(runIds.map((id) => [id, []]));
  for (const ids of chunks([...new Set(runIds)])) {
    const rows = db
      .prepare(
        `SELECT e.*, b.body_json FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq
         WHERE e.run_id IN (${ids.map(() => '?').join(', ')}) AND e.kind <> ? ORDER BY e.seq`,
      )
      .all(...ids, OUTPUT_EVENT) as AuditEventRow[];
    for (const row of rows) byRun.get(row.run_id ?? '')?.push(toStoredEvent(row));
  }
  return byRun;
}

/**
 * Runs recorded only in the events table from before the chain (migration 0003 kept it,
 * renamed): their rows cannot be checked against a chain that did not exist yet.
 */
export function runsBeforeChain(db: Database, runIds: readonly string[]): Set<string> {
  const found = new Set<string>();
  const exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'events_before_audit_chain'").get();
  if (!exists || runIds.length === 0) return found;
  for (const ids of chunks([...new Set(runIds)])) {
    const rows = db
      .prepare(`SELECT DISTINCT run_id FROM events_before_audit_chain WHERE run_id IN (${ids.map(() => '?').join(', ')}) AND kind = 'run.started'`)
      .pluck()
      .all(...ids) as string[];
    for (const id of rows) found.add(id);
  }
  return found;
}

/** SHA-256 of the runbook bytes stored with the run (what a resume and the run's page read). */
export function runSourceSha256(db: Database, runId: string): string | undefined {
  const source = db.prepare('SELECT runbook_source FROM runs WHERE id = ?').pluck().get(runId) as Buffer | undefined;
  return source && createHash('sha256').update(source).digest('hex');
}

/**
 * The snapshot.verified event of a snapshot: looked for among the run's events first (the
 * run index), then, for a snapshot taken outside a run or a row whose run_id was changed,
 * among every snapshot.verified event (a scan, for a restore or a verification only).
 */
export function snapshotVerifiedEvent(db: Database, snapshotId: string, runId: string | null): StoredEvent | undefined {
  const query = (where: string, ...params: unknown[]) =>
    db
      .prepare(
        `SELECT e.*, b.body_json FROM audit_events e JOIN audit_bodies b ON b.seq = e.seq
         WHERE ${where} AND e.kind = 'snapshot.verified' AND json_valid(b.body_json) AND json_extract(b.body_json, '$.id') = ? ORDER BY e.seq DESC LIMIT 1`,
      )
      .get(...params, snapshotId) as AuditEventRow | undefined;
  const row = (runId !== null ? query('e.run_id = ?', runId) : undefined) ?? query('1');
  return row && toStoredEvent(row);
}

/** Every snapshot.verified event's body by snapshot id (for `audit verify`). */
export function allSnapshotRecords(db: Database): Map<string, { seq: number; body: Record<string, unknown> }> {
  const rows = db
    .prepare(
      `SELECT e.seq, b.body_json FROM audit_events e JOIN audit_bodies b ON b.seq = e.seq
       WHERE e.kind = 'snapshot.verified' AND json_valid(b.body_json) ORDER BY e.seq`,
    )
    .all() as { seq: number; body_json: string }[];
  const out = new Map<string, { seq: number; body: Record<string, unknown> }>();
  for (const r of rows) {
    const body = JSON.parse(r.body_json) as Record<string, unknown>;
    if (typeof body.id === 'string') out.set(body.id, { seq: r.seq, body });
  }
  return out;
}

/** Every (runbook, SHA-256) the chain recorded as stored or run, with the first event that did. */
export function recordedRunbookContents(db: Database): Map<string, number> {
  const rows = db
    .prepare(
      `SELECT e.seq, json_extract(b.body_json, '$.runbook') AS runbook, json_extract(b.body_json, '$.sha256') AS sha256
       FROM audit_events e JOIN audit_bodies b ON b.seq = e.seq
       WHERE e.kind IN ('runbook.version', 'run.started') AND json_valid(b.body_json) ORDER BY e.seq`,
    )
    .all() as { seq: number; runbook: unknown; sha256: unknown }[];
  const out = new Map<string, number>();
  for (const r of rows) {
    const key = `${String(r.runbook)}\n${String(r.sha256)}`;
    if (!out.has(key)) out.set(key, r.seq);
  }
  return out;
}

/** When the chain began (its first event), or null when it is empty. */
export function chainStart(db: Database): string | null {
  return (db.prepare('SELECT at FROM audit_events WHERE seq = 1').pluck().get() as string | undefined) ?? null;
}
