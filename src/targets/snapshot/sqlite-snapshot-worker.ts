// The child process behind sqlite-snapshot.ts (see worker-channel.ts for why a process).
// `take` copies a live database under a lock, makes the copy one self-contained file, hashes
// it (on a thread, reading each stretch of the copy as it is written) and checks it; `restore` writes a snapshot back through SQLite's backup API. It never renames
// anything into place: the parent does that after its own checks.
import Database from 'better-sqlite3';
import { chmodSync, closeSync, constants, copyFileSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { hashInThread, type Hashing } from './hash-thread.js';
import { errorCode, firstLine, formatWait } from './snapshot-errors.js';

interface Common {
  busyTimeoutMs: number;
  /** better-sqlite3's compiled addon (Electron's ABI differs from Node's). */
  nativeBinding?: string | undefined;
}

export type ToWorker =
  | ({ type: 'take'; dbPath: string; partialPath: string } & Common)
  | ({ type: 'restore'; snapshotPath: string; dbPath: string; pagesPerStep: number } & Common)
  /** Restore only: stop between two steps and roll the database back. */
  | { type: 'abort' };

/** Where the SQLite header keeps the file format write and read versions: 2 = WAL, 1 = rollback journal. */
const FORMAT_VERSIONS = 18;

export type Phase = 'open' | 'lock' | 'copy' | 'prepare' | 'check' | 'hash' | 'restore' | 'busy' | 'aborted' | 'empty';

export type FromWorker =
  | { type: 'copied'; bytes: number }
  /** quick_check's complaints about the copy; empty when it said `ok`. */
  | { type: 'checked'; problems: string[] }
  /** SHA-256 of the copy as it is on disk, read back from the copy. */
  | { type: 'hashed'; sha256: string; bytes: number }
  | { type: 'progress'; done: number; total: number }
  | { type: 'restored' }
  | { type: 'failed'; phase: Phase; code: string; message: string };

let aborted = false;
const send = (message: FromWorker): void => void process.send?.(message);
const fail = (phase: Phase, error: unknown): void => send({ type: 'failed', phase, code: errorCode(error), message: firstLine(error) });

// The parent is gone (killed, crashed): stop. Checked between phases too, because a native
// copy does not let this event run until it returns.
process.on('disconnect', () => process.exit(1));
process.on('message', (message: ToWorker) => {
  if (message.type === 'abort') aborted = true;
  else if (message.type === 'take') void take(message);
  else restore(message).catch((error: unknown) => fail('restore', error));
});

function openDb(path: string, readonly: boolean, request: Common): Database.Database {
  const binding = request.nativeBinding ? { nativeBinding: request.nativeBinding } : {};
  return new Database(path, { fileMustExist: true, readonly, timeout: request.busyTimeoutMs, ...binding });
}

async function take(request: Extract<ToWorker, { type: 'take' }>): Promise<void> {
  const { dbPath, partialPath } = request;
  let source: Database.Database;
  try {
    source = openDb(dbPath, false, request);
  } catch (error) {
    return fail('open', error);
  }
  let wal: boolean;
  let walBytes: number;
  try {
    wal = lock(source);
    walBytes = wal ? sizeOf(`${dbPath}-wal`) : 0;
  } catch (error) {
    source.close();
    return fail('lock', error);
  }
  // With frames in the WAL, SQLite itself must replay them into the copy; without, the file by
  // itself is our state (no checkpoint can write into it while our read transaction holds it).
  // Either way the hash is taken from the copy as it lies on disk, never from the source: what
  // is recorded is what was verified, so a copy that came out wrong is caught here, before the
  // step, not at restore time.
  const replay = wal && walBytes > 0;
  const hashing = hashInThread(partialPath);
  // Rejections are read below; until then, a failed copy or check must not surface one unhandled.
  hashing.result.catch(() => {});
  try {
    if (replay) copyWithWal(dbPath, partialPath);
    else await copyHashedAsWritten(dbPath, partialPath, wal, hashing);
  } catch (error) {
    source.close();
    return fail('copy', error);
  }
  // In rollback-journal mode the lock holds writers back: release it as soon as the copy is done.
  source.close();
  if (!process.connected) process.exit(1);

  if (replay) {
    try {
      // Replays the copied WAL into the copy and marks it as a rollback-journal database, so
      // the snapshot is one file that opens read-only without -wal or -shm beside it.
      const copy = openDb(partialPath, false, request);
      try {
        // The parent fsyncs the finished file once; SQLite syncing it here would add a pass.
        copy.pragma('synchronous = OFF');
        copy.pragma('journal_mode = DELETE');
      } finally {
        copy.close();
      }
    } catch (error) {
      return fail('prepare', error);
    }
    // Only now is the file final: the thread reads it whole.
    hashing.start();
  }
  const bytes = statSync(partialPath).size;
  hashing.finish(bytes);
  send({ type: 'copied', bytes });
  if (!process.connected) process.exit(1);

  try {
    const copy = openDb(partialPath, true, request);
    try {
      // quick_check visits every page; through a memory map it reads them in place instead of
      // one read() into SQLite's cache per page (1 GiB: 0.6 s of CPU instead of 0.75–0.8 s).
      // The copy is ours alone, so nothing truncates it under the map.
      copy.pragma(`mmap_size = ${bytes}`);
      const rows = copy.pragma('quick_check(20)') as { quick_check: string }[];
      send({ type: 'checked', problems: rows.map((row) => row.quick_check).filter((line) => line !== 'ok') });
    } finally {
      copy.close();
    }
  } catch (error) {
    // NOTADB or CORRUPT from the copy is a verdict on the copy, not a crash.
    send({ type: 'checked', problems: [firstLine(error)] });
  }

  try {
    const hash = await hashing.result;
    if (hash.bytes !== bytes) throw Object.assign(new Error(`the copy holds ${bytes} bytes where the database file held ${hash.bytes}`), { code: 'EIO' });
    send({ type: 'hashed', ...hash });
  } catch (error) {
    fail('hash', error);
  } finally {
    if (source.open) source.close();
  }
}

/** Past this many bytes the copy has written the header page and never goes back to it. */
const HEADER_WRITTEN = 64 * 1024;
/**
 * Whether everything below the copy's current size is already written. On Linux libuv copies
 * with copy_file_range (or sendfile) from offset 0 up, never setting the size ahead of the
 * data. macOS's copyfile(3) may size the file first; there the thread waits for the whole copy.
 */
const COPY_GROWS_IN_ORDER = process.platform === 'linux';

/**
 * Copies the database file and lets the hashing thread read each stretch of the copy as soon
 * as it is written, so SHA-256 runs on the other core during the copy instead of after it.
 * A WAL database's copy gets its journal mark first: the copy writes from the start to the
 * end and never back, so once the file is past its first page, the header can be changed
 * while the rest is still being copied, and the thread is let in only after that.
 */
async function copyHashedAsWritten(dbPath: string, partialPath: string, wal: boolean, hashing: Hashing): Promise<void> {
  // FICLONE makes a reflink where the file system has them (btrfs, XFS, APFS), so the
  // lock is held for milliseconds; elsewhere libuv falls back to copy_file_range.
  const copying = copyFile(dbPath, partialPath, constants.COPYFILE_FICLONE).then(() => true);
  for (;;) {
    const done = await Promise.race([copying, delay(1).then(() => false)]);
    if (done || (COPY_GROWS_IN_ORDER && sizeOf(partialPath) >= HEADER_WRITTEN)) break;
  }
  if (wal) markRollbackJournal(partialPath);
  hashing.start();
  await copying;
  // copyFile keeps the database's mode, which may let others read it; a snapshot of
  // production data is for this user only.
  chmodSync(partialPath, 0o600);
}

/** Header bytes 18 and 19 from 2 (WAL) to 1 (rollback journal): the copy then opens by itself. */
function markRollbackJournal(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    const versions = Buffer.alloc(2);
    readSync(fd, versions, 0, 2, FORMAT_VERSIONS);
    if (versions[0] !== 2 || versions[1] !== 2) throw Object.assign(new Error('the database header does not say WAL mode (bytes 18 and 19 are not 2)'), { code: 'SQLITE_NOTADB' });
    writeSync(fd, Buffer.from([1, 1]), 0, 2, FORMAT_VERSIONS);
  } finally {
    closeSync(fd);
  }
}

/** The database file, then its WAL (in that order: see lock()). */
function copyWithWal(dbPath: string, partialPath: string): void {
  // FICLONE makes a reflink where the file system has them (btrfs, XFS, APFS), so the
  // lock is held for milliseconds; elsewhere libuv falls back to copy_file_range.
  copyFileSync(dbPath, partialPath, constants.COPYFILE_FICLONE);
  // copyFile keeps the database's mode, which may let others read it; a snapshot of
  // production data is for this user only.
  chmodSync(partialPath, 0o600);
  copyFileSync(`${dbPath}-wal`, `${partialPath}-wal`, constants.COPYFILE_FICLONE);
  chmodSync(`${partialPath}-wal`, 0o600);
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 0;
    throw error;
  }
}

/**
 * Takes the lock under which the files are stable enough to copy, and says whether the
 * database is in WAL mode (asked inside the transaction: the mode may have changed since open).
 *
 * Rollback journal: BEGIN IMMEDIATE. No one else can write, so the file does not change;
 * readers carry on. (A read-only file cannot take that lock; a read transaction is as safe
 * there, it just also stalls readers once a writer queues behind it.)
 *
 * WAL: a read transaction only, so writers carry on. While it is open, a checkpoint copies
 * into the database file only frames our snapshot already includes (and they stay in the
 * WAL), and the WAL is not restarted under frames we may need; so the database file plus
 * the WAL, copied after it, replay to a committed state at least as new as our snapshot. A
 * commit still being appended is cut off by the WAL's checksums, exactly as after a power
 * cut. (Copying without the WAL fails snapshot-sqlite-live.test.ts.)
 */
function lock(db: Database.Database): boolean {
  const beginRead = (): void => {
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  };
  if (db.pragma('journal_mode', { simple: true }) === 'wal') beginRead();
  else {
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (error) {
      if (!errorCode(error).startsWith('SQLITE_READONLY')) throw error;
      beginRead();
    }
  }
  return db.pragma('journal_mode', { simple: true }) === 'wal';
}

async function restore(request: Extract<ToWorker, { type: 'restore' }>): Promise<void> {
  let source: Database.Database;
  try {
    source = openDb(request.snapshotPath, true, request);
  } catch (error) {
    return fail('open', error);
  }
  try {
    const pages = source.pragma('page_count', { simple: true }) as number;
    // With no pages, a finished backup and one refused as busy look the same (see below).
    if (pages === 0) return fail('empty', new Error('the snapshot holds an empty database (0 pages)'));
    await backupWithinTimeout(source, request);
    send({ type: 'restored' });
  } catch (error) {
    if (error instanceof Refused) fail(error.phase, error);
    else fail('restore', error);
  } finally {
    source.close();
  }
}

class Refused extends Error {
  constructor(
    readonly phase: Phase,
    message: string,
  ) {
    super(message);
  }
}

/**
 * better-sqlite3 opens the target without a busy handler and treats SQLITE_BUSY as "no
 * progress yet": a first step refused because another process holds the database resolves
 * as if finished, with totalPages 0 and nothing written (measured). So a result with
 * totalPages 0 means busy, and we retry until the timeout. Once the first step succeeds the
 * target stays locked until the commit, so later steps cannot be refused.
 */
async function backupWithinTimeout(source: Database.Database, request: Extract<ToWorker, { type: 'restore' }>): Promise<void> {
  const deadline = Date.now() + request.busyTimeoutMs;
  const busy = (): Refused =>
    new Refused('busy', `another process kept the database locked for more than ${formatWait(request.busyTimeoutMs)}`);
  for (;;) {
    let lastRemaining = Number.POSITIVE_INFINITY;
    let stalledSince = Date.now();
    const result = await source.backup(request.dbPath, {
      progress: ({ totalPages, remainingPages }) => {
        // Throwing here makes better-sqlite3 finish the backup, which rolls the target back.
        if (aborted) throw new Refused('aborted', 'the restore was aborted');
        send({ type: 'progress', done: totalPages - remainingPages, total: totalPages });
        if (remainingPages < lastRemaining) {
          lastRemaining = remainingPages;
          stalledSince = Date.now();
        } else if (Date.now() - stalledSince > request.busyTimeoutMs) {
          throw busy();
        } else {
          sleep(25);
        }
        return request.pagesPerStep;
      },
    });
    if (result.totalPages > 0) return;
    if (aborted) throw new Refused('aborted', 'the restore was aborted');
    if (Date.now() > deadline) throw busy();
    sleep(50);
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
