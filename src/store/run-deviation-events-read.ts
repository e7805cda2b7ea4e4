// The events that can be deviations, for a page of runs at once: the run list shows each
// run's verdict ("succeeded with deviations (2)") without reading every run's whole trail.
import type { Database } from 'better-sqlite3';
import { DEVIATION_EVENT_KINDS } from '../core/audit/run-verdict.js';
import type { StoredEvent } from '../core/audit/verify-chain.js';
import { toStoredEvent, type AuditEventRow } from './audit-rows.js';

/** Run id → its events of a deviation kind, in seq order (runs without any are absent). */
export function deviationEventsOfRuns(db: Database, runIds: readonly string[]): Map<string, StoredEvent[]> {
  const out = new Map<string, StoredEvent[]>();
  if (runIds.length === 0) return out;
  const kinds = DEVIATION_EVENT_KINDS.map(() => '?').join(', ');
  const ids = runIds.map(() => '?').join(', ');
  const rows = db
    .prepare(
      `SELECT e.*, b.body_json FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq
       WHERE e.run_id IN (${ids}) AND (e.kind IN (${kinds}) OR e.kind LIKE 'restore.%' OR e.kind LIKE '%.refused')
       ORDER BY e.seq`,
    )
    .all(...runIds, ...DEVIATION_EVENT_KINDS) as AuditEventRow[];
  for (const row of rows) {
    const event = toStoredEvent(row);
    if (event.runId === null) continue;
    const list = out.get(event.runId) ?? [];
    list.push(event);
    out.set(event.runId, list);
  }
  return out;
}
