// Full-text search over the audit trail: events (indexed in arrears, caught up before each
// search: migrations 0004 and 0011) and step output (indexed here, chunk by chunk, as the
// store writes it). Newest first.
import type { Database } from 'better-sqlite3';
import type { OutputStream } from '../core/engine/ports.js';
import { catchUpBeforeSearch } from './audit-search-catch-up.js';
import { decodeOutputChunk } from './output-codec.js';

export interface AuditSearchFilters {
  runId?: string | undefined;
  operator?: string | undefined;
  environment?: string | undefined;
  /** ISO 8601 UTC, inclusive. */
  since?: string | undefined;
  /** ISO 8601 UTC, exclusive. */
  until?: string | undefined;
  /** An event kind, or its first part (`step` finds step.failed, step.running…); `output` finds output. */
  kind?: string | undefined;
  /** Only events and output of runs whose run.started event names this incident id. */
  incident?: string | undefined;
  limit: number;
}

export interface AuditSearchHit {
  /** An audit event, or a chunk of a step's output. */
  source: 'event' | 'output';
  /** The event's seq; null for output (it is not an event of the chain). */
  seq: number | null;
  at: string;
  operator: string | null;
  kind: string;
  runId: string | null;
  stepIdx: number | null;
  attempt: number | null;
  environment: string | null;
  /** The text around the match, each match between « and ». */
  snippet: string;
}

export const MARK_OPEN = '«';
export const MARK_CLOSE = '»';

/**
 * The operator's words as an FTS5 query: every word must occur, each taken literally (a
 * quoted phrase, so `disk-full` or `a"b` are text, not query syntax); `word*` finds prefixes.
 * Undefined when no word has a letter or digit (FTS5 would have nothing to look for).
 */
export function ftsQuery(text: string): string | undefined {
  const words = text
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .map((w) => {
      const prefix = w.length > 1 && w.endsWith('*');
      return `"${(prefix ? w.slice(0, -1) : w).replaceAll('"', '""')}"${prefix ? '*' : ''}`;
    });
  return words.length > 0 ? words.join(' ') : undefined;
}

/** Indexes one stored output chunk; call in the transaction that stores it. */
export function indexOutputChunk(
  db: Database,
  key: { runId: string; idx: number; attempt: number },
  seq: number,
  stream: OutputStream,
  bytes: Uint8Array,
): void {
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO audit_output_chunks (run_id, idx, attempt, seq, stream, at)
       VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
    )
    .run(key.runId, key.idx, key.attempt, seq, stream);
  // A multi-byte character cut at the chunk's edge becomes U+FFFD; the words around it are kept.
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  db.prepare('INSERT INTO audit_output_search (rowid, text) VALUES (?, ?)').run(lastInsertRowid, text);
}

export function searchAudit(db: Database, text: string, filters: AuditSearchFilters): AuditSearchHit[] {
  const query = ftsQuery(text);
  if (!query) return [];
  catchUpBeforeSearch(db);
  const kind = filters.kind ?? null;
  const params = {
    q: query,
    run: filters.runId ?? null,
    operator: filters.operator ?? null,
    env: filters.environment ?? null,
    since: filters.since ?? null,
    until: filters.until ?? null,
    kind,
    incident: filters.incident ?? null,
    kindPrefix: kind === null ? null : `${kind.replace(/[\\%_]/g, (c) => `\\${c}`)}.%`,
    limit: filters.limit,
  };
  const events = searchEvents(db, params);
  const wantsOutput = kind === null || kind === 'output';
  const output = wantsOutput ? searchOutput(db, params, text) : [];
  // Both lists are newest first; merge them and keep the newest `limit`.
  return [...events, ...output].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, filters.limit);
}

type Params = Record<string, string | number | null>;

const FILTERS = (alias: { run: string; operator: string; env: string; at: string }) => `
  AND (@run IS NULL OR ${alias.run} = @run)
  AND (@operator IS NULL OR ${alias.operator} = @operator)
  AND (@env IS NULL OR ${alias.env} = @env)
  AND (@since IS NULL OR ${alias.at} >= @since)
  AND (@until IS NULL OR ${alias.at} < @until)
  AND (@incident IS NULL OR ${alias.run} IN (${RUNS_OF_INCIDENT}))`;

// By what each run's start recorded in the chain, not by the runs row, which can be edited.
const RUNS_OF_INCIDENT = `
  SELECT i.run_id FROM audit_events i JOIN audit_bodies ib ON ib.seq = i.seq
  WHERE i.kind = 'run.started' AND json_valid(ib.body_json) AND json_extract(ib.body_json, '$.incident') = @incident`;

interface EventHitRow {
  seq: number;
  at: string;
  operator: string;
  kind: string;
  run_id: string | null;
  step_idx: number | null;
  environment: string | null;
  snippet: string | null;
}

function searchEvents(db: Database, params: Params): AuditSearchHit[] {
  const rows = db
    .prepare(
      `SELECT e.seq, e.at, e.operator, e.kind, e.run_id, e.step_idx, e.environment,
         snippet(audit_search, -1, '${MARK_OPEN}', '${MARK_CLOSE}', '…', 16) AS snippet
       FROM audit_search JOIN audit_events e ON e.seq = audit_search.rowid
       WHERE audit_search MATCH @q
         -- An output event's body is only the chunk's hash; the output itself is searched below.
         AND e.kind != 'step.output'
         ${FILTERS({ run: 'e.run_id', operator: 'e.operator', env: 'e.environment', at: 'e.at' })}
         AND (@kind IS NULL OR e.kind = @kind OR e.kind LIKE @kindPrefix ESCAPE '\\')
       ORDER BY e.seq DESC LIMIT @limit`,
    )
    .all(params) as EventHitRow[];
  return rows.map((r) => ({
    source: 'event',
    seq: r.seq,
    at: r.at,
    operator: r.operator,
    kind: r.kind,
    runId: r.run_id,
    stepIdx: r.step_idx,
    attempt: null,
    environment: r.environment,
    snippet: r.snippet ?? '',
  }));
}

interface OutputHitRow {
  run_id: string;
  idx: number;
  attempt: number;
  seq: number;
  at: string;
  operator: string | null;
  environment: string | null;
}

function searchOutput(db: Database, params: Params, text: string): AuditSearchHit[] {
  // Output has no operator or environment of its own: they are its run's.
  const rows = db
    .prepare(
      `SELECT c.run_id, c.idx, c.attempt, c.seq, c.at, r.operator, r.environment
       FROM audit_output_search s JOIN audit_output_chunks c ON c.id = s.rowid LEFT JOIN runs r ON r.id = c.run_id
       WHERE audit_output_search MATCH @q
         ${FILTERS({ run: 'c.run_id', operator: 'r.operator', env: 'r.environment', at: 'c.at' })}
       ORDER BY c.id DESC LIMIT @limit`,
    )
    .all(params) as OutputHitRow[];
  const chunk = db.prepare('SELECT data FROM step_output WHERE run_id = ? AND idx = ? AND attempt = ? AND seq = ?').pluck();
  return rows.map((r) => {
    // The index keeps no text (it is contentless): the snippet comes from the stored chunk,
    // decompressed one at a time.
    const data = chunk.get(r.run_id, r.idx, r.attempt, r.seq) as Buffer | undefined;
    return {
      source: 'output',
      seq: null,
      at: r.at,
      operator: r.operator,
      kind: 'output',
      runId: r.run_id,
      stepIdx: r.idx,
      attempt: r.attempt,
      environment: r.environment,
      snippet: data ? outputSnippet(decodeOutputChunk(data).toString('utf8'), text) : '(the output chunk is no longer stored)',
    };
  });
}

/** About `width` characters around the first match in `text`, matches marked, on one line. */
export function outputSnippet(text: string, query: string, width = 80): string {
  const terms = query
    .split(/\s+/)
    .map((w) => w.replace(/\*$/, ''))
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
  const pattern = new RegExp(terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'iu');
  const found = terms.length > 0 ? pattern.exec(text) : null;
  const at = found?.index ?? 0;
  const start = Math.max(0, at - width / 2);
  const end = Math.min(text.length, at + width / 2);
  const window = text.slice(start, end).replace(/\s+/g, ' ');
  const marked = terms.length > 0 ? window.replace(new RegExp(pattern.source, 'giu'), (m) => `${MARK_OPEN}${m}${MARK_CLOSE}`) : window;
  return `${start > 0 ? '…' : ''}${marked}${end < text.length ? '…' : ''}`;
}

export interface RecordedEvent {
  seq: number;
  at: string;
  operator: string;
  body: unknown;
}

/** A run's events of one kind, oldest first (for example its reviews); runId null: events of no run. */
export function runEventsOfKind(db: Database, runId: string | null, kind: string): RecordedEvent[] {
  const rows = db
    .prepare(
      `SELECT e.seq, e.at, e.operator, b.body_json FROM audit_events e LEFT JOIN audit_bodies b ON b.seq = e.seq
       WHERE e.run_id IS ? AND e.kind = ? ORDER BY e.seq`,
    )
    .all(runId, kind) as { seq: number; at: string; operator: string; body_json: string | null }[];
  return rows.map((r) => ({ seq: r.seq, at: r.at, operator: r.operator, body: r.body_json === null ? null : (JSON.parse(r.body_json) as unknown) }));
}
