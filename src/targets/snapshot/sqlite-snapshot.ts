// Snapshots of a SQLite target (docs/DESIGN.md, "Snapshots"): a consistent copy of a database that
// other processes keep using, written under a temporary name, fsynced, hashed, checked with
// `PRAGMA quick_check`, and only then renamed into place. The work runs in a child process
// (sqlite-snapshot-worker.ts) so the event loop never waits on it.
//
// How the copy is made. Measured on a 1 GiB database (4 KiB pages) on this machine: ext4
// without reflinks, 2 vCPU, warm page cache, `sync` before each run, 4 runs; the disk is noisy
// (the same cp took 0.4–1.8 s across sessions), so compare within a row set, not across:
//   cp (coreutils) ........................ 0.39–0.48 s, then fsync 1.1–1.9 s
//   (a) backup API, one step (-1 pages) ... 3.5–4.3 s with its fsync (mmap source, 16 Ki-page
//       steps: no better)
//   (b) VACUUM INTO, then fsync ........... 3.9–4.4 s
//   (c) lock, copyFile, then fsync ........ 1.8–2.1 s
//   then SHA-256 (streamed) 1.0 s, quick_check 0.8–1.1 s
// (c) is about twice as fast, and with reflinks (btrfs, XFS, APFS) the copy takes
// milliseconds. The lock is a read transaction in WAL mode, so writers carry on; in
// rollback-journal mode BEGIN IMMEDIATE holds writers for the copy alone (1–2 s per GiB
// here), less than (a) or (b) would, as both hold a read lock that long or longer. Reasons at
// lock() in the worker.
//
// What follows the copy. Per 1.27 GiB file (the bench's "1 GiB" database), in CPU, measured
// with perf: the copy 0.40 s (kernel), SHA-256 0.74 s plus 0.05 s reading the copy back,
// quick_check 0.61 s through a memory map (0.7 s through SQLite's page cache; a 2 GB
// cache_size 2.3 s). The hash runs on a thread of the worker (hash-thread.ts) that reads each
// stretch of the copy as soon as the copy has written it, so it uses the second core during
// the copy; after the copy, quick_check and the hash's tail run side by side while this
// process fsyncs. What is left in sequence is the copy and then quick_check, which needs the
// whole copy: on 2 cores that, not the disk, is the floor. Measured in one window, five runs
// each against cp + fsync (0.73 s): the four pieces in this arrangement in one process 0.97 s
// (1.33×), this provider 1.07 s (1.46×, the difference is the worker's start), the previous
// arrangement (copy, then check and hash) 1.67 s (2.28×).
//
// Restore goes the other way through the backup API, in one transaction on the target, so
// other connections see the old content or the snapshot's, never a mix.
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SnapshotProvider, SnapshotRequest, SnapshotResult } from '../../core/engine/ports.js';
import { abortedTake, firstLine, SnapshotError } from './snapshot-errors.js';
import { fsyncFile, partialPathFor, prepareFolder, publish, removePartial, reportProgress } from './snapshot-files.js';
import { explainRestore, explainTake, TakeFailure } from './sqlite-snapshot-errors.js';
import type { FromWorker, ToWorker } from './sqlite-snapshot-worker.js';
import { Aborted, untilAborted } from './until-aborted.js';
import { startWorker, type WorkerChannel } from './worker-channel.js';

export interface SqliteSnapshotOptions {
  /** How long to wait for another process's lock before giving up. Default 10 s. */
  busyTimeoutMs?: number;
  /** better-sqlite3's compiled addon for the worker (Electron's ABI differs from Node's). */
  nativeBinding?: string;
}

interface Settings {
  busyTimeoutMs: number;
  nativeBinding: string | undefined;
}

/** 16 MiB at 4 KiB pages: progress and a chance to abort every few tens of milliseconds. */
const PAGES_PER_RESTORE_STEP = 4096;
const PROGRESS_POLL_MS = 200;
/** After an abort, how long a restore gets to roll back on its own before it is killed. */
const ABORT_GRACE_MS = 5_000;

export function createSqliteSnapshotProvider(dbPath: string, options: SqliteSnapshotOptions = {}): SnapshotProvider {
  const settings: Settings = { busyTimeoutMs: options.busyTimeoutMs ?? 10_000, nativeBinding: options.nativeBinding };
  return {
    kind: 'sqlite',
    estimateBytes: () =>
      databaseBytes(dbPath).catch((error: unknown) => {
        throw new SnapshotError(`Cannot measure SQLite database ${dbPath} before a snapshot: ${firstLine(error)}. Nothing was changed. Check that the file exists and is readable by the user running Handrail.`, { cause: error });
      }),
    take: (request) => take(dbPath, request, settings),
    restore: (path, signal, onProgress) => restore(dbPath, path, signal, onProgress, settings),
  };
}

/** The database file plus its WAL: what the copy reads, and at most what the snapshot holds. */
async function databaseBytes(dbPath: string): Promise<number> {
  const wal = await stat(`${dbPath}-wal`).then(
    (s) => s.size,
    () => 0,
  );
  return (await stat(dbPath)).size + wal;
}

async function take(dbPath: string, request: SnapshotRequest, settings: Settings): Promise<SnapshotResult> {
  const startedAt = performance.now();
  const subject = `The snapshot of SQLite database ${dbPath}`;
  if (request.signal.aborted) throw abortedTake(subject);
  const partial = partialPathFor(request.path);
  let stage: TakeFailure['stage'] = 'estimate';
  let worker: WorkerChannel<ToWorker, FromWorker> | undefined;
  let poll: NodeJS.Timeout | undefined;
  try {
    const estimate = await untilAborted(databaseBytes(dbPath), request.signal);
    stage = 'folder';
    await untilAborted(prepareFolder(dirname(request.path), estimate), request.signal);

    // Progress follows the copy, the longest part that grows a file it can watch.
    const total = estimate;
    let shown = 0;
    // A size polled just before the copy ended may arrive after it; never go backwards.
    const report = (done: number): void => {
      shown = Math.min(total, Math.max(shown, done));
      reportProgress(request, shown, total);
    };
    report(0);
    stage = 'copy';
    worker = startWorker<ToWorker, FromWorker>('sqlite-snapshot-worker', { type: 'take', dbPath, partialPath: partial, ...settings });
    // copy_file_range reports nothing as it goes, but the file grows.
    poll = setInterval(() => void stat(partial).then((s) => report(s.size), () => {}), PROGRESS_POLL_MS);
    const copied = expectMessage(await untilAborted(worker.next(), request.signal), 'copied');
    clearInterval(poll);
    report(estimate);

    stage = 'verify';
    const channel = worker;
    const verdicts = async (): Promise<[Extract<FromWorker, { type: 'checked' }>, Extract<FromWorker, { type: 'hashed' }>]> => {
      const checked = expectMessage(await channel.next(), 'checked');
      return [checked, expectMessage(await channel.next(), 'hashed')];
    };
    const [, [checked, hash]] = await untilAborted(Promise.all([fsyncFile(partial), verdicts()]), request.signal);
    if (checked.problems.length > 0) throw new TakeFailure('quick_check', checked.problems.slice(0, 3).join('; '));
    if (hash.bytes !== copied.bytes) throw new TakeFailure('hash', `the copy held ${copied.bytes} bytes when checked and ${hash.bytes} when hashed`);

    stage = 'publish';
    await publish(partial, request.path);
    report(total);
    return { path: request.path, bytes: hash.bytes, sha256: hash.sha256, durationMs: Math.round(performance.now() - startedAt) };
  } catch (error) {
    // Stop the worker before deleting, or it could write a sidecar after the clean-up.
    await worker?.kill();
    await removePartial(partial);
    if (error instanceof Aborted) throw abortedTake(subject);
    throw explainTake(error, { subject, dbPath, dir: dirname(request.path), path: request.path, stage, busyTimeoutMs: settings.busyTimeoutMs });
  } finally {
    clearInterval(poll);
    await worker?.kill();
  }
}

/** The message the conversation is at, or the worker's own failure as a TakeFailure. */
function expectMessage<T extends FromWorker['type']>(message: FromWorker, type: T): Extract<FromWorker, { type: T }> {
  if (message.type === type) return message as Extract<FromWorker, { type: T }>;
  if (message.type === 'failed') throw new TakeFailure(message.phase, message.message, message.code);
  throw new TakeFailure('copy', `the worker answered '${message.type}' where '${type}' was due`);
}

async function restore(
  dbPath: string,
  snapshotPath: string,
  signal: AbortSignal,
  onProgress: ((done: number, total: number) => void) | undefined,
  settings: Settings,
): Promise<void> {
  const where = { dbPath, snapshotPath, busyTimeoutMs: settings.busyTimeoutMs };
  if (signal.aborted) throw explainRestore({ type: 'failed', phase: 'aborted', code: '', message: 'aborted before it started' }, where);
  const worker = startWorker<ToWorker, FromWorker>('sqlite-snapshot-worker', {
    type: 'restore',
    snapshotPath,
    dbPath,
    pagesPerStep: PAGES_PER_RESTORE_STEP,
    ...settings,
  });
  // Aborting asks the worker to stop between two steps, which rolls the target back cleanly;
  // killing it (after the grace period) leaves that to SQLite's journal on the next open.
  let killTimer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    worker.send({ type: 'abort' });
    killTimer = setTimeout(() => void worker.kill(), ABORT_GRACE_MS);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const message = await worker.next();
      if (message.type === 'progress') reportProgress({ onProgress }, message.done, message.total);
      else if (message.type === 'restored') return;
      else throw explainRestore(message, where);
    }
  } catch (error) {
    throw explainRestore(error, where);
  } finally {
    signal.removeEventListener('abort', onAbort);
    clearTimeout(killTimer);
    await worker.kill();
  }
}
