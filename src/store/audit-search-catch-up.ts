// The event search index catches up instead of being written with each event (migration
// 0011): an append commits two pages, not eight. Everything that reads the index calls
// catchUpSearchIndex() first, so no search misses an event recorded before it began.
import type { Database } from 'better-sqlite3';
import { StoreError, errorCode, firstLine } from './store-error.js';

/**
 * Indexes the events recorded since the index last caught up; returns how many it indexed.
 * Takes the write lock only when there is something to index, so a search of an up-to-date
 * index writes nothing.
 */
function catchUpSearchIndex(db: Database): number {
  const behind = () => {
    const row = db
      .prepare('SELECT p.indexed_upto AS upto, (SELECT max(seq) FROM audit_events) AS head FROM audit_search_progress p')
      .get() as { upto: number; head: number | null } | undefined;
    return row && row.head !== null && row.head > row.upto ? { upto: row.upto, head: row.head } : undefined;
  };
  if (!behind()) return 0;
  return db
    .transaction(() => {
      // Again under the write lock: another process may have caught up meanwhile.
      const gap = behind();
      if (!gap) return 0;
      // The source view joins each event to its body: an event whose body is gone has no text.
      const { changes } = db
        .prepare('INSERT INTO audit_search (rowid, kind, operator, body) SELECT seq, kind, operator, body FROM audit_search_source WHERE seq > ? AND seq <= ? ORDER BY seq')
        .run(gap.upto, gap.head);
      db.prepare('UPDATE audit_search_progress SET indexed_upto = ?').run(gap.head);
      return changes;
    })
    .immediate();
}

/** catchUpSearchIndex() before a search: a failure says what was not searched and what to do. */
export function catchUpBeforeSearch(db: Database): void {
  try {
    catchUpSearchIndex(db);
  } catch (error) {
    const code = errorCode(error) ?? '';
    const advice = code.startsWith('SQLITE_FULL')
      ? 'Free some space on the data directory\'s disk and search again.'
      : code.startsWith('SQLITE_BUSY')
        ? 'Another Handrail process held the database for too long; search again in a moment.'
        : 'Search again; if it fails the same way, run `handrail audit verify` and report this message.';
    throw new StoreError(
      `Could not search the audit trail: the newest events must first be added to the search index, and that failed (${firstLine(error)}${code ? `, ${code}` : ''}). ` +
        `Nothing was searched and the trail is unchanged. ${advice}`,
      { cause: error },
    );
  }
}

/** After a run's end (or any signed place): best effort, since the next search catches up anyway. */
export function catchUpQuietly(db: Database): void {
  try {
    catchUpSearchIndex(db);
  } catch {
    // A full disk or a busy database: the next search indexes these events before it reads.
  }
}
