// The stand-in of a PostgreSQL target in a rehearsal: one transaction on the real database
// that is always rolled back. Each step runs inside a savepoint, so the steps after it see
// its effects, and a step that fails (or whose expectation would not hold) is undone as a
// run would roll it back. The statements run for real inside that transaction, so they take
// the same locks a run would: a short lock_timeout makes a rehearsal that meets a held lock
// give up at once instead of queueing everyone behind it, and statement_timeout bounds the
// rest. Sequence values it uses are not given back: PostgreSQL never rolls a sequence back.
//
// The step's SQL is hostile as far as this file is concerned. Each step's savepoint has a
// name the step cannot know, so it can neither release it nor roll back to it (which would
// lift a read step's READ ONLY). A few functions act outside any transaction: dblink opens a
// second connection that commits on its own, setval moves a sequence for good, others end
// sessions or write server files. A statement calling one by name is refused before it runs,
// and so is one running dynamic SQL (EXECUTE, in a DO block or a function the step creates),
// where the name need not appear; one the
// step reaches through a function of its own is not seen, which the note says.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { RehearsalDatabase, RehearsalStep, RehearsedSql } from '../../core/plan/rehearse-plan.js';
import type { RehearsedStatement } from '../../contract/plan.js';
import { bindStatements } from '../sql-statements.js';

/** Waiting longer than this for a lock ends the statement (SQLSTATE 55P03). */
export const REHEARSAL_LOCK_TIMEOUT_MS = 2_000;
/** A rehearsed statement running longer than this is cancelled (the step's own timeout when shorter). */
export const REHEARSAL_STATEMENT_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 15_000;

export interface PostgresRehearsalOptions {
  url: string;
  password?: string | undefined;
}

export async function openPostgresRehearsal(options: PostgresRehearsalOptions, signal?: AbortSignal): Promise<RehearsalDatabase> {
  const client = connection(options);
  const where = `PostgreSQL at ${client.host}:${client.port}, database ${client.database ?? '(default)'}`;
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(`could not connect to ${where}: ${(error as Error).message}; nothing was run`, { cause: error });
  }
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
  // Stopped (Ctrl-C, SIGTERM): the statement running now is cancelled on the server, which
  // would otherwise run it on, holding its locks, after this process has gone.
  const onAbort = (): void => {
    if (pid !== undefined) void cancel(options, pid);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  await client.query('BEGIN');
  await client.query("SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)", [
    String(REHEARSAL_LOCK_TIMEOUT_MS),
    String(REHEARSAL_STATEMENT_TIMEOUT_MS),
  ]);
  return {
    step: (step) => runStep(client, where, step),
    close: async () => {
      signal?.removeEventListener('abort', onAbort);
      try {
        await client.query('ROLLBACK');
      } finally {
        // Closing the connection rolls back too, should the ROLLBACK itself have failed.
        await client.end().catch(() => undefined);
      }
    },
  };
}

function connection(options: PostgresRehearsalOptions): pg.Client {
  const client = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'handrail rehearsal' });
  // Not in the config object: pg lets the URL's fields override it (see postgres-target.ts).
  if (options.password !== undefined) client.password = options.password;
  client.on('error', () => {});
  return client;
}

/** PostgreSQL cancels a statement only on a request from another connection. */
async function cancel(options: PostgresRehearsalOptions, pid: number): Promise<void> {
  const canceller = connection(options);
  try {
    await canceller.connect();
    await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
  } catch {
    // The rehearsal's own connection closes next, and the server then rolls it back.
  } finally {
    await canceller.end().catch(() => undefined);
  }
}

async function runStep(client: pg.Client, where: string, { sql, params, mode, keep, timeoutMs }: RehearsalStep): Promise<RehearsedSql> {
  let bound;
  try {
    bound = bindStatements(sql, params, 'postgres');
  } catch (error) {
    return { statements: [], error: (error as Error).message };
  }
  const statementTimeout = Math.min(REHEARSAL_STATEMENT_TIMEOUT_MS, timeoutMs ?? REHEARSAL_STATEMENT_TIMEOUT_MS);
  const savepoint = `handrail_rehearsal_${randomBytes(8).toString('hex')}`;
  await client.query(`SAVEPOINT ${savepoint}`);
  // A run reads in a READ ONLY transaction: a read step that writes (a function with side
  // effects) fails there, so it fails here too. Going read-only is allowed mid-transaction,
  // and rolling back to the savepoint (a read step keeps nothing) ends it.
  if (mode === 'read') await client.query("SELECT set_config('transaction_read_only', 'on', true)");
  const statements: RehearsedStatement[] = [];
  let rowCount = 0;
  let changed = 0;
  let returnsRows = false;
  for (const [index, statement] of bound.entries()) {
    const summary = summaryOf(statement.text);
    const outside = OUTSIDE_THE_TRANSACTION.exec(statement.text);
    // EXECUTE anywhere (a DO block, a function the step creates): the SQL it runs is put together at run time.
    const dynamic = /\bexecute\b/i.test(statement.text);
    const escaped = UNICODE_IDENTIFIER.test(statement.text);
    if (outside || dynamic || escaped) {
      const message = outside
        ? `it calls ${outside[1]}(), which acts outside the rehearsal's transaction (what it does would be real and would not be rolled back), so the rehearsal did not run it; check that step by hand`
        : escaped
          ? 'it spells an identifier with Unicode escapes (U&"…"), which could name a function that acts outside the rehearsal\'s transaction where no reading of the step can see it, so the rehearsal did not run it; check that step by hand'
          : 'it runs SQL it puts together itself (EXECUTE), which could call a function that acts outside the rehearsal\'s transaction where no reading of the step can see it, so the rehearsal did not run it; check that step by hand';
      statements.push({ number: index + 1, summary, returnsRows: false, error: message });
      await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      return { statements, error: `statement ${index + 1} was not run: ${message}` };
    }
    try {
      // Before every statement: a statement before it (`SET lock_timeout = 0`) must not lift the
      // limits that keep a rehearsal from queueing behind a lock or running on.
      await client.query("SELECT set_config('lock_timeout', $1, true), set_config('statement_timeout', $2, true)", [
        String(REHEARSAL_LOCK_TIMEOUT_MS),
        String(statementTimeout),
      ]);
      const answer = await client.query({ text: statement.text, values: statement.values, rowMode: 'array' });
      if (answer.fields.length > 0) {
        rowCount = answer.rows.length;
        returnsRows = true;
        statements.push({ number: index + 1, summary, rows: answer.rows.length, returnsRows: true });
      } else {
        changed += answer.rowCount ?? 0;
        statements.push({ number: index + 1, summary, rows: answer.rowCount ?? 0, returnsRows: false });
      }
    } catch (error) {
      const message = describe(error, where, statementTimeout);
      statements.push({ number: index + 1, summary, returnsRows: false, error: message });
      await client.query(`ROLLBACK TO SAVEPOINT ${savepoint}`);
      return { statements, error: `statement ${index + 1} failed: ${message}` };
    }
  }
  const count = returnsRows ? rowCount : changed;
  await client.query(mode === 'write' && keep(count) ? `RELEASE SAVEPOINT ${savepoint}` : `ROLLBACK TO SAVEPOINT ${savepoint}`);
  return { statements, rowCount: count };
}

/**
 * Calls whose effect no rollback undoes: a second connection (dblink), a sequence set for
 * good (setval), other sessions ended, server files and large objects written, the server's
 * configuration or WAL touched; and the built-ins that run a query given as a string
 * (query_to_xml), where the name need not appear. A name inside a string literal is refused too (the safe side),
 * and a quoted name (`"dblink_exec"(`) as well.
 */
const OUTSIDE_THE_TRANSACTION =
  /\b(dblink\w*|setval|pg_terminate_backend|pg_cancel_backend|lo_export|lo_import|pg_file_write|pg_file_rename|pg_file_unlink|pg_reload_conf|pg_rotate_logfile|pg_switch_wal|pg_promote|pg_logical_emit_message|query_to_xml\w*|cursor_to_xml\w*)"?\s*\(/i;
/** `U&"…"` spells a name with escapes (`U&"dblin\006b_exec"`), which no reading of the text can match. */
const UNICODE_IDENTIFIER = /\bu&"/i;

function describe(error: unknown, where: string, statementTimeout: number): string {
  const e = error as { message?: string; code?: string };
  if (e.code === '55P03') {
    return (
      `it waited ${REHEARSAL_LOCK_TIMEOUT_MS / 1000} s for a lock on ${where} that another session holds, and the rehearsal gave up ` +
      `(lock_timeout) — a run would wait for the same lock. See who holds it: SELECT pid, usename, state, query FROM pg_stat_activity ` +
      `WHERE cardinality(pg_blocking_pids(pid)) > 0 OR pid IN (SELECT unnest(pg_blocking_pids(pid)) FROM pg_stat_activity)`
    );
  }
  if (e.code === '25006') {
    return `${e.message ?? String(error)} (SQLSTATE 25006): the step declares no \`mutates\`, so a run reads in a READ ONLY transaction and would fail the same way; if it is meant to change data, add \`mutates\``;
  }
  if (e.code === '57014' && !/statement timeout/.test(e.message ?? '')) return 'it was cancelled because the rehearsal was stopped';
  if (e.code === '57014') return `it ran longer than ${statementTimeout / 1000} s on ${where} and the rehearsal cancelled it (statement_timeout)`;
  return e.code ? `${e.message ?? String(error)} (SQLSTATE ${e.code})` : (e.message ?? String(error));
}

function summaryOf(text: string): string {
  const first = text.trim().split('\n')[0] ?? '';
  return first.length > 100 ? `${first.slice(0, 99)}…` : first;
}
