// Snapshots of a PostgreSQL target (docs/DESIGN.md, "Snapshots"): `pg_dump` in custom format to
// its standard output, and each chunk, as it comes, hashed (SHA-256), written to a temporary
// name and read by `pg_restore -f /dev/null`, which reads the whole archive as a restore would
// (`--list` reads only the table of contents and misses a truncated file); then the fsync and
// the rename. Done one after the other (dump, then hash, check and fsync side by side), the
// check and the hash added 0.4–0.7 s per 256 MiB to the dump. Restore is `pg_restore` in one
// transaction. An archive written to a pipe has no data offsets in its table of contents:
// pg_restore then reads it front to back, which a restore in one transaction does anyway.
import { createHash } from 'node:crypto';
import type { WriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { dirname } from 'node:path';
import type { SnapshotProvider, SnapshotRequest, SnapshotResult } from '../../core/engine/ports.js';
import { startLockWatchdog, type LockWatchdog } from './pg-lock-watchdog.js';
import { findPgProgram, INSTALL_ADVICE, pgConnection, runPg, type PgConnection, type PgOutcome, type PgProgram } from './pg-tools.js';
import { abortedTake, errorCode, explainFolderFailure, firstLine, formatWait, SnapshotError, takeFailure } from './snapshot-errors.js';
import { fsyncFile, partialPathFor, prepareFolder, publish, removePartial, reportProgress } from './snapshot-files.js';
import { Aborted, untilAborted } from './until-aborted.js';

export interface PostgresSnapshotOptions {
  /** `postgres://user@host:port/db`; a password inside it is moved to the environment. */
  url: string;
  password?: string | undefined;
  /** Folder holding pg_dump, pg_restore and psql; default: PATH, then /usr/lib/postgresql/N/bin. */
  binDir?: string | undefined;
  /**
   * pg_dump -Z. Default 0: on 2 cores, zlib at level 1 made pg_dump the bottleneck (1.7 s of
   * CPU per 256 MiB, where plain output costs 0.1–0.25 s, and reading it back for the check
   * 0.6 s against 0.1 s), for an archive about half the size.
   */
  compressLevel?: number;
  /** How long pg_dump and pg_restore may wait for a table lock held by someone else. Default 10 s. */
  lockTimeoutMs?: number;
}

export function createPostgresSnapshotProvider(options: PostgresSnapshotOptions): SnapshotProvider {
  const connection = pgConnection(options.url, options.password);
  const compressLevel = options.compressLevel ?? 0;
  const lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  const program = (name: PgProgram) => findPgProgram(name, options.binDir);
  return {
    kind: 'postgres',
    estimateBytes: () => databaseSize(connection, program),
    take: (request) => take(request, { connection, program, compressLevel, lockTimeoutMs }),
    restore: (path, signal, onProgress) => restore(path, signal, onProgress, { connection, program, lockTimeoutMs }),
  };
}

/** pg_dump's arguments; the password is never among them (see pgConnection). `file` '-' is standard output. */
export function pgDumpArgs(url: string, file: string, compressLevel: number, lockTimeoutMs: number): string[] {
  const output = file === '-' ? [] : [`--file=${file}`];
  return ['--format=custom', `--compress=${compressLevel}`, `--lock-wait-timeout=${lockTimeoutMs}`, '--no-password', ...output, `--dbname=${url}`];
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
  // Stops pg_dump and pg_restore when the operator aborts, or when writing the archive fails.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  request.signal.addEventListener('abort', onAbort, { once: true });
  let archive: WriteStream | undefined;
  try {
    // The archive's size is unknown until written, so the free-space check is the caller's,
    // from estimateBytes().
    await untilAborted(prepareFolder(dir, 0), request.signal);
    const [pgDump, pgRestore] = await Promise.all([context.program('pg_dump'), context.program('pg_restore')]);
    // Progress follows the archive as it streams, against the database's size (asked
    // alongside, never waited for).
    let size = 0;
    void databaseSize(connection, context.program).then((bytes) => (size = bytes), () => {});
    const report = (done: number): void => {
      if (size > 0) reportProgress(request, Math.min(done, size), size);
    };
    // Created here so the archive is this user's alone from the first byte.
    archive = (await open(partial, 'wx', 0o600)).createWriteStream();
    const written = finished(archive);
    written.catch(() => {});
    const toVerify = new PassThrough({ highWaterMark: 1 << 20 });
    const hash = createHash('sha256');
    let bytes = 0;
    const file = archive;
    // Whether pg_dump has finished writing: after that, a failed check is about what it wrote
    // (or did not), and pg_dump is left to exit and say why itself.
    let dumpEnded = false;
    let stoppedBy: 'write' | 'verify' | undefined;
    const takeStdout = (stdout: Readable): void => {
      stdout.once('end', () => (dumpEnded = true));
      stdout.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
        report(bytes);
      });
      // pipe() pauses pg_dump's output while either reader is behind, so memory stays flat.
      stdout.pipe(file);
      stdout.pipe(toVerify);
    };
    const args = pgDumpArgs(connection.url, '-', context.compressLevel, context.lockTimeoutMs);
    const verifying = runPg({ program: pgRestore, args: ['--file=/dev/null'], connection: pgConnection(''), signal: stop.signal, stdin: toVerify });
    const dumping = runPg({ program: pgDump, args, connection, signal: stop.signal, takeStdout });
    // A failed write (a full disk) must stop pg_dump rather than let it stream on.
    written.catch(() => {
      stoppedBy ??= 'write';
      stop.abort();
    });
    void verifying.then((outcome) => {
      // The verdict is in: a failed check makes the rest pointless, and whatever pg_restore
      // left unread must not hold pg_dump back through the pipe's back-pressure.
      if (outcome.code !== 0 && !dumpEnded) {
        stoppedBy ??= 'verify';
        stop.abort();
      }
      toVerify.unpipe();
      toVerify.resume();
    });
    const [dump, check] = await Promise.all([dumping, verifying]);
    if (request.signal.aborted) throw new Aborted();
    if (dump.code !== 0 && stoppedBy === undefined) throw fail(`pg_dump ${describeExit(dump)}`, advise(dump.stderr));
    await written;
    if (check.code !== 0) {
      throw fail(`the archive failed verification: pg_restore could not read it to the end (${describeExit(check)})`, 'Run the step again; if it fails again, check the disk holding the snapshot folder.');
    }
    const onDisk = (await stat(partial)).size;
    if (onDisk !== bytes) throw fail(`the archive holds ${onDisk} bytes where pg_dump wrote ${bytes}`, `Run the step again; if it fails again, check the disk holding ${dir}.`);
    await untilAborted(fsyncFile(partial), request.signal);
    await publish(partial, request.path);
    report(size);
    return { path: request.path, bytes, sha256: hash.digest('hex'), durationMs: Math.round(performance.now() - startedAt) };
  } catch (error) {
    stop.abort();
    archive?.destroy();
    await removePartial(partial);
    if (error instanceof Aborted || request.signal.aborted) throw abortedTake(subject);
    if (error instanceof SnapshotError) throw error;
    if (errorCode(error) === 'SNAPSHOT_EXISTS') throw fail(`a file named ${request.path} already exists`, 'Move it away (Handrail never overwrites a snapshot), then run the step again.', error);
    if (errorCode(error) === 'PG_PROGRAM_MISSING') throw fail(firstLine(error), INSTALL_ADVICE, error);
    const folder = explainFolderFailure(error, dir);
    if (folder) throw takeFailure(subject, folder, error);
    throw fail(firstLine(error), `Run the step again; if it fails again, check the disk holding ${dir} and the PostgreSQL client programs.`, error);
  } finally {
    request.signal.removeEventListener('abort', onAbort);
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
