// A run's audit events with their bodies, for the run's page in the consoles: its
// deviations and its timeline. Uses the chain's run index (migration 0003).
import type { Database } from 'better-sqlite3';

export interface RunEvent {
  seq: number;
  at: string;
  operator: string;
  kind: string;
  runId: string | null;
  stepIdx: number | null;
  environment: string | null;
  target: string | null;
  /** The parsed body; null when it is missing or not a JSON object. */
  body: Record<string, unknown> | null;
}

interface Row {
  seq: number;
  at: string;
  operator: string;
  kind: string;
  run_id: string | null;
  step_idx: number | null;
  environment: string | null;
  target: string | null;
  body_json: string | null;
}

/**
 * The run's events in seq order, leaving out the kinds named (a step printing for an hour
 * has thousands of `step.output` events, which say nothing a reader of the run needs).
 */
export function runEvents(db: Database, runId: string, exceptKinds: readonly string[] = []): RunEvent[] {
  const placeholders = exceptKinds.map(() => '?').join(', ');
  const rows = db
    .prepare(
      `SELECT e.seq, e.at, e.operator, e.kind, e.run_id, e.step_idx, e.environment, e.target, b.body_json
       FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq
       WHERE e.run_id = ? ${exceptKinds.length > 0 ? `AND e.kind NOT IN (${placeholders})` : ''}
       ORDER BY e.seq`,
    )
    .all(runId, ...exceptKinds) as Row[];
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    operator: r.operator,
    kind: r.kind,
    runId: r.run_id,
    stepIdx: r.step_idx,
    environment: r.environment,
    target: r.target,
    body: parseBody(r.body_json),
  }));
}

function parseBody(json: string | null): Record<string, unknown> | null {
  if (json === null) return null;
  try {
    const parsed: unknown = JSON.parse(json);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    // A damaged body is for `audit verify` to report; the event is still listed.
    return null;
  }
}

/** How many events and checkpoints the chain holds (for the consoles' audit badge). */
export function auditCounts(db: Database): { events: number; checkpoints: number } {
  const events = (db.prepare('SELECT max(seq) FROM audit_events').pluck().get() as number | null) ?? 0;
  const checkpoints = db.prepare('SELECT count(*) FROM audit_checkpoints').pluck().get() as number;
  return { events, checkpoints };
}
