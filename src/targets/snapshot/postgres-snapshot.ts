// Snapshots of a PostgreSQL target (docs/DESIGN.md, "Snapshots"): `pg_dump` in custom format to a
// temporary name; then, side by side, a streaming SHA-256 (hash-worker.ts), a full read of the
// archive by `pg_restore -f /dev/null` (`--list` reads only the table of contents and misses a
// truncated file) and the fsync; then the rename. Restore is `pg_restore` in one transaction.
import { stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SnapshotProvider, SnapshotRequest, SnapshotResult } from '../../core/engine/ports.js';
import { startLockWatchdog, type LockWatchdog } from './pg-lock-watchdog.js';
import { findPgProgram, INSTALL_ADVICE, pgConnection, runPg, type PgConnection, type PgOutcome, type PgProgram } from './pg-tools.js';
import { abortedTake, errorCode, explainFolderFailure, firstLine, formatWait, SnapshotError, takeFailure } from './snapshot-errors.js';
import { fsyncFile, partialPathFor, prepareFolder, publish, removePartial, reportProgress } from './snapshot-files.js';
import { startHasher, type Hasher } from './snapshot-hash.js';
import { Aborted, untilAborted } from './until-aborted.js';

export interface PostgresSnapshotOptions {
  /** `postgres://user@host:port/db`; a password inside it is moved to the environment. */
  url: string;
  password?: string | undefined;
  /** Folder holding pg_dump, pg_restore and psql; default: PATH, then /usr/lib/postgresql/N/bin. */
  binDir?: string | undefined;
  /** pg_dump -Z: 1 is the cheapest that still compresses well; 0 writes plain data. */
  compressLevel?: number;
  /** How long pg_dump and pg_restore may wait for a table lock held by someone else. Default 10 s. */
  lockTimeoutMs?: number;
}

const PROGRESS_POLL_MS = 250;

export function createPostgresSnapshotProvider(options: PostgresSnapshotOptions): SnapshotProvider {
  const connection = pgConnection(options.url, options.password);
  const compressLevel = options.compressLevel ?? 1;
  const lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  const program = (name: PgProgram) => findPgProgram(name, options.binDir);
  return {
    kind: 'postgres',
    estimateBytes: () => databaseSize(connection, program),
    take: (request) => take(request, { connection, program, compressLevel, lockTimeoutMs }),
    restore: (path, signal, onProgress) => restore(path, signal, onProgress, { connection, program, lockTimeoutMs }),
  };
}

/** pg_dump's arguments; the password is never among them (see pgConnection). */
export function pgDumpArgs(url: string, file: string, compressLevel: number, lockTimeoutMs: number): string[] {
  return ['--format=custom', `--compress=${compressLevel}`, `--lock-wait-timeout=${lockTimeoutMs}`, '--no-password', `--file=${file}`, `--dbname=${url}`];
}

/** pg_restore's arguments for a restore: drop what the archive holds, recreate it, all in one transaction. */
export function pgRestoreArgs(url: string, file: string): string[] {
  return ['--clean', '--if-exists', '--single-transaction', '--exit-on-error', '--no-owner', '--no-password', `--dbname=${url}`, file];
}

/**
 * Reads the whole archive as a restore would, writing the SQL to /dev/null: a truncated or
 * damaged archive fails here. Rejects with a message for the operator.
 */
export async function verifyPostgresArchive(path: string, options: { binDir?: string | undefined } = {}): Promise<void> {
  const problem = await archiveProblem(path, await findPgProgram('pg_restore', options.binDir), new AbortController().signal);
  if (problem) throw new SnapshotError(`The PostgreSQL archive ${path} failed verification: ${problem}. It is incomplete or damaged; do not restore from it.`);
}

/** Why the archive cannot be read to the end, or undefined when it can. */
async function archiveProblem(path: string, pgRestore: string, signal: AbortSignal): Promise<string | undefined> {
  const outcome = await runPg({ program: pgRestore, args: ['--file=/dev/null', path], connection: pgConnection(''), signal });
  if (outcome.aborted) throw new Aborted();
  return outcome.code === 0 ? undefined : `pg_restore could not read it to the end (${describeExit(outcome)})`;
}

interface Context {
  connection: PgConnection;
  program: (name: PgProgram) => Promise<string>;
  lockTimeoutMs: number;
}

async function databaseSize(connection: PgConnection, program: Context['program']): Promise<number> {
  const psql = await program('psql').catch((error: unknown) => {
    throw new SnapshotError(`Cannot measure PostgreSQL database ${connection.url} before a snapshot: ${firstLine(error)}. Nothing was changed. ${INSTALL_ADVICE}`);
  });
  const outcome = await runPg({
    program: psql,
    args: ['-X', '-A', '-t', '-w', '-v', 'ON_ERROR_STOP=1', '-c', 'SELECT pg_database_size(current_database())', `--dbname=${connection.url}`],
    connection,
    signal: new AbortController().signal,
  });
  const bytes = Number(outcome.stdout.trim());
  if (outcome.code !== 0 || !Number.isFinite(bytes)) {
    throw new SnapshotError(`Cannot measure PostgreSQL database ${connection.url} before a snapshot: ${describeExit(outcome)}. Nothing was changed. ${advise(outcome.stderr)}`);
  }
  return bytes;
}

async function take(request: SnapshotRequest, context: Context & { compressLevel: number }): Promise<SnapshotResult> {
  const startedAt = performance.now();
  const { connection } = context;
  const subject = `The snapshot of PostgreSQL database ${connection.url}`;
  const dir = dirname(request.path);
  if (request.signal.aborted) throw abortedTake(subject);
  const partial = partialPathFor(request.path);
  const fail = (reason: string, advice: string, cause?: unknown): SnapshotError => takeFailure(subject, { reason, advice }, cause);
  let hasher: Hasher | undefined;
  let poll: NodeJS.Timeout | undefined;
  try {
    // The archive's size is unknown until written (compression), so the free-space check is
    // the caller's, from estimateBytes().
    await untilAborted(prepareFolder(dir, 0), request.signal);
    const [pgDump, pgRestore] = await Promise.all([context.program('pg_dump'), context.program('pg_restore')]);
    hasher = startHasher();
    // Progress: the first half follows the archive as pg_dump writes it, against the
    // database's size (asked alongside, never waited for); the second half follows the hash.
    let half = 0;
    void databaseSize(connection, context.program).then((bytes) => (half = bytes), () => {});
    const report = (done: number): void => {
      if (half > 0) reportProgress(request, Math.min(done, 2 * half), 2 * half);
    };
    poll = setInterval(() => void stat(partial).then((s) => report(Math.min(s.size, half)), () => {}), PROGRESS_POLL_MS);
    // Created here so the archive is this user's alone from the first byte; pg_dump then
    // truncates and fills it, keeping the mode.
    await writeFile(partial, '', { mode: 0o600, flag: 'wx' });
    const args = pgDumpArgs(connection.url, partial, context.compressLevel, context.lockTimeoutMs);
    const dump = await runPg({ program: pgDump, args, connection, signal: request.signal });
    clearInterval(poll);
    if (dump.aborted) throw new Aborted();
    if (dump.code !== 0) throw fail(`pg_dump ${describeExit(dump)}`, advise(dump.stderr));

    const bytes = (await stat(partial)).size;
    report(half);
    const [hash, problem] = await untilAborted(
      Promise.all([
        hasher.hash(partial, (done) => report(half + (done / Math.max(bytes, 1)) * half)),
        archiveProblem(partial, pgRestore, request.signal),
        fsyncFile(partial),
      ]),
      request.signal,
    );
    if (problem) throw fail(`the archive failed verification: ${problem}`, 'Run the step again; if it fails again, check the disk holding the snapshot folder.');
    await publish(partial, request.path);
    report(2 * half);
    return { path: request.path, bytes: hash.bytes, sha256: hash.sha256, durationMs: Math.round(performance.now() - startedAt) };
  } catch (error) {
    clearInterval(poll);
    await hasher?.kill();
    await removePartial(partial);
    if (error instanceof Aborted) throw abortedTake(subject);
    if (error instanceof SnapshotError) throw error;
    if (errorCode(error) === 'SNAPSHOT_EXISTS') throw fail(`a file named ${request.path} already exists`, 'Move it away (Handrail never overwrites a snapshot), then run the step again.', error);
    if (errorCode(error) === 'PG_PROGRAM_MISSING') throw fail(firstLine(error), INSTALL_ADVICE, error);
    const folder = explainFolderFailure(error, dir);
    if (folder) throw takeFailure(subject, folder, error);
    throw fail(firstLine(error), `Run the step again; if it fails again, check the disk holding ${dir} and the PostgreSQL client programs.`, error);
  } finally {
    clearInterval(poll);
    await hasher?.kill();
  }
}

async function restore(path: string, signal: AbortSignal, onProgress: ((done: number, total: number) => void) | undefined, context: Context): Promise<void> {
  const { connection } = context;
  const subject = `Restoring PostgreSQL database ${connection.url} from ${path}`;
  const unchanged = 'pg_restore ran in one transaction, so the database is unchanged.';
  reportProgress({ onProgress }, 0, 1);
  let outcome: PgOutcome;
  let watchdog: LockWatchdog | undefined;
  try {
    const [pgRestore, psql] = await Promise.all([context.program('pg_restore'), context.program('psql')]);
    watchdog = startLockWatchdog(psql, connection, context.lockTimeoutMs);
    const env = { PGAPPNAME: watchdog.applicationName };
    outcome = await runPg({ program: pgRestore, args: pgRestoreArgs(connection.url, path), connection, env, signal });
  } catch (error) {
    const advice = errorCode(error) === 'PG_PROGRAM_MISSING' ? ` ${INSTALL_ADVICE}` : '';
    throw new SnapshotError(`${subject} could not start: ${firstLine(error)}. Nothing was restored; the database is unchanged.${advice}`, { cause: error });
  } finally {
    await watchdog?.stop();
  }
  if (outcome.aborted) throw new SnapshotError(`${subject} was aborted. ${unchanged}`);
  if (outcome.code !== 0 && watchdog.fired) {
    throw new SnapshotError(
      `${subject} was refused: another session held a lock on a table it restores for more than ${formatWait(context.lockTimeoutMs)}, so Handrail cancelled it. ` +
        `${unchanged} Stop or pause the application using the database, then restore again.`,
    );
  }
  if (outcome.code !== 0) throw new SnapshotError(`${subject} failed: pg_restore ${describeExit(outcome)}. ${unchanged} ${advise(outcome.stderr)}`);
  reportProgress({ onProgress }, 1, 1);
}

function describeExit(outcome: PgOutcome): string {
  const status = outcome.signal ? `was killed by ${outcome.signal}` : `exited with code ${outcome.code}`;
  return outcome.stderr ? `${status}: ${lastLines(outcome.stderr)}` : status;
}

/** The tools print context first and the cause last; a few lines are enough for a message. */
function lastLines(text: string): string {
  return text.split('\n').slice(-4).join(' / ');
}

function advise(stderr: string): string {
  if (/password authentication failed|no password supplied/i.test(stderr)) return 'Check the password configured for this target (password-env in the inventory).';
  if (/version mismatch/i.test(stderr)) return 'Install PostgreSQL client programs at least as new as the server, or point binDir at them.';
  if (/could not connect|Connection refused|timeout expired/i.test(stderr)) return 'Check that the server is up and reachable at that address.';
  // pg_dump --lock-wait-timeout fails its LOCK TABLE with a statement timeout.
  if (/LOCK TABLE|could not obtain lock|lock timeout/i.test(stderr)) return 'Another session held a lock on a table longer than the lock timeout; wait for it to finish (or stop it), then run the step again.';
  return 'Run the step again; if it fails again, the quoted message says what PostgreSQL refused.';
}
