// Runs as the Audit view lists them: filtered, newest first, a page at a time, with the
// total. Every filter is an indexed column (migration 0005), so a page of 100,000 runs is
// an index range scan; the full-text filter asks the audit's FTS indexes (migration 0004)
// for the runs it finds (the event index caught up first) and keeps only those.
import type { Database } from 'better-sqlite3';
import { oneOf, RUN_STATUSES, type RunStatus } from '../contract/run-states.js';
import type { RunListItem } from '../contract/api.js';
import { catchUpBeforeSearch } from './audit-search-catch-up.js';

export interface RunFilters {
  operator?: string | undefined;
  runbook?: string | undefined;
  environment?: string | undefined;
  status?: RunStatus | undefined;
  /** Runs started for this incident id, by their row or by their run.started event (see INCIDENT_HITS). */
  incident?: string | undefined;
  /** An FTS5 query (see ftsQuery in audit-search.ts): runs with a matching event or output. */
  fts?: string | undefined;
}

/** A list item as the row says it; the app checks it against the chain before it is shown. */
export type RunRowItem = Omit<RunListItem, 'tampering'>;

export interface RunPage {
  total: number;
  runs: RunRowItem[];
}

interface ListRow {
  id: string;
  runbook_id: string;
  runbook_version: string;
  environment: string;
  operator: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  incident: string | null;
}

// Runs found by the words: in an event of theirs, or in their stored output.
const TEXT_HITS = `
  r.id IN (
    SELECT e.run_id FROM audit_search JOIN audit_events e ON e.seq = audit_search.rowid
    WHERE audit_search MATCH @fts AND e.run_id IS NOT NULL
    UNION
    SELECT c.run_id FROM audit_output_search s JOIN audit_output_chunks c ON c.id = s.rowid
    WHERE audit_output_search MATCH @fts
  )`;

// Runs of an incident: by the indexed column, and by what their start recorded in the chain,
// so a run whose row lost or changed its incident is still listed (and then named as edited).
const INCIDENT_HITS = `
  (r.incident = @incident OR r.id IN (
    SELECT e.run_id FROM audit_events e JOIN audit_bodies b ON b.seq = e.seq
    WHERE e.kind = 'run.started' AND json_valid(b.body_json) AND json_extract(b.body_json, '$.incident') = @incident
  ))`;

export function queryRuns(db: Database, filters: RunFilters, page: { offset: number; limit: number }): RunPage {
  const clauses: string[] = [];
  const params: Record<string, string | number> = {};
  const equal = (column: string, key: string, value: string | undefined) => {
    if (value === undefined || value === '') return;
    clauses.push(`r.${column} = @${key}`);
    params[key] = value;
  };
  equal('operator', 'operator', filters.operator);
  equal('runbook_id', 'runbook', filters.runbook);
  equal('environment', 'environment', filters.environment);
  equal('status', 'status', filters.status);
  if (filters.incident !== undefined && filters.incident !== '') {
    clauses.push(INCIDENT_HITS);
    params.incident = filters.incident;
  }
  if (filters.fts !== undefined) {
    catchUpBeforeSearch(db);
    clauses.push(TEXT_HITS);
    params.fts = filters.fts;
  }
  const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
  // Count and page in one read transaction, so the total matches the page.
  return db.transaction((): RunPage => {
    const total = db.prepare(`SELECT count(*) FROM runs r ${where}`).pluck().get(params) as number;
    // rowid breaks ties in insertion order and is part of every index, so no sort is needed.
    const rows = db
      .prepare(
        `SELECT r.id, r.runbook_id, r.runbook_version, r.environment, r.operator, r.status, r.started_at, r.finished_at, r.incident
         FROM runs r ${where} ORDER BY r.started_at DESC, r.rowid DESC LIMIT @limit OFFSET @offset`,
      )
      .all({ ...params, limit: page.limit, offset: page.offset }) as ListRow[];
    return { total, runs: rows.map(toListItem) };
  })();
}

/** The newest run of a runbook, or undefined when it never ran here. */
export function lastRunOf(db: Database, runbookId: string): RunRowItem | undefined {
  const row = db
    .prepare(
      `SELECT id, runbook_id, runbook_version, environment, operator, status, started_at, finished_at, incident
       FROM runs WHERE runbook_id = ? ORDER BY started_at DESC, rowid DESC LIMIT 1`,
    )
    .get(runbookId) as ListRow | undefined;
  return row && toListItem(row);
}

function toListItem(row: ListRow): RunRowItem {
  return {
    id: row.id,
    runbookId: row.runbook_id,
    runbookVersion: row.runbook_version,
    environment: row.environment,
    operator: row.operator,
    status: oneOf(RUN_STATUSES, row.status, `the status of run ${row.id}`),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    incident: row.incident,
  };
}
