// What a handover bundle needs from the app database: the runs of a period, and what is
// still open (interrupted or running runs, steps in doubt, runs nobody reviewed).
import type { Database } from 'better-sqlite3';
import { RUN_COLUMNS, type RunRow, toRun } from './run-rows.js';
import type { Run } from '../contract/run.js';

/**
 * Runs started in [since, until), or with anything recorded about them then (a resume, a
 * decision, a review), oldest first.
 */
export function runsActiveBetween(db: Database, since: string, until: string): Run[] {
  const rows = db
    .prepare(
      `SELECT ${RUN_COLUMNS} FROM runs WHERE (started_at >= @since AND started_at < @until)
         OR id IN (SELECT run_id FROM audit_events WHERE run_id IS NOT NULL AND at >= @since AND at < @until)
       ORDER BY started_at, id`,
    )
    .all({ since, until }) as RunRow[];
  return rows.map(toRun);
}

/** Runs in these states, whenever they started, oldest first: they are open until someone acts. */
export function runsWithStatus(db: Database, statuses: readonly Run['status'][]): Run[] {
  const rows = db
    .prepare(`SELECT ${RUN_COLUMNS} FROM runs WHERE status IN (SELECT value FROM json_each(?)) ORDER BY started_at, id`)
    .all(JSON.stringify(statuses)) as RunRow[];
  return rows.map(toRun);
}

/** Ids of runs with at least one event of `kind` (e.g. a lead's review). */
export function runIdsWithEvent(db: Database, kind: string): Set<string> {
  return new Set(db.prepare('SELECT DISTINCT run_id FROM audit_events WHERE kind = ? AND run_id IS NOT NULL').pluck().all(kind) as string[]);
}
