// Which snapshots a run took (migration 0005 indexes them by run), for the run's page.
import type { Database } from 'better-sqlite3';

/** Oldest first, deleted ones too: the record stays whole. */
export function snapshotIdsOfRun(db: Database, runId: string): string[] {
  return db.prepare('SELECT id FROM snapshots WHERE run_id = ? ORDER BY created_at, id').pluck().all(runId) as string[];
}
