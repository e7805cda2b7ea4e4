// Reads the audit chain back for exports and reports, a page at a time: the chain may hold
// millions of events, and a page query (not an open iterator) leaves the connection free for
// the writes an export makes (its own audit event) while a reader is part-way through.
import type { Database } from 'better-sqlite3';
import type { StoredEvent } from '../core/audit/verify-chain.js';
import { toStoredEvent, type AuditEventRow } from './audit-rows.js';

export interface EventScope {
  runId: string | null;
  /** ISO 8601 UTC; inclusive. */
  since: string | null;
  /** ISO 8601 UTC; exclusive. */
  until: string | null;
}

/** Whether an event belongs to an export's or report's scope. */
export function inScope(event: Pick<StoredEvent, 'at' | 'runId'>, scope: EventScope): boolean {
  if (scope.runId !== null && event.runId !== scope.runId) return false;
  if (scope.since !== null && event.at < scope.since) return false;
  if (scope.until !== null && event.at >= scope.until) return false;
  return true;
}

/** Every event with its body (null when the body row is gone), seq 1 up to `upTo`, in order. */
export function* readChain(db: Database, upTo: number, pageSize = 1000): Generator<StoredEvent, void, undefined> {
  const page = db.prepare(
    'SELECT e.*, b.body_json FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq WHERE e.seq > ? AND e.seq <= ? ORDER BY e.seq LIMIT ?',
  );
  let after = 0;
  for (;;) {
    const rows = page.all(after, upTo, pageSize) as AuditEventRow[];
    for (const row of rows) yield toStoredEvent(row);
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    after = last.seq;
  }
}

/**
 * The events in scope with their bodies; uses the run index when the scope names a run.
 * `exceptKinds` leaves kinds out in the query (a step printing for an hour has thousands of
 * `step.output` events, which say nothing a reader of the run needs).
 */
export function eventsInScope(db: Database, scope: EventScope, exceptKinds: readonly string[] = []): StoredEvent[] {
  const clauses: [string, string | null][] = [['e.run_id = ?', scope.runId], ['e.at >= ?', scope.since], ['e.at < ?', scope.until]];
  const used = clauses.filter((c): c is [string, string] => c[1] !== null);
  const where = used.map(([sql]) => sql);
  const params = used.map(([, value]) => value);
  if (exceptKinds.length > 0) {
    where.push(`e.kind NOT IN (${exceptKinds.map(() => '?').join(', ')})`);
    params.push(...exceptKinds);
  }
  const rows = db
    .prepare(`SELECT e.*, b.body_json FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.seq`)
    .all(...params) as AuditEventRow[];
  return rows.map(toStoredEvent);
}

/** Events of one kind recorded at or after `since` (ISO 8601), with their bodies, in order. */
export function eventsOfKindSince(db: Database, kind: string, since: string): StoredEvent[] {
  const rows = db
    .prepare('SELECT e.*, b.body_json FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq WHERE e.kind = ? AND e.at >= ? ORDER BY e.seq')
    .all(kind, since) as AuditEventRow[];
  return rows.map(toStoredEvent);
}

export function headSeq(db: Database): number {
  return (db.prepare('SELECT max(seq) FROM audit_events').pluck().get() as number | null) ?? 0;
}

/** How many events and checkpoints the chain holds (for the consoles' audit badge). */
export function auditCounts(db: Database): { events: number; checkpoints: number } {
  return { events: headSeq(db), checkpoints: db.prepare('SELECT count(*) FROM audit_checkpoints').pluck().get() as number };
}
