// The child process that runs a SQLite step's statements for sqlite-target.ts, so a long
// query never blocks the console's event loop. One request at a time; the parent kills
// this process to stop a statement (see sqlite-target.ts for why a process, not a thread).
import Database from 'better-sqlite3';
import type { SqlValue } from '../core/engine/ports.js';

export interface WorkerStatement {
  text: string;
  /** Named values (`:pilot` binds `pilot`); undefined when the statement has no parameter. */
  bind: Record<string, SqlValue> | undefined;
}

export type ToWorker =
  | { type: 'run'; path: string; mode: 'read' | 'write'; statements: WorkerStatement[]; maxRows: number; nativeBinding?: string | undefined }
  | { type: 'decide'; commit: boolean }
  /** Roll back what a killed write left behind; see sqlite-target.ts. */
  | { type: 'recover'; path: string; nativeBinding?: string | undefined };

export interface WorkerResult {
  columns: string[];
  rows: SqlValue[][];
  rowCount: number;
  returnsRows: boolean;
}

export type FromWorker =
  /** Write mode: the statements ran inside BEGIN IMMEDIATE; the parent answers with 'decide'. */
  | { type: 'decide'; result: WorkerResult }
  | { type: 'done'; result: WorkerResult; committed: boolean }
  | { type: 'recovered' }
  /** `statement` is 1-based, undefined when opening or committing failed. */
  | { type: 'error'; message: string; code: string | undefined; statement: number | undefined };

/** How long BEGIN IMMEDIATE waits for another process's write lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5_000;

let db: Database.Database | undefined;
let decide: ((commit: boolean) => void) | undefined;

function send(message: FromWorker): void {
  process.send?.(message);
}

function run(request: Extract<ToWorker, { type: 'run' }>): void {
  let current: number | undefined;
  try {
    db = new Database(request.path, {
      readonly: request.mode === 'read',
      // Never create a database: a typo in the inventory must not leave an empty file behind.
      fileMustExist: true,
      timeout: BUSY_TIMEOUT_MS,
      ...(request.nativeBinding ? { nativeBinding: request.nativeBinding } : {}),
    });
    // IMMEDIATE takes the write lock up front, so the step fails fast on a busy database
    // instead of half-way through, after its reads.
    if (request.mode === 'write') db.exec('BEGIN IMMEDIATE');
    const result: WorkerResult = { columns: [], rows: [], rowCount: 0, returnsRows: false };
    let changed = 0;
    for (const [index, statement] of request.statements.entries()) {
      current = index + 1;
      const stmt = db.prepare(statement.text);
      const args = statement.bind === undefined ? [] : [bindable(statement.bind)];
      if (!stmt.reader) {
        changed += stmt.run(...args).changes;
        continue;
      }
      // raw rows, exact integers; iterate() so a million-row result is counted, not held.
      stmt.raw(true).safeIntegers(true);
      const rows: SqlValue[][] = [];
      let count = 0;
      for (const row of stmt.iterate(...args) as Iterable<unknown[]>) {
        if (count++ < request.maxRows) rows.push(row.map(displayValue));
      }
      Object.assign(result, { columns: stmt.columns().map((c) => c.name), rows, rowCount: count, returnsRows: true });
    }
    current = undefined;
    if (!result.returnsRows) result.rowCount = changed;
    if (request.mode === 'read') {
      finish();
      send({ type: 'done', result, committed: false });
      return;
    }
    decide = (commit) => {
      decide = undefined;
      try {
        db?.exec(commit ? 'COMMIT' : 'ROLLBACK');
        finish();
        send({ type: 'done', result, committed: commit });
      } catch (error) {
        fail(error, undefined);
      }
    };
    send({ type: 'decide', result });
  } catch (error) {
    fail(error, current);
  }
}

function fail(error: unknown, statement: number | undefined): void {
  // Closing an open transaction rolls it back; nothing of the step stays.
  finish();
  const e = error as { message?: unknown; code?: unknown };
  send({
    type: 'error',
    message: typeof e.message === 'string' ? e.message : String(error),
    code: typeof e.code === 'string' ? e.code : undefined,
    statement,
  });
}

function finish(): void {
  try {
    db?.close();
  } catch {
    // The connection is gone either way; the result or the first error is what matters.
  }
  db = undefined;
}

/**
 * better-sqlite3 binds every JS number as REAL and refuses booleans. Whole numbers go in as
 * INTEGER (as the sqlite3 shell would read `3`), so `LIMIT :n` works and `typeof(:n)` is
 * 'integer'; booleans as 1 and 0, SQLite's own true and false.
 */
function bindable(bind: Record<string, SqlValue>): Record<string, string | number | bigint | null> {
  const value = (v: SqlValue): string | number | bigint | null =>
    typeof v === 'boolean' ? BigInt(v) : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : v;
  return Object.fromEntries(Object.entries(bind).map(([name, v]) => [name, value(v)]));
}

/** A cell as the console shows it: integers exact, blobs as hex like PostgreSQL's bytea. */
function displayValue(value: unknown): SqlValue {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (typeof value === 'string' || typeof value === 'number' || value === null) return value;
  return String(value);
}

/**
 * A write killed mid-transaction can leave a hot journal (changes spilled to the file,
 * originals in -journal). Any read-write connection rolls it back on its first read; a
 * read-only one cannot and fails with SQLITE_READONLY_ROLLBACK, so the next read step
 * would fail for a reason the operator never caused.
 */
function recover(request: Extract<ToWorker, { type: 'recover' }>): void {
  try {
    db = new Database(request.path, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS, ...(request.nativeBinding ? { nativeBinding: request.nativeBinding } : {}) });
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    finish();
    send({ type: 'recovered' });
  } catch (error) {
    fail(error, undefined);
  }
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'run') run(message);
  else if (message.type === 'recover') recover(message);
  else decide?.(message.commit);
});
// The parent went away (closed the executor or crashed): nothing is left to answer to, and
// an open transaction rolls back as the process ends.
process.on('disconnect', () => process.exit(0));
