// The PostgreSQL target's executor: the one place that knows the `pg` driver. Each run gets
// its own connection and transaction, so a cancelled or failed step leaves nothing behind
// for the next one.
import pg from 'pg';
import type { SqlExecutor, SqlRequest, SqlResult, SqlValue } from '../core/engine/ports.js';
import { OutcomeUnknownError } from '../core/engine/step-faults.js';
import { bindStatements } from './sql-statements.js';

export interface PostgresExecutorOptions {
  /** `postgres://user@host:port/db`, without a password (the inventory's rule). */
  url: string;
  /** Sent only in the driver's config object: never in argv, a URL or a message. */
  password?: string | undefined;
}

/** A step without timeoutMs still gives up on a server that never answers the connect. */
const CONNECT_TIMEOUT_MS = 15_000;

// Values as PostgreSQL prints them (timestamps, json, bytea as \x…, numeric exactly), except
// the types whose JavaScript value is exact: booleans, floats and integers that fit.
const PARSERS: Record<number, (text: string) => SqlValue> = {
  16: (text) => text === 't',
  20: (text) => (Number.isSafeInteger(Number(text)) ? Number(text) : text),
  21: Number,
  23: Number,
  26: Number,
  700: Number,
  701: Number,
};
const types = { getTypeParser: (oid: number) => PARSERS[oid] ?? ((text: string) => text) } as unknown as pg.CustomTypesConfig;

export function createPostgresExecutor(options: PostgresExecutorOptions): SqlExecutor {
  const open = new Set<pg.Client>();
  return {
    run: (request) => runOnce(request, options, open),
    async close() {
      await Promise.all([...open].map((client) => client.end().catch(() => undefined)));
    },
  };
}

async function runOnce(request: SqlRequest, options: PostgresExecutorOptions, open: Set<pg.Client>): Promise<SqlResult> {
  const startedAt = performance.now();
  if (request.signal.aborted) throw new Error('The step was aborted before it started; nothing was run.');
  const statements = bindStatements(request.sql, request.params, 'postgres');
  const client = connection(options);
  const where = `PostgreSQL at ${client.host}:${client.port}, database ${client.database ?? '(default)'}`;
  const unchanged = request.mode === 'write' ? 'nothing was committed' : 'nothing was changed';
  // An idle connection's error would otherwise crash the process; a running query rejects.
  client.on('error', () => {});
  open.add(client);

  let phase: 'connecting' | 'running' | 'committing' = 'connecting';
  let backendPid: number | undefined;
  let stoppedBecause: string | undefined;
  let cancelling: Promise<string> | undefined;
  const stop = (why: string): void => {
    // COMMIT is already on its way: stopping now could leave the outcome unknown.
    if (phase === 'committing' || stoppedBecause !== undefined) return;
    stoppedBecause = why;
    if (backendPid === undefined) client.connection.stream.destroy();
    else cancelling = cancelBackend(options, backendPid, client);
  };
  const timer = request.timeoutMs === undefined ? undefined : setTimeout(() => stop(`The SQL ran longer than its ${request.timeoutMs} ms timeout`), request.timeoutMs);
  const onAbort = (): void => stop('The step was aborted by the operator');
  request.signal.addEventListener('abort', onAbort, { once: true });

  try {
    try {
      await client.connect();
    } catch (error) {
      if (stoppedBecause !== undefined) throw new Error(`${stoppedBecause} while connecting to ${where}; nothing was run.`);
      throw new Error(`Could not connect to ${where} as ${client.user ?? '(default user)'}: ${describeConnectError(error)}; nothing was run.`, { cause: error });
    }
    phase = 'running';
    let current = 0;
    let commit = false;
    try {
      await client.query(request.mode === 'read' ? 'BEGIN TRANSACTION READ ONLY' : 'BEGIN');
      // set_config(…, true) is SET LOCAL with a bound value: the limit ends with the
      // transaction. Running a query first also means a step's own `SET TRANSACTION READ
      // WRITE` is refused (it must come before any query).
      const setup = await client.query<[number]>({
        text: request.timeoutMs === undefined ? 'SELECT pg_backend_pid()' : "SELECT pg_backend_pid(), set_config('statement_timeout', $1, true)",
        values: request.timeoutMs === undefined ? [] : [String(Math.max(1, Math.ceil(request.timeoutMs)))],
        rowMode: 'array',
      });
      backendPid = setup.rows[0]?.[0];
      const result: Omit<SqlResult, 'committed' | 'durationMs'> = { columns: [], rows: [], rowCount: 0, returnsRows: false };
      let changed = 0;
      for (const statement of statements) {
        if (stoppedBecause !== undefined) throw new Error(stoppedBecause);
        current++;
        // The whole result arrives in memory before the rows past maxRows are dropped; a
        // cursor (pg-cursor) would bound that for steps that select millions of rows.
        const answer = await client.query<SqlValue[]>({ text: statement.text, values: statement.values, rowMode: 'array', types });
        if (answer.fields.length === 0) {
          changed += answer.rowCount ?? 0;
          continue;
        }
        Object.assign(result, { columns: answer.fields.map((f) => f.name), rows: answer.rows.slice(0, request.maxRows), rowCount: answer.rows.length, returnsRows: true });
      }
      current = 0;
      if (!result.returnsRows) result.rowCount = changed;
      if (stoppedBecause !== undefined) throw new Error(stoppedBecause);
      try {
        commit = request.mode === 'write' && (request.accept?.({ ...result, committed: false, durationMs: elapsed(startedAt) }) ?? true);
      } catch (error) {
        throw new Error(`checking the result failed (${String(error)})`, { cause: error });
      }
      phase = 'committing';
      // A read commits too: it only ends the READ ONLY transaction, there is nothing to keep.
      await client.query(commit || request.mode === 'read' ? 'COMMIT' : 'ROLLBACK');
      return { ...result, committed: commit, durationMs: elapsed(startedAt) };
    } catch (error) {
      const how = cancelling ? await cancelling : 'none of its SQL had run yet';
      // After a failed COMMIT PostgreSQL has already rolled back; this then only warns.
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      // A COMMIT sent without an answer may or may not have been applied: that step must go
      // in doubt (OutcomeUnknownError), never be re-run by a plain resume.
      const commitUnknown = !rolledBack && phase === 'committing' && commit;
      const outcome = rolledBack
        ? `the transaction was rolled back, ${unchanged}`
        : commitUnknown
          ? 'the connection broke during COMMIT, so whether the change was committed is unknown: check the database before retrying'
          : `the connection is gone, so PostgreSQL rolls the transaction back; ${unchanged}`;
      const Failure = commitUnknown ? OutcomeUnknownError : Error;
      if (stoppedBecause !== undefined) throw new Failure(`${stoppedBecause} on ${where}; ${how}, and ${outcome}.`);
      const what = current > 0 ? `Statement ${current} failed on ${where}` : phase === 'committing' ? `COMMIT failed on ${where}` : where;
      throw new Failure(`${what}: ${describeServerError(error, request)}; ${outcome}.`, { cause: error });
    }
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', onAbort);
    open.delete(client);
    await client.end().catch(() => undefined);
  }
}

function connection(options: PostgresExecutorOptions): pg.Client {
  const client = new pg.Client({
    connectionString: options.url,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Shows as the session's name in pg_stat_activity, for the DBA watching the server.
    application_name: 'handrail',
  });
  // Not in the config object: pg lets the URL's fields override it, and a URL without a
  // password parses as password ''. pg keeps this property non-enumerable, out of logs.
  if (options.password !== undefined) client.password = options.password;
  return client;
}

/**
 * Cancels the running statement from a second, short-lived connection (PostgreSQL cancels
 * only on request from outside the busy session). If that fails, the session's socket is
 * closed: the server then rolls back, though the statement may run on until it notices.
 */
async function cancelBackend(options: PostgresExecutorOptions, pid: number, busy: pg.Client): Promise<string> {
  const canceller = connection(options);
  canceller.on('error', () => {});
  try {
    await canceller.connect();
    await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
    return 'the statement was cancelled';
  } catch (error) {
    busy.connection.stream.destroy();
    return `cancelling the statement failed (${describeConnectError(error)}) so the connection was closed`;
  } finally {
    await canceller.end().catch(() => undefined);
  }
}

function describeServerError(error: unknown, request: SqlRequest): string {
  const e = error as { message?: string; code?: string };
  const message = e.message ?? String(error);
  if (e.code === '57014' && /statement timeout/.test(message)) {
    return `the SQL ran longer than its ${request.timeoutMs} ms timeout and PostgreSQL cancelled it (statement_timeout)`;
  }
  if (e.code === '25006' && request.mode === 'read') {
    return (
      `${message} (SQLSTATE 25006). This step runs in a READ ONLY transaction because it declares no ` +
      '`mutates`; if it is meant to change data, add `mutates` to its attributes'
    );
  }
  return e.code ? `${message} (SQLSTATE ${e.code})` : message;
}

function describeConnectError(error: unknown): string {
  const e = error as { message?: string; code?: string };
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the server running, and listening on that address?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    case '28P01':
      return `${e.message} (check the password configured for this target)`;
  }
  // pg's own words when the server wants a password and the target configures none.
  if (/client password must be a string/.test(e.message ?? '')) return 'the server asks for a password and none is configured for this target';
  return e.code ? `${e.message} (${e.code})` : (e.message ?? String(error));
}

function elapsed(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}
